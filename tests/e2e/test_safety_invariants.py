"""DESIGN.md safety invariants 1-4, over HTTP against the real servers (5 is in
test_component_failure.py, which stops the action server)."""

from __future__ import annotations

import pytest

from actions import phrases
from bot import routing
from tests.e2e.conftest import (
    answer_until_result,
    assert_escalated,
    assert_no_reassurance,
    start_screening,
)

pytestmark = pytest.mark.slow


# --- 1: a red flag in any turn escalates in the very next reply ---------------------------------


def test_flag_in_first_message_escalates(chat):
    reply = chat(opened=False).send("jeg har ondt i lænden og kan ikke holde på urinen")
    assert_escalated(reply, "emergency", "bladder_bowel")
    assert reply.content_ids == [routing.WELCOME, routing.EMERGENCY]


def test_flag_in_the_first_typed_message_escalates(chat):
    reply = chat().send("jeg har ondt i lænden og kan ikke holde på urinen")
    assert_escalated(reply, "emergency", "bladder_bowel")
    assert reply.content_ids == [routing.EMERGENCY]


def test_flag_in_the_answer_about_duration_escalates(chat):
    conversation = chat()
    conversation.send("jeg har ondt i ryggen")
    assert_escalated(conversation.send("2 dage, og jeg har haft feber"), "urgent", "infection")


def test_flag_in_the_middle_of_the_screening_escalates(chat):
    conversation = chat()
    start_screening(conversation)
    conversation.send("/deny")
    reply = conversation.send("nej, men jeg faldt ned ad en stige i går")
    assert_escalated(reply, "urgent", "trauma")


def test_yes_to_a_screening_question_escalates_at_once(chat):
    conversation = chat()
    start_screening(conversation)  # the first question is about bladder and bowel: an emergency
    assert_escalated(conversation.send("/affirm"), "emergency", "bladder_bowel")


def test_flag_after_the_result_escalates(chat):
    conversation = chat()
    answer_until_result(conversation, start_screening(conversation))
    assert_escalated(conversation.send("nu har jeg fået høj feber"), "urgent", "infection")


def test_flag_inside_a_question_escalates(chat):
    reply = chat().send("skal jeg have en scanning? jeg har haft kræft for nogle år siden")
    assert_escalated(reply, "urgent", "cancer")
    assert "hvorfor-ikke-scanning" not in reply.content_ids


def test_flag_in_english_escalates(chat):
    assert_escalated(chat().send("I have back pain and I can't feel my groin"), "emergency", "saddle_numbness")


# --- 2: escalation is sticky ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["skal jeg have en scanning?", "jeg vil have en MR-scanning", "hvad kan jeg selv gøre?",
     "hvor lang tid går der før det går over?", "jeg har stadig ondt i ryggen"],
)
def test_after_escalation_no_reassurance(chat, question):
    conversation = chat()
    assert_escalated(conversation.send("jeg har ondt i ryggen og 39 i feber"), "urgent")
    reply = conversation.send(question)
    assert reply.texts
    assert_no_reassurance(reply)


def test_an_emergency_escalation_during_the_screening_stops_the_questions_and_sticks(chat):
    conversation = chat()
    start_screening(conversation)
    assert_escalated(conversation.send("/affirm"), "emergency")
    reply = conversation.send("skal jeg så ikke scannes?")
    assert_no_reassurance(reply)
    assert "/deny" not in reply.payloads
    thanks = conversation.send("tak for hjælpen")
    assert "112" in thanks.text
    hello_again = conversation.send("hej")
    assert "112" in hello_again.text


# --- 3: negations and exclusions are not flags ---------------------------------------------------


@pytest.mark.parametrize(
    "message",
    ["jeg har ondt i ryggen, men ingen feber", "jeg har ondt i ryggen, jeg er ikke faldet",
     "jeg har ondt i ryggen, min mor havde kræft", "jeg fik ondt i ryggen da jeg løftede en tung kasse"],
)
def test_negated_or_excluded_mentions_do_not_escalate(chat, message):
    reply = chat().send(message)
    assert reply.texts
    assert reply.triage is None, reply.messages
    assert not {routing.EMERGENCY, routing.URGENT} & set(reply.content_ids)


def test_denied_flag_is_confirmed_in_one_question_and_family_history_is_asked(chat):
    from bot.redflags import get_catalogue

    questions = {name: c.question for name, c in get_catalogue().categories.items()}
    message = "jeg har ondt i ryggen, ingen feber, og min far havde kræft"
    conversation = chat()
    reply = conversation.send(message)
    asked = []
    while reply.triage is None:
        asked.append(reply.texts[-1])
        reply = conversation.send("3 dage" if reply.texts[-1] == phrases.ASK_DURATION else "/deny")
    confirmation = f"Du skrev: «{message}». For en sikkerheds skyld: {questions['infection']}"
    assert asked.count(confirmation) == 1
    assert questions["infection"] not in asked
    assert asked[0] == f"Du skrev: «{message}». {questions['cancer']}"
    assert reply.triage["triage"] == "none"


def test_yes_to_a_denied_flag_still_escalates(chat):
    conversation = chat()
    conversation.send("jeg har ondt i ryggen, men ingen feber")
    reply = conversation.send("3 dage")
    while reply.triage is None and "Du skrev" not in reply.texts[-1]:
        reply = conversation.send("/deny")
    assert_escalated(conversation.send("/affirm"), "urgent", "infection")


# --- 4: "ved ikke" is never "nej" -----------------------------------------------------------------


def test_dont_know_asks_more_simply_then_counts_as_urgent(chat):
    from bot.redflags import get_catalogue

    first = get_catalogue().categories["bladder_bowel"]
    conversation = chat()
    start_screening(conversation)
    again = conversation.send("/dont_know")
    assert again.triage is None
    assert first.simpler in again.texts
    still = conversation.send("det ved jeg ikke")
    assert still.triage is None
    result = answer_until_result(conversation, still)
    assert result.triage == {"triage": "urgent", "flags": ["bladder_bowel"]}
