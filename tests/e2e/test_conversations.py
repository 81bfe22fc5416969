"""Whole consultations through the webhook, as a patient has them."""

from __future__ import annotations

import time

import pytest

from bot import routing
from tests.e2e.conftest import answer_until_result, assert_escalated, start_screening

pytestmark = pytest.mark.slow


def test_chat_opens_with_the_welcome_from_content(chat):
    reply = chat(opened=False).send("/greet")
    assert reply.content_ids == [routing.WELCOME]
    assert "112" in reply.text
    assert reply.texts[-1].startswith("Fortæl mig")


def test_consultation_without_red_flags_reassures_and_offers_more(chat):
    conversation = chat()
    first_question = start_screening(conversation)
    assert "Svar ja, nej eller ved ikke" in first_question.text
    result = answer_until_result(conversation, first_question)
    assert result.triage == {"triage": "none", "flags": []}
    assert result.content_ids == list(routing.NO_RED_FLAG_RESULT)
    assert {"title": "Læs mere", "payload": "/affirm"} in result.buttons
    more = conversation.send("/affirm")
    assert more.content_ids == [routing.NO_RED_FLAG_RESULT[0]]
    assert more.texts


def test_free_text_answers_work(chat):
    conversation = chat()
    reply = start_screening(conversation, duration="siden i mandags")
    for answer in ("nej ikke noget", "nej", "det ved jeg ikke"):
        reply = conversation.send(answer)
        assert reply.triage is None, reply.messages
    assert reply.payloads == ["/affirm", "/deny", "/dont_know"]


def test_long_lasting_pain_gets_an_honest_answer_not_the_scan_explanation(chat):
    conversation = chat()
    result = answer_until_result(conversation, start_screening(conversation, duration="mere end 12 uger"))
    assert result.triage == {"triage": "none", "flags": []}
    assert routing.LONG_LASTING in result.content_ids
    assert "hvorfor-ikke-scanning" not in result.content_ids


def test_urgent_result_names_the_clinic_and_the_regional_laegevagt(chat):
    clinic = {"name": "Lægehuset Vestergade", "phone": "12 34 56 78", "region": "sjaelland"}
    reply = chat(clinic=clinic).send("jeg har ondt i ryggen og 39 i feber")
    assert_escalated(reply, "urgent", "infection")
    assert "12 34 56 78" in reply.text
    assert "1818" in reply.text


def test_a_question_during_the_screening_is_answered_and_the_question_repeated(chat):
    conversation = chat()
    question = start_screening(conversation)
    reply = conversation.send("skal jeg ikke have en MR-scanning?")
    assert "hvorfor-ikke-scanning" in reply.content_ids
    assert reply.texts[-1] == question.texts[-1]
    assert reply.payloads == ["/affirm", "/deny", "/dont_know"]


def test_insisting_on_a_scan_gets_a_respectful_answer(chat):
    reply = chat().send("jeg vil altså have en scanning")
    assert "tale med din læge" in reply.text
    assert reply.content_ids == [routing.ROUTES["insist_scan"]]


@pytest.mark.parametrize(
    "message, text_id",
    [
        ("hvad kan jeg selv gøre?", "hvad-kan-jeg-selv-goere"),
        ("må jeg tage panodil?", "smertestillende"),
        ("skal jeg sygemeldes?", "arbejde-og-sygemelding"),
        ("er du et menneske?", "om-rygbot"),
        ("hvad gemmer I om mig?", "privatliv"),
    ],
)
def test_questions_are_answered_from_content(chat, message, text_id):
    assert chat().send(message).content_ids == [text_id]


def test_off_topic_asks_to_rephrase_with_topic_buttons(chat):
    reply = chat().send("hvem vinder fodboldkampen i aften?")
    assert "/describe_pain" in reply.payloads
    assert "/ask_scan" in reply.payloads


def test_english_gets_the_danish_only_answer_with_112(chat):
    reply = chat().send("hello, can you help me in english?")
    assert reply.content_ids == [routing.ENGLISH]
    assert "112" in reply.text


def test_start_over_forgets_the_escalation(chat):
    conversation = chat()
    assert_escalated(conversation.send("jeg har 39 i feber og ondt i ryggen"), "urgent")
    restarted = conversation.send("start forfra")
    assert routing.WELCOME in restarted.content_ids
    reply = conversation.send("skal jeg have en scanning?")
    assert reply.content_ids == ["hvorfor-ikke-scanning"]
    assert reply.triage is None


def test_first_reply_comes_quickly(chat):
    conversation = chat(opened=False)
    started = time.monotonic()
    reply = conversation.send("/greet")
    assert reply.texts
    assert time.monotonic() - started < 10
