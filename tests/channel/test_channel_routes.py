"""The rygbot channel over real HTTP: guard, safety net, CORS and the widget's static files."""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import uuid

import pytest

from bot.rasa import channel, failure_watch
from bot.rasa.detection import METADATA_KEY
from bot.redflags import Detection

WEBHOOK = channel.WEBHOOK_PATH


def _texts(reply) -> list[str]:
    return [message["text"] for message in reply.json() if "text" in message]


def _customs(reply) -> list[dict]:
    return [message["custom"] for message in reply.json() if "custom" in message]


@pytest.fixture
def detector(monkeypatch):
    """A stand-in detector: any message containing 'NØDSITUATION' or 'FEBER' is a red flag,
    'PRIKKER' a possible one. Returns the texts it was called with."""
    calls: list[str] = []

    def detect(text: str):
        calls.append(text)
        if "NØDSITUATION" in text:
            return Detection(flags=("bladder_bowel",), level="emergency")
        if "FEBER" in text:
            return Detection(flags=("infection",), level="urgent")
        if "PRIKKER" in text:
            return Detection(ask=("saddle_numbness",))
        return Detection()

    monkeypatch.setattr("bot.redflags.detect", detect, raising=False)
    return calls


def test_rasa_replies_pass_through_unchanged(server):
    server.agent.script = lambda message: [
        {"text": "Hej! Hvordan har din ryg det?"},
        {"custom": {"content_id": "velkommen"}},
    ]
    reply = server.chat("hej")
    assert reply.status == 200
    assert reply.json() == [
        {"recipient_id": server.sender, "text": "Hej! Hvordan har din ryg det?"},
        {"recipient_id": server.sender, "custom": {"content_id": "velkommen"}},
    ]
    received = server.agent.received[0]
    assert (received.text, received.sender_id, received.input_channel) == ("hej", server.sender, "rygbot")


def test_clinic_metadata_reaches_rasa_checked(server):
    clinic = {"name": "Lægerne i Søndergade", "phone": "86 12 34 56", "region": "midtjylland", "evil": "<x>"}
    server.chat("hej", metadata={"clinic": clinic, "other": "dropped"})
    metadata = server.agent.received[0].metadata
    assert metadata["clinic"] == {"name": "Lægerne i Søndergade", "phone": "86 12 34 56", "region": "midtjylland"}
    assert set(metadata) == {"clinic", METADATA_KEY}


NO_FLAGS = {"flags": [], "level": "none", "negated": [], "ask": [], "ruled_out": [], "failed": False}


def test_the_channel_hands_its_detection_of_the_whole_message_to_rasa(server, detector):
    server.chat("x" * 2500 + " og nu har jeg FEBER")
    detection = server.agent.received[0].metadata[METADATA_KEY]
    assert detection == {**NO_FLAGS, "flags": ["infection"], "level": "urgent"}
    assert len(server.agent.received[0].text) < 2100


@pytest.mark.parametrize("forged", [NO_FLAGS, {**NO_FLAGS, "flags": ["bladder_bowel"], "level": "emergency"}, "x"])
def test_a_detection_sent_by_the_client_is_dropped(server, detector, forged):
    server.chat("jeg har FEBER", metadata={METADATA_KEY: forged})
    assert server.agent.received[0].metadata[METADATA_KEY] == {**NO_FLAGS, "flags": ["infection"], "level": "urgent"}
    server.chat("jeg har ondt", metadata={METADATA_KEY: forged, "clinic": {}})
    assert server.agent.received[1].metadata[METADATA_KEY] == NO_FLAGS


def test_each_message_is_detected_once_and_the_safety_net_reuses_it(server, detector):
    server.agent.script = lambda message: []
    reply = server.chat("jeg har FEBER")
    assert detector == ["jeg har FEBER"]
    assert _customs(reply) == [{"triage": "urgent", "flags": ["infection"]}]


def test_a_possible_flag_reaches_rasa_as_ask_and_is_not_escalated_by_the_channel(server, detector):
    server.agent.script = lambda message: [{"text": "Du skrev: ..."}]
    reply = server.chat("det PRIKKER")
    assert server.agent.received[0].metadata[METADATA_KEY]["ask"] == ["saddle_numbness"]
    assert _customs(reply) == []


def test_a_detector_that_cannot_run_asks_the_emergency_questions(server, monkeypatch):
    def broken(text: str):
        raise RuntimeError("broken")

    monkeypatch.setattr("bot.redflags.detect", broken, raising=False)
    server.chat("jeg har ondt")
    detection = server.agent.received[0].metadata[METADATA_KEY]
    assert detection["failed"] is True
    assert detection["ask"] == ["bladder_bowel", "saddle_numbness", "neuro_deficit"]


def test_a_button_payload_is_not_detected(server, detector):
    server.chat("/affirm")
    assert detector == []
    assert server.agent.received[0].metadata[METADATA_KEY] == NO_FLAGS


def test_invalid_json_is_refused_with_400_and_a_json_error(server):
    reply = server.request(WEBHOOK, b"{not json", {"Content-Type": "application/json"})
    assert reply.status == 400
    assert reply.json()["error"] == "invalid_json"
    assert not server.agent.received


def test_missing_sender_is_refused_with_400(server):
    reply = server.request(WEBHOOK, json.dumps({"message": "hej"}).encode())
    assert (reply.status, reply.json()["error"]) == (400, "missing_sender")


def test_too_large_body_is_refused_with_413(server):
    body = json.dumps({"sender": server.sender, "message": "x" * 40_000}).encode()
    reply = server.request(WEBHOOK, body, {"Content-Type": "application/json"})
    assert (reply.status, reply.json()["error"]) == (413, "too_large")
    assert not server.agent.received


def test_too_large_chunked_body_without_length_is_refused_with_413(server):
    host, port = server.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    chunks = (b"x" * 8192 for _ in range(10))
    connection.request("POST", WEBHOOK, body=chunks, headers={"Content-Type": "application/json"}, encode_chunked=True)
    assert connection.getresponse().status == 413
    connection.close()


def test_plain_text_content_type_is_accepted_so_browsers_skip_the_preflight(server):
    body = json.dumps({"sender": server.sender, "message": "hej"}).encode()
    reply = server.request(WEBHOOK, body, {"Content-Type": "text/plain;charset=UTF-8"})
    assert reply.status == 200 and _texts(reply) == ["Hej fra rasa"]


def test_personal_data_is_redacted_before_rasa_and_the_patient_is_told(server):
    reply = server.chat("Jeg hedder Anne, cpr 010203-1234, tlf 12 34 56 78, anne@example.dk")
    assert server.agent.received[0].text == "Jeg hedder [navn], cpr [cpr-nummer], tlf [telefonnummer], [e-mail]"
    assert any("fjernet CPR-nummer, telefonnummer, e-mailadresse og navn" in text for text in _texts(reply))


def test_long_message_is_cut_with_a_polite_note(server):
    reply = server.chat("min ryg gør ondt " * 300)
    assert len(server.agent.received[0].text) <= 2002
    assert "kun læst de første 2.000 tegn" in _texts(reply)[0]
    assert "Hej fra rasa" in _texts(reply)


@pytest.mark.parametrize("message", ["", "   ", "🙂🙂", "<p></p>", "\x00\x01\x02\x03"])
def test_unreadable_message_gets_a_friendly_answer_without_asking_rasa(server, message):
    reply = server.chat(message)
    assert reply.status == 200
    assert _texts(reply) == [channel.safety.EMPTY_MESSAGE_REPLY]
    assert not server.agent.received


def test_html_message_reaches_rasa_as_plain_text(server):
    server.chat('<img src=x onerror="alert(1)">Ondt i <b>ryggen</b>')
    assert server.agent.received[0].text == "Ondt i ryggen"


def test_rasa_failure_gives_the_safe_fallback_and_no_stack_trace(server, caplog):
    def fail(message):
        raise RuntimeError("action server unreachable: SECRET-TEXT " + message.text)

    server.agent.script = fail
    with caplog.at_level(logging.DEBUG):
        reply = server.chat("ondt i ryggen SECRET-TEXT")
    assert reply.status == 200
    texts = _texts(reply)
    assert texts[0].startswith("Beklager, jeg kan ikke svare lige nu")
    assert any("112" in text for text in texts) and any("lægevagten" in text for text in texts)
    assert "Traceback" not in reply.body.decode() and "RuntimeError" not in reply.body.decode()
    assert "SECRET-TEXT" not in caplog.text


def test_rasa_silence_gives_the_safe_fallback(server):
    server.agent.script = lambda message: []
    reply = server.chat("hvad med min ryg", metadata={"clinic": {"phone": "86 12 34 56", "region": "hovedstaden"}})
    joined = " ".join(_texts(reply))
    assert "86 12 34 56" in joined and "1813" in joined and "112" in joined
    assert not _customs(reply)


def test_rasa_hanging_gives_the_safe_fallback_in_time(server, monkeypatch):
    async def hang(message):
        await asyncio.sleep(5)

    monkeypatch.setattr(channel, "REPLY_TIMEOUT_SECONDS", 0.3)
    server.agent.script = hang
    reply = server.chat("hej")
    assert _texts(reply)[0].startswith("Beklager")


def test_red_flag_in_a_message_rasa_cannot_answer_gets_the_escalation_and_payload(server, detector):
    server.agent.script = lambda message: []
    reply = server.chat("jeg har en NØDSITUATION")
    assert _texts(reply)[0] == "**Ring 112 nu.**"
    assert _customs(reply) == [{"triage": "emergency", "flags": ["bladder_bowel"]}]


def test_red_flag_the_dialogue_did_not_escalate_is_escalated_first(server, detector):
    server.agent.script = lambda message: [{"text": "Næste spørgsmål: Er du faldet?"}]
    reply = server.chat("jeg har FEBER", metadata={"clinic": {"phone": "86 12 34 56"}})
    texts = _texts(reply)
    assert texts[0] == "**Kontakt din læge nu.**"
    assert "86 12 34 56" in texts[1]
    assert texts[-1] == "Næste spørgsmål: Er du faldet?"
    assert _customs(reply) == [{"triage": "urgent", "flags": ["infection"]}]


def test_red_flag_the_dialogue_escalated_is_left_alone(server, detector):
    dialogue = [{"text": "Ring 112 nu."}, {"custom": {"triage": "emergency", "flags": ["bladder_bowel"]}}]
    server.agent.script = lambda message: dialogue
    reply = server.chat("jeg har en NØDSITUATION")
    assert _texts(reply) == ["Ring 112 nu."]
    assert len(_customs(reply)) == 1


def test_emergency_outranks_an_urgent_escalation_from_the_dialogue(server, detector):
    server.agent.script = lambda message: [
        {"text": "Kontakt lægen."},
        {"custom": {"triage": "urgent", "flags": ["infection"]}},
    ]
    reply = server.chat("FEBER og NØDSITUATION")
    assert _texts(reply)[0] == "**Ring 112 nu.**"
    assert {"triage": "emergency", "flags": ["bladder_bowel"]} in _customs(reply)


def test_redaction_cannot_hide_a_red_flag_from_the_safety_net(server, detector):
    server.agent.script = lambda message: []
    reply = server.chat("FEBER, ring 12345678")
    assert _customs(reply) == [{"triage": "urgent", "flags": ["infection"]}]


def test_button_payload_is_not_read_as_a_red_flag(server, detector):
    server.agent.script = lambda message: [{"text": "Tak."}]
    reply = server.chat("/affirm")
    assert server.agent.received[0].text == "/affirm"
    assert _texts(reply) == ["Tak."]


def test_cors_allows_the_configured_origin_only(server):
    body = json.dumps({"sender": server.sender, "message": "hej"}).encode()
    allowed = server.request(WEBHOOK, body, {"Origin": server.allowed_origin})
    assert allowed.headers.get("access-control-allow-origin") == server.allowed_origin
    other = server.request(WEBHOOK, body, {"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_cors_preflight_for_json_posts_is_answered(server):
    reply = server.request(
        WEBHOOK,
        method="OPTIONS",
        headers={
            "Origin": server.allowed_origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert reply.status in (200, 204)
    assert reply.headers.get("access-control-allow-origin") == server.allowed_origin


@pytest.mark.parametrize(
    "path,content_type",
    [
        (channel.WIDGET_JS_PATH, "text/javascript; charset=utf-8"),
        (channel.WIDGET_CSS_PATH, "text/css; charset=utf-8"),
        (channel.DEMO_PATH, "text/html; charset=utf-8"),
    ],
)
def test_widget_files_are_served_with_type_etag_and_caching(server, path, content_type):
    reply = server.request(path)
    assert reply.status == 200
    assert reply.headers["content-type"] == content_type
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.body == (channel.WIDGET_DIR / channel.STATIC_FILES[path][0]).read_bytes()
    again = server.request(path, headers={"If-None-Match": reply.headers["etag"]})
    assert again.status == 304 and again.body == b""


def test_demo_page_has_a_strict_content_security_policy(server):
    csp = server.request(channel.DEMO_PATH).headers["content-security-policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp


@pytest.mark.parametrize(
    "path",
    [
        "/widget.js/../pyproject.toml",
        "/webhooks/rygbot/../../bot/settings.py",
        "/%2e%2e/bot/settings.py",
        "/demo.html",
        "/widget/widget.js",
    ],
)
def test_no_other_file_can_be_fetched(server, path):
    assert server.request(path).status == 404


def test_health_route_answers(server):
    assert server.request(channel.HEALTH_PATH).json() == {"status": "ok"}


def test_widget_uses_the_channel_paths_relative_to_its_own_address():
    widget = (channel.WIDGET_DIR / "widget.js").read_text(encoding="utf-8")
    for path in (channel.WEBHOOK_PATH, channel.REGIONS_PATH, channel.WIDGET_CSS_PATH):
        assert f'"{path.lstrip("/")}"' in widget


def test_demo_page_embeds_the_widget_with_one_script_tag():
    demo = (channel.WIDGET_DIR / "demo.html").read_text(encoding="utf-8")
    assert demo.count("<script") == 1
    assert f'src="{channel.WIDGET_JS_PATH}"' in demo and "data-clinic-name=" in demo


def test_regions_route_gives_each_regions_laegevagt_number_from_content(server):
    from bot.content import get_store

    expected = {key: {"name": r.name, "phone": r.phone} for key, r in get_store().regions().items()}
    reply = server.request(channel.REGIONS_PATH)
    assert reply.status == 200 and reply.json() == expected
    assert set(expected) == {"hovedstaden", "sjaelland", "syddanmark", "midtjylland", "nordjylland"}


def test_regions_route_falls_back_to_the_builtin_numbers_when_content_fails(server, monkeypatch):
    def broken():
        raise RuntimeError("content/ is broken")

    monkeypatch.setattr("bot.content.get_store", broken)
    assert server.request(channel.REGIONS_PATH).json() == {
        "hovedstaden": {"name": "", "phone": "1813"},
        "sjaelland": {"name": "", "phone": "1818"},
    }


def test_safe_fallback_names_the_regions_laegevagt_number_from_content(server):
    from bot.content import get_store

    phone = get_store().regions()["midtjylland"].phone
    server.agent.script = lambda message: []
    reply = server.chat("hej", metadata={"clinic": {"region": "midtjylland"}})
    assert f"lægevagten på tlf. {phone}" in " ".join(_texts(reply))


def _log_action_failure() -> None:
    logging.getLogger(failure_watch.PROCESSOR_LOGGER).error("Encountered an exception while running action 'x'.")


def test_failed_action_gives_the_safe_reply_instead_of_rasas_fallback_loop(server):
    def failing_action(message):
        _log_action_failure()
        return [{"text": "Det forstod jeg ikke helt."}] * 10

    server.agent.script = failing_action
    texts = _texts(server.chat("/ask_self_help"))
    assert texts[0].startswith("Beklager, jeg kan ikke svare lige nu")
    assert "Det forstod jeg ikke helt." not in texts


def test_failed_action_after_an_escalation_keeps_the_escalation(server):
    def escalation_then_failure(message):
        _log_action_failure()
        return [{"text": "Ring 112 nu."}, {"custom": {"triage": "emergency", "flags": ["bladder_bowel"]}}]

    server.agent.script = escalation_then_failure
    reply = server.chat("hej")
    assert _texts(reply) == ["Ring 112 nu."]


def test_errors_on_other_loggers_do_not_replace_the_reply(server):
    def other_error(message):
        logging.getLogger("rasa.something.else").error("unrelated")
        return [{"text": "Hej."}]

    server.agent.script = other_error
    assert _texts(server.chat("hej")) == ["Hej."]


def test_a_failure_in_one_conversation_does_not_touch_another(server):
    import threading

    async def script(message):
        if message.text == "fejl":
            await asyncio.sleep(0.2)
            _log_action_failure()
            return [{"text": "junk"}]
        await asyncio.sleep(0.5)
        return [{"text": "Alt i orden."}]

    server.agent.script = script
    results = {}
    threads = [
        threading.Thread(target=lambda t=t: results.__setitem__(t, _texts(server.chat(t, sender=str(uuid.uuid4())))))
        for t in ("fejl", "fint")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results["fint"] == ["Alt i orden."]
    assert results["fejl"][0].startswith("Beklager")


def test_guessable_sender_id_is_refused_with_400_before_rasa(server):
    reply = server.chat("hej", sender="alice")
    assert (reply.status, reply.json()["error"]) == (400, "invalid_sender")
    assert "UUID" in reply.json()["message"]
    assert not server.agent.received


@pytest.mark.parametrize(
    "path", [WEBHOOK, channel.DELETE_PATH, channel.HEALTH_PATH, channel.DEMO_PATH, channel.WIDGET_JS_PATH]
)
def test_security_headers_on_what_the_bot_serves(server, path):
    if path in (WEBHOOK, channel.DELETE_PATH):
        reply = server.request(path, json.dumps({"sender": server.sender, "message": "hej"}).encode())
    else:
        reply = server.request(path)
    assert reply.status == 200
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "no-referrer"


def test_refused_requests_carry_the_security_headers_too(server):
    reply = server.chat("hej", sender="alice")
    assert reply.headers["x-content-type-options"] == "nosniff"


def test_delete_route_removes_that_conversation_only(server):
    from rasa.shared.core.trackers import DialogueStateTracker

    other = str(uuid.uuid4())
    store = server.agent.tracker_store
    for sender in (server.sender, other):
        store.store[sender] = store.serialise_tracker(DialogueStateTracker(sender, []))
    reply = server.request(channel.DELETE_PATH, json.dumps({"sender": server.sender}).encode())
    assert (reply.status, reply.json()) == (200, {"deleted": True})
    assert set(store.store) == {other}


def test_delete_route_refuses_a_sender_that_is_not_a_uuid4(server):
    reply = server.request(channel.DELETE_PATH, json.dumps({"sender": "alice"}).encode())
    assert (reply.status, reply.json()["error"]) == (400, "invalid_sender")
    reply = server.request(channel.DELETE_PATH, b"{oops")
    assert (reply.status, reply.json()["error"]) == (400, "invalid_json")


def test_delete_route_says_so_when_the_store_fails(server, monkeypatch):
    monkeypatch.setattr(server.agent, "tracker_store", None)
    reply = server.request(channel.DELETE_PATH, json.dumps({"sender": server.sender}).encode())
    assert (reply.status, reply.json()["error"]) == (503, "delete_failed")


def test_tracker_store_failure_gives_the_safe_reply_not_a_fresh_conversation(server):
    def store_down(message):
        logging.getLogger(failure_watch.TRACKER_STORE_LOGGER).error("Error happened when trying to retrieve ...")
        return [{"text": "Hej! Jeg er rygbot."}]

    server.agent.script = store_down
    texts = _texts(server.chat("/deny"))
    assert texts[0].startswith("Beklager, jeg kan ikke svare lige nu")
    assert "Hej! Jeg er rygbot." not in texts


def test_tracker_store_errors_are_logged_without_the_message_text(server, caplog):
    secret = "jeg har ondt og min datter hedder Sofie"

    def store_down(message):
        logging.getLogger(failure_watch.TRACKER_STORE_LOGGER).error(
            "Error happened when trying to save conversation tracker to 'SQLTrackerStore'. Falling back to use "
            f"the 'InMemoryTrackerStore'. Please investigate the following error: (sqlite3.OperationalError) "
            f"database is locked [SQL: INSERT INTO events ...] [parameters: ('{message.sender_id}', '{secret}')]."
        )
        return [{"text": "Hej."}]

    server.agent.script = store_down
    with caplog.at_level(logging.INFO):
        server.chat(secret)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Falling back to use the 'InMemoryTrackerStore'. (details withheld)" in logged
    assert "Sofie" not in logged and server.sender not in logged
