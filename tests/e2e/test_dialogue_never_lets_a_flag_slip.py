"""The dialogue side of "never let a flag slip", over HTTP against the real servers: ask, don't
guess; the emergency questions after an urgent escalation (invariant 6); "how long?" never blocks
and answers in the patient's own words count (invariant 7); the escalation kept in front after it
(invariant 2); one detection per message, also past the 2,000-character cut.

Which words make the detector *ask* is the detector's part; here a marker that only the test
servers understand scripts it (tests/e2e/scripted_detector): "[ask:<category>]" is a possible flag
of that category, "[detector-fails]" makes the real detector fail.
"""

from __future__ import annotations

import json
import urllib.request
import uuid

import pytest

from actions import phrases
from bot import routing
from bot.rasa.detection import METADATA_KEY
from bot.redflags import get_catalogue
from tests.e2e.conftest import answer_until_result, assert_escalated, assert_no_reassurance, start_screening
from tests.servers import Reply

pytestmark = pytest.mark.slow

ANSWER_PAYLOADS = ["/affirm", "/deny", "/dont_know"]
DURATION_PAYLOAD = "under 6 uger"
EMERGENCY_QUESTIONS = ["bladder_bowel", "saddle_numbness", "neuro_deficit"]


def question(category: str) -> str:
    return get_catalogue().categories[category].question


def quoted(text: str, category: str) -> str:
    return f"Du skrev: «{text}». {question(category)}"


def deny_while_asked(conversation, reply: Reply, limit: int = 12) -> tuple[Reply, list[str]]:
    """Answer "nej" to every question; returns the last reply and the questions asked."""
    asked = []
    for _ in range(limit):
        if "/deny" not in reply.payloads:
            return reply, asked
        asked.append(reply.texts[-1])
        reply = conversation.send("/deny")
    raise AssertionError("the questions did not end")


# --- Ask, don't guess -----------------------------------------------------------------------------


def test_a_possible_flag_in_the_first_message_is_asked_next_quoting_the_patient(chat):
    conversation = chat()
    text = "jeg har ondt i ryggen, og det føles lidt sjovt dernede [ask:saddle_numbness]"
    reply = conversation.send(text)
    assert reply.triage is None
    assert reply.texts == [quoted(text, "saddle_numbness")]
    assert [b["title"] for b in reply.buttons] == ["Ja", "Nej", "Ved ikke"]
    assert_escalated(conversation.send("Ja"), "emergency", "saddle_numbness")


def test_a_possible_flag_inside_the_screening_is_asked_before_the_pending_question(chat):
    conversation = chat()
    pending = start_screening(conversation).texts[-1]
    text = "hmm, jeg har det lidt varmt [ask:infection]"
    reply = conversation.send(text)
    assert reply.texts == [quoted(text, "infection")]
    assert conversation.send("/deny").texts[-1] == pending


def test_a_possible_flag_before_the_duration_is_asked_first_then_the_duration(chat):
    conversation = chat()
    conversation.send("jeg har fået ondt i lænden")
    text = "jeg stødte vist ind i noget [ask:trauma]"
    assert conversation.send(text).texts == [quoted(text, "trauma")]
    assert DURATION_PAYLOAD in conversation.send("/deny").payloads


def test_after_the_result_a_possible_flag_reopens_just_that_question(chat):
    conversation = chat()
    answer_until_result(conversation, start_screening(conversation))
    text = "nu er jeg blevet lidt varm [ask:infection]"
    assert conversation.send(text).texts == [quoted(text, "infection")]
    result = conversation.send("nej")
    assert result.triage == {"triage": "none", "flags": []}
    assert result.content_ids == [routing.SAFETY_NET]


def test_after_an_urgent_escalation_a_possible_emergency_flag_is_asked_and_yes_means_112(chat):
    conversation = chat()
    reply = conversation.send("jeg faldt ned ad trappen i går, og nu har jeg ondt i ryggen")
    assert_escalated(reply, "urgent", "trauma")
    reply, _ = deny_while_asked(conversation, reply)
    assert reply.triage == {"triage": "urgent", "flags": ["trauma"]}
    text = "det prikker lidt i skridtet nu [ask:saddle_numbness]"
    assert conversation.send(text).texts[-1] == quoted(text, "saddle_numbness")
    assert_escalated(conversation.send("ja"), "emergency", "saddle_numbness")


def test_a_detector_failure_asks_the_emergency_questions_then_goes_on(chat):
    conversation = chat()
    reply = conversation.send("[detector-fails] jeg har ondt i ryggen")
    assert reply.texts[0] == phrases.CHECK_INTRO
    asked = []
    for _ in EMERGENCY_QUESTIONS:
        asked.append(reply.texts[-1])
        reply = conversation.send("/deny")
    assert asked == [question(c) for c in EMERGENCY_QUESTIONS]
    assert DURATION_PAYLOAD in reply.payloads


# --- Invariant 6: urgent can still become 112 -------------------------------------------------------


def test_urgent_then_yes_to_the_leg_question_upgrades_to_112(chat):
    conversation = chat()
    reply = conversation.send("jeg faldt ned ad trappen i går, og nu har jeg ondt i ryggen")
    assert_escalated(reply, "urgent", "trauma")
    assert phrases.MORE_QUESTIONS_INTRO in reply.texts
    assert reply.texts[-1] == question("bladder_bowel")
    assert conversation.send("nej").texts[-1] == question("saddle_numbness")
    assert conversation.send("nej").texts[-1] == question("neuro_deficit")
    reply = conversation.send("ja")
    assert reply.triage == {"triage": "emergency", "flags": ["trauma", "neuro_deficit"]}
    assert "112" in reply.text
    after = conversation.send("hvad gør jeg nu?")
    assert "/deny" not in after.payloads


def test_after_an_emergency_escalation_nothing_more_is_asked(chat):
    conversation = chat()
    assert_escalated(conversation.send("jeg kan ikke holde på urinen"), "emergency")
    reply = conversation.send("jeg har også ondt i ryggen")
    assert "/deny" not in reply.payloads
    assert reply.triage == {"triage": "emergency", "flags": ["bladder_bowel"]}


# --- Invariant 7: own words count, nothing loops -----------------------------------------------------


def test_answers_in_the_patients_own_words_count(chat):
    catalogue = get_catalogue()
    conversation = chat()
    start_screening(conversation)
    reply = conversation.send("nej det har jeg ikke")
    assert reply.texts == [question("saddle_numbness")]
    reply = conversation.send("det tror jeg ikke")
    assert reply.texts[-1] == catalogue.categories["saddle_numbness"].simpler
    reply = conversation.send("nej det har jeg ikke")
    assert reply.texts == [question("neuro_deficit")]
    assert_escalated(conversation.send("ja lidt"), "emergency", "neuro_deficit")


@pytest.mark.parametrize("answers", [("ja", "hmm"), ("længe", "meget længe"), ("øhh", "tja")])
def test_how_long_is_asked_at_most_twice_then_the_screening_goes_on(chat, answers):
    conversation = chat()
    reply = conversation.send("jeg har fået ondt i lænden")
    asked = 1
    for answer in answers:
        reply = conversation.send(answer)
        asked += DURATION_PAYLOAD in reply.payloads
    assert asked <= 2
    assert reply.payloads == ANSWER_PAYLOADS
    assert reply.texts[-1] == question("bladder_bowel")


@pytest.mark.parametrize("answer", ["siden fredag", "fredag", "i forgårs", "et par uger", "kort tid", "weekenden"])
def test_relative_answers_to_how_long_are_understood_at_once(chat, answer):
    conversation = chat()
    conversation.send("jeg har fået ondt i lænden")
    reply = conversation.send(answer)
    assert reply.payloads == ANSWER_PAYLOADS, reply.messages


def test_a_screening_answer_not_understood_twice_is_set_aside_as_unsure(chat):
    conversation = chat()
    start_screening(conversation)
    assert phrases.ANSWER_NOT_UNDERSTOOD in conversation.send("blå").texts
    reply = conversation.send("grøn")
    assert phrases.ANSWER_SET_ASIDE in reply.texts
    assert reply.texts[-1] == question("saddle_numbness")
    result = answer_until_result(conversation, reply)
    assert result.triage == {"triage": "urgent", "flags": ["bladder_bowel"]}


# --- Invariant 2: after an escalation, short answers with the escalation kept ---------------------------


def test_after_an_escalation_questions_get_short_answers_and_the_payload(chat):
    conversation = chat()
    assert_escalated(conversation.send("jeg kan ikke holde på urinen"), "emergency")
    kept = {"triage": "emergency", "flags": ["bladder_bowel"]}
    scan = conversation.send("skal jeg have en MR-scanning?")
    assert scan.triage == kept
    assert phrases.AFTER_ESCALATION_SCAN in scan.texts
    assert routing.EMERGENCY not in scan.content_ids
    assert_no_reassurance(scan)
    say = conversation.send("hvad skal jeg sige til lægen?")
    assert say.content_ids == [routing.WHAT_TO_SAY]
    assert say.triage == kept
    really = conversation.send("skal jeg virkelig ringe 112?")
    assert really.triage == kept
    assert "112" in really.text
    assert_no_reassurance(really)


# --- One detection per message ---------------------------------------------------------------------------


def test_a_flag_after_the_2000_character_cut_escalates_in_the_dialogue_and_sticks(chat):
    conversation = chat()
    filler = "Jeg har haft ondt i ryggen i nogle dage, og det gør mest ondt om morgenen. " * 30
    reply = conversation.send(filler + "Nu kan jeg ikke holde på urinen.")
    assert_escalated(reply, "emergency", "bladder_bowel")
    assert routing.EMERGENCY in reply.content_ids  # the dialogue escalated, not only the channel's net
    later = conversation.send("skal jeg have en scanning?")
    assert later.triage == {"triage": "emergency", "flags": ["bladder_bowel"]}
    assert_no_reassurance(later)


def test_a_detection_sent_by_the_client_is_ignored(action_server_up):
    forged = {"flags": [], "level": "none", "negated": [], "ask": [], "ruled_out": [], "failed": False}
    body = {"sender": str(uuid.uuid4()), "message": "jeg kan ikke holde på urinen",
            "metadata": {METADATA_KEY: forged}}
    request = urllib.request.Request(action_server_up.webhook_url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        reply = Reply(json.loads(response.read()))
    assert_escalated(reply, "emergency", "bladder_bowel")
    assert routing.EMERGENCY in reply.content_ids


# --- Someone else, long ago, explained, figurative: no escalation (at most a question) ------------------


@pytest.mark.parametrize(
    "message",
    ["jeg har ondt i ryggen, og det er helt lammende at sidde på kontoret", "jeg er ved at dø af grin",
     "ondt i ryggen, og min søn har feber", "katten har fået kræft", "min svigermor har knogleskørhed",
     "jeg blev opereret i ryggen i 2009", "jeg skal have rygmarvsbedøvelse til min hofteoperation",
     "har smidt 5 kilo siden jeg droppede sukker", "svedte i nat, radiatoren stod på fuld"],
)
def test_figurative_and_someone_elses_flags_do_not_escalate(chat, message):
    reply = chat().send(message)
    assert reply.texts
    assert reply.triage is None, reply.messages
    assert not {routing.EMERGENCY, routing.URGENT} & set(reply.content_ids)
