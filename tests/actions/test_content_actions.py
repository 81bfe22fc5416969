"""action_answer and action_acknowledge: content answers, "Læs mere", and no reassurance after an
escalation (DESIGN.md invariant 2)."""

from __future__ import annotations

import pytest

from actions import common, phrases
from actions.content import ActionAcknowledge, ActionAnswer
from bot import routing
from bot.content import get_store
from bot.reloading import ContentError
from tests.actions.conftest import make_tracker
from tests.e2e.conftest import assert_no_reassurance

ESCALATED = {"triage_level": "urgent", "red_flags": ["infection"]}


def test_question_is_answered_from_content_with_read_more(run):
    outcome = run(ActionAnswer(), make_tracker("skal jeg have en scanning?", "ask_scan"))
    assert outcome.content_ids == ["hvorfor-ikke-scanning"]
    assert {"title": "Læs mere", "payload": "/affirm"} in outcome.buttons
    assert outcome.slot("read_more") == [{"id": "hvorfor-ikke-scanning", "next": 1}]


def test_inside_the_screening_an_answer_has_no_read_more_button(run):
    outcome = run(ActionAnswer(), make_tracker("skal jeg scannes", "ask_scan", active_loop="screening_form"))
    assert outcome.content_ids == ["hvorfor-ikke-scanning"]
    assert outcome.buttons == []


def test_insisting_on_a_scan_gets_respect_and_the_advice_to_talk_to_the_doctor(run):
    outcome = run(ActionAnswer(), make_tracker("jeg vil have en scanning", "insist_scan"))
    assert "tale med din læge" in outcome.texts[0]
    assert outcome.content_ids == [routing.ROUTES["insist_scan"]]


AFTER_ESCALATION_INTENTS = ["ask_scan", "insist_scan", "ask_scan_findings", "ask_when_scan", "ask_self_help",
                            "ask_painkillers", "ask_work", "ask_exercise", "ask_duration", "ask_recommendation",
                            "ask_when_doctor", "ask_what_doctor_does"]


@pytest.mark.parametrize("intent", AFTER_ESCALATION_INTENTS)
def test_after_an_escalation_questions_keep_the_escalation_and_never_reassure(run, intent):
    outcome = run(ActionAnswer(), make_tracker("spørgsmål", intent, slots=ESCALATED))
    assert outcome.triage == {"triage": "urgent", "flags": ["infection"]}
    assert_no_reassurance(outcome)
    assert "læge" in outcome.text


@pytest.mark.parametrize("intent", ["ask_scan", "insist_scan", "ask_scan_findings", "ask_when_scan"])
def test_after_an_escalation_a_scan_is_for_the_doctor_to_decide(run, intent):
    outcome = run(ActionAnswer(), make_tracker("skal jeg scannes?", intent, slots=ESCALATED))
    assert outcome.texts == [phrases.AFTER_ESCALATION_SCAN, phrases.SHORT_REMINDER_URGENT]
    assert outcome.content_ids == []


@pytest.mark.parametrize("intent", ["ask_self_help", "ask_painkillers", "ask_duration", "ask_work"])
def test_after_an_escalation_other_questions_are_for_the_doctor_with_a_one_line_reminder(run, intent):
    outcome = run(ActionAnswer(), make_tracker("spørgsmål", intent, slots=ESCALATED))
    assert outcome.texts == [phrases.AFTER_ESCALATION_ASK_DOCTOR, phrases.SHORT_REMINDER_URGENT]


def test_after_an_escalation_when_and_where_gets_who_to_call_now(run):
    outcome = run(ActionAnswer(), make_tracker("skal jeg virkelig det?", "ask_when_doctor",
                                               slots={"triage_level": "emergency", "red_flags": ["bladder_bowel"]}))
    assert outcome.content_ids == [routing.EMERGENCY]
    assert "112" in outcome.texts[0]
    assert len(outcome.texts) == 1
    assert outcome.triage == {"triage": "emergency", "flags": ["bladder_bowel"]}


def test_after_an_escalation_what_to_say_gets_its_own_text(run):
    outcome = run(
        ActionAnswer(), make_tracker("hvad skal jeg sige til lægen?", "ask_what_doctor_does", slots=ESCALATED)
    )
    assert outcome.content_ids == [routing.WHAT_TO_SAY]
    assert outcome.texts[-1] == phrases.SHORT_REMINDER_URGENT


def test_after_an_escalation_neutral_questions_are_still_answered_with_the_reminder(run):
    outcome = run(ActionAnswer(), make_tracker("hvad gemmer i", "ask_privacy", slots=ESCALATED))
    assert outcome.content_ids == ["privatliv"]
    assert outcome.texts[-1] == phrases.SHORT_REMINDER_URGENT
    assert outcome.triage == {"triage": "urgent", "flags": ["infection"]}


def test_english_gets_the_danish_only_text_whole(run):
    outcome = run(ActionAnswer(), make_tracker("hello", "english"))
    assert outcome.content_ids == [routing.ENGLISH]
    assert "112" in outcome.text


def test_broken_content_still_tells_who_to_call(run, monkeypatch):
    class BrokenStore:
        def messages(self, *args, **kwargs):
            raise ContentError("broken")

        def clinic_values(self, *args, **kwargs):
            return {}

        def regions(self):
            raise ContentError("broken")

    monkeypatch.setattr(common, "get_store", lambda: BrokenStore())
    outcome = run(ActionAnswer(), make_tracker("skal jeg scannes", "ask_scan"))
    assert "112" in outcome.text
    assert "læge" in outcome.text


def test_read_more_shows_the_rest_and_offers_the_next_text(run):
    pending = [{"id": "hvorfor-ikke-scanning", "next": 1}, {"id": "hvor-lang-tid", "next": 1}]
    outcome = run(ActionAcknowledge(), make_tracker("/affirm", "affirm", slots={"read_more": pending}))
    assert outcome.content_ids == ["hvorfor-ikke-scanning"]
    rest = get_store().messages("hvorfor-ikke-scanning")[1:]
    assert outcome.texts == [part for message in rest for part in message.strip().split("\n\n")]
    assert outcome.slot("read_more") == [{"id": "hvor-lang-tid", "next": 1}]
    assert outcome.buttons == [{"title": "Læs mere", "payload": "/affirm"}]


def test_yes_after_an_escalation_is_a_reminder_with_the_payload(run):
    slots = {"triage_level": "emergency", "red_flags": ["bladder_bowel"]}
    outcome = run(ActionAcknowledge(), make_tracker("ok", "affirm", slots=slots))
    assert "112" in outcome.text
    assert outcome.triage == {"triage": "emergency", "flags": ["bladder_bowel"]}


def test_why_during_the_screening_also_explains_the_current_question(run):
    from bot.redflags import get_catalogue

    slots = {"screening_category": "trauma", "screening_answers": {"bladder_bowel": "no"}}
    tracker = make_tracker("hvorfor spørger du om det?", "ask_why_questions", slots=slots, active_loop="screening_form")
    outcome = run(ActionAnswer(), tracker)
    assert outcome.content_ids == [routing.ROUTES["ask_why_questions"]]
    assert outcome.texts[-1] == get_catalogue().categories["trauma"].why
