"""The channel inside the real Rasa server: guard and safety net with the trained assistant."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.servers import post_json

pytestmark = pytest.mark.slow


def test_bad_requests_are_refused_by_the_running_server(action_server_up):
    assert post_json(action_server_up.webhook_url, b"{oops")[0] == 400
    assert post_json(action_server_up.webhook_url, json.dumps({"message": "hej"}).encode())[0] == 400
    sender = b"5b0f3c1e-7a2d-4e8b-9c4f-1d2e3f4a5b6c"
    assert (
        post_json(action_server_up.webhook_url, b'{"sender": "' + sender + b'", "message": "' + b"x" * 40_000 + b'"}')[
            0
        ]
        == 413
    )
    status, answer = post_json(action_server_up.webhook_url, json.dumps({"sender": "alice", "message": "hej"}).encode())
    assert (status, answer["error"]) == (400, "invalid_sender")


def test_widget_files_and_demo_are_served_by_the_rasa_server(action_server_up):
    from bot.urls import DEMO_PATH, WIDGET_CSS_PATH, WIDGET_JS_PATH

    for path, kind in ((WIDGET_JS_PATH, "javascript"), (WIDGET_CSS_PATH, "css"), (DEMO_PATH, "html")):
        with urllib.request.urlopen(action_server_up.base_url + path, timeout=30) as answer:
            assert kind in answer.headers["Content-Type"]


def test_unreadable_message_gets_a_friendly_answer(action_server_up):
    reply = action_server_up.conversation().send("🙂🙂🙂")
    assert reply.texts and "Skriv gerne" in reply.text


def test_personal_data_never_reaches_the_bot_and_the_patient_is_told(action_server_up):
    reply = action_server_up.conversation().send("Mit cpr er 010203-1234, ring på 12345678")
    assert "fjernet CPR-nummer og telefonnummer" in reply.text


def test_action_server_down_still_escalates_a_red_flag(rasa_servers):
    rasa_servers.stop_action_server()
    try:
        conversation = rasa_servers.conversation({"name": "", "phone": "12 34 56 78", "region": "hovedstaden"})
        reply = conversation.send("jeg kan ikke holde på vandet")
        assert reply.triage is not None and reply.triage["triage"] == "emergency"
        assert "112" in reply.text
        benign = rasa_servers.conversation({"name": "", "phone": "12 34 56 78", "region": "hovedstaden"})
        answer = benign.send("/ask_self_help")  # answered by a custom action, which is down
        assert answer.text.startswith("Beklager"), answer.text
        assert "112" in answer.text and "1813" in answer.text and "12 34 56 78" in answer.text
    finally:
        rasa_servers.start_action_server()


def test_message_text_is_not_in_the_server_logs(action_server_up):
    marker = "Ryggen-Knirker-Mærkeligt-7311"
    action_server_up.conversation().send(f"jeg har ondt og {marker}")
    action_server_up.conversation().send("/ask_self_help")
    assert marker not in action_server_up.log_path.read_text(encoding="utf-8", errors="replace")
