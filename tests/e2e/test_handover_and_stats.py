"""The handover summary and the clinic statistics with the real servers and real consultations."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Optional

import pytest

from bot.settings import PROJECT_ROOT
from bot.stats import statistics
from bot.stats.report import SMALL
from tests.e2e.conftest import answer_until_result, start_screening
from tests.servers import STATS_TOKEN, RasaServers, Reply

pytestmark = pytest.mark.slow

DESCRIPTION = "jeg har fået ondt i lænden"


def handover(reply: Reply) -> dict[str, Any]:
    found = [c["handover"] for c in reply.customs if "handover" in c]
    assert found, reply.messages
    return found[-1]


def test_the_result_without_red_flags_carries_the_summary(chat):
    conversation = chat()
    result = answer_until_result(conversation, start_screening(conversation, duration="siden i fredags"))
    summary = handover(result)
    assert summary["level"] == "none" and summary["flags"] == [] and summary["unsure"] == []
    assert summary["duration"] == "siden i fredags"
    assert f"«{DESCRIPTION}»" in summary["text"]
    assert "Nej til: " in summary["text"]
    assert summary["text"].endswith("Lavet af rygbot, en chatbot. Ikke en lægelig vurdering.")


def test_an_emergency_carries_the_summary_at_once(chat):
    reply = chat().send("jeg kan ikke holde på urinen og har ondt i ryggen")
    summary = handover(reply)
    assert summary["level"] == "emergency" and summary["flags"] == ["bladder_bowel"]
    assert "Ring 112 nu" in summary["text"].splitlines()[3]


def test_dont_know_twice_is_listed_with_the_question(chat):
    conversation = chat()
    reply = start_screening(conversation)
    reply = conversation.send("/dont_know")
    reply = conversation.send("/dont_know")
    result = answer_until_result(conversation, reply)
    summary = handover(result)
    assert summary["level"] == "urgent"
    assert summary["unsure"] == ["bladder_bowel"]
    assert "Svaret ved ikke til:" in summary["text"]


@pytest.mark.parametrize("question", ["kan jeg få et resumé?", "hvad skal jeg sige til lægen?"])
def test_the_patient_can_ask_for_the_summary_after_the_result(chat, question):
    conversation = chat()
    answer_until_result(conversation, start_screening(conversation))
    reply = conversation.send(question)
    assert handover(reply)["level"] == "none"


def test_asking_for_the_summary_during_the_screening_says_so_far_and_the_screening_goes_on(chat):
    conversation = chat()
    start_screening(conversation)
    reply = conversation.send("kan jeg få et resumé?")
    assert "ikke færdige" in handover(reply)["text"]
    assert reply.payloads == ["/affirm", "/deny", "/dont_know"], reply.messages
    assert handover(answer_until_result(conversation, reply))["level"] == "none"


# --- Statistics -------------------------------------------------------------------------------------


def _consult(servers: RasaServers, clinic: dict[str, str], how: str) -> None:
    conversation = servers.conversation(clinic=clinic)
    conversation.send("/greet")
    if how == "opened":
        return
    if how == "emergency":
        conversation.send("jeg kan ikke holde på urinen")
        return
    reply = start_screening(conversation)
    if how == "stopped":
        conversation.send("/deny")
        return
    answer_until_result(conversation, reply)


@pytest.fixture(scope="module")
def clinic_store(rasa_servers: RasaServers) -> tuple[str, str]:
    """Eight real consultations at a clinic of their own: 5 without red flags, 1 emergency, 1 that
    stopped at the second question, 1 that only opened the chat."""
    rasa_servers.start_action_server()
    name = f"Statistikklinikken {uuid.uuid4().hex[:8]}"
    clinic = {"name": name, "phone": "12 34 56 78", "region": "hovedstaden"}
    for how in ["benign"] * 5 + ["emergency", "stopped", "opened"]:
        _consult(rasa_servers, clinic, how)
    return f"sqlite:///{rasa_servers.tracker_db}", name


def test_statistics_of_real_consultations(clinic_store):
    url, clinic = clinic_store
    data = statistics(url, clinic=clinic)
    total = data["total"]
    assert total["opened"] == 8
    assert total["started"] == 7
    assert total["result"] == 6
    assert total["outcomes"] == {"emergency": SMALL, "urgent": 0, "none": 5}
    assert total["red_flags"] == {"bladder_bowel": SMALL}
    assert total["stopped"]["result"] == 6
    assert list(total["stopped"].values()).count(SMALL) == 1
    assert any(stop.startswith("question:") for stop in total["stopped"]), total["stopped"]
    assert total["content_read"]["hvorfor-ikke-scanning"] == 5
    assert isinstance(total["median_turns"], float) and total["median_turns"] >= 10
    assert len(data["days"]) >= 1


def test_statistics_never_hold_what_patients_wrote(clinic_store):
    url, clinic = clinic_store
    for fmt in ("json", "table", "html"):
        shown = _cli(url, clinic, fmt)
        assert "lænden" not in shown and "urinen" not in shown


def test_the_command_line_prints_the_same_json(clinic_store):
    url, clinic = clinic_store
    assert json.loads(_cli(url, clinic, "json")) == json.loads(json.dumps(statistics(url, clinic=clinic)))


def _cli(url: str, clinic: str, fmt: str) -> str:
    command = [sys.executable, "-m", "bot", "stats", "--tracker-store", url, "--clinic", clinic, "--format", fmt]
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=120).stdout


def _get(url: str, token: Optional[str] = None) -> tuple[int, str, Any]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8"), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), error.headers


def test_the_stats_page_needs_the_token(rasa_servers, clinic_store):
    status, _, headers = _get(rasa_servers.base_url + "/stats")
    assert status == 401 and (headers.get("WWW-Authenticate") or "").startswith("Bearer")
    assert _get(rasa_servers.base_url + "/stats", token="wrong")[0] == 401
    assert _get(rasa_servers.base_url + "/stats?token=wrong")[0] == 401


def test_the_stats_page_shows_the_report_with_the_token(rasa_servers, clinic_store):
    _, clinic = clinic_store
    status, body, headers = _get(rasa_servers.base_url + "/stats", token=STATS_TOKEN)
    assert status == 200 and "text/html" in headers.get("Content-Type", "")
    assert "chart-outcomes" in body and "chart-funnel" in body
    query = urllib.parse.urlencode({"token": STATS_TOKEN, "format": "json", "clinic": clinic})
    status, body, _ = _get(rasa_servers.base_url + "/stats?" + query)
    assert status == 200 and json.loads(body)["total"]["opened"] == 8
