"""The handover summary ("Til lægen") at every result and on request (DESIGN.md's contract)."""

from __future__ import annotations

from typing import Any

from actions import phrases
from actions.screening import ValidateScreeningForm
from actions.triage import ActionEscalate, ActionHandover, ActionTriage
from bot import routing
from bot.redflags import get_catalogue
from tests.actions.conftest import make_tracker, user_event

ALL_NO = {c: "no" for c in get_catalogue().categories}
FORM_RUN = [{"event": "action", "name": "screening_form"}]
DESCRIBED = [user_event("Jeg har fået ondt i lænden efter havearbejde", "describe_pain")]


def handover_of(outcome) -> dict[str, Any]:
    found = [c["handover"] for c in outcome.customs if "handover" in c]
    assert len(found) == 1, outcome.messages
    return found[0]


def question(category: str) -> str:
    return get_catalogue().categories[category].question


def test_the_result_without_red_flags_carries_the_summary_before_read_more(run):
    slots = {"screening_answers": ALL_NO, "pain_duration": "under_6_weeks", "pain_duration_said": "siden fredag"}
    outcome = run(ActionTriage(), make_tracker("nej", "deny", slots=slots, history=DESCRIBED))
    summary = handover_of(outcome)
    assert summary["level"] == "none" and summary["flags"] == [] and summary["unsure"] == []
    assert summary["duration"] == "siden fredag"
    assert "«Jeg har fået ondt i lænden efter havearbejde»" in summary["text"]
    assert "Nej til: " in summary["text"]
    card = next(i for i, m in enumerate(outcome.messages) if "handover" in (m.get("custom") or {}))
    buttons = [i for i, m in enumerate(outcome.messages) if m.get("buttons")]
    assert buttons and buttons[-1] > card


def test_an_escalation_carries_the_summary(run):
    outcome = run(ActionEscalate(), make_tracker("jeg kan ikke holde på urinen", "red_flag"))
    summary = handover_of(outcome)
    assert summary["level"] == "emergency"
    assert summary["flags"] == ["bladder_bowel"]
    assert summary["text"].splitlines()[3].startswith("Resultat: Ring 112 nu")
    assert "«jeg kan ikke holde på urinen»" in summary["text"]


def test_a_yes_in_the_screening_escalates_with_the_answers_of_this_very_turn(run):
    slots = {"requested_slot": "screening_answer", "pain_duration": "under_6_weeks", "screening_category": "infection",
             "screening_answers": {"bladder_bowel": "no", "saddle_numbness": "no", "neuro_deficit": "no"},
             "pain_duration_said": "3 dage"}
    tracker = make_tracker("ja", "affirm", slots=slots, active_loop="screening_form", after=FORM_RUN, history=DESCRIBED)
    summary = handover_of(run(ValidateScreeningForm(), tracker))
    assert summary["level"] == "urgent"
    assert f"Svaret ja til:\n- {question('infection')}" in summary["text"]
    assert "«3 dage»" in summary["text"]


def test_the_end_of_the_screening_after_an_urgent_escalation_sends_the_full_summary(run):
    answers = {**ALL_NO, "trauma": "yes", "cancer": "unsure"}
    slots = {"screening_answers": answers, "triage_level": "urgent", "red_flags": ["trauma"]}
    summary = handover_of(run(ActionTriage(), make_tracker("nej", "deny", slots=slots)))
    assert summary["level"] == "urgent"
    assert summary["unsure"] == ["cancer"]
    assert f"Svaret ved ikke til:\n- {question('cancer')}" in summary["text"]


def test_the_duration_answer_is_kept_as_the_patient_said_it(run):
    slots = {"requested_slot": "pain_duration"}
    tracker = make_tracker("siden i fredags", "inform_duration", slots=slots, active_loop="screening_form",
                           after=FORM_RUN)
    outcome = run(ValidateScreeningForm(), tracker)
    assert outcome.slot("pain_duration_said") == "siden i fredags"


def test_asking_for_it_after_the_result_gives_the_summary(run):
    slots = {"screening_answers": ALL_NO, "triage_level": "none", "pain_duration": "under_6_weeks"}
    outcome = run(ActionHandover(), make_tracker("kan jeg få et resumé?", "request_handover", slots=slots))
    assert outcome.texts == [phrases.HANDOVER_LEAD]
    assert handover_of(outcome)["level"] == "none"


def test_asking_for_it_during_the_screening_says_it_is_not_finished(run):
    slots = {"screening_answers": {"bladder_bowel": "no"}}
    tracker = make_tracker("hvad skal jeg sige til lægen?", "request_handover", slots=slots,
                           active_loop="screening_form")
    outcome = run(ActionHandover(), tracker)
    assert outcome.texts == [phrases.HANDOVER_SO_FAR]
    assert "ikke færdige" in handover_of(outcome)["text"]


def test_asking_for_it_after_an_escalation_adds_what_to_say_and_keeps_the_escalation(run):
    slots = {"triage_level": "urgent", "red_flags": ["infection"]}
    outcome = run(ActionHandover(), make_tracker("hvad skal jeg sige til lægen?", "request_handover", slots=slots))
    assert outcome.content_ids == [routing.WHAT_TO_SAY]
    assert outcome.triage == {"triage": "urgent", "flags": ["infection"]}
    assert handover_of(outcome)["level"] == "urgent"
    assert outcome.texts[-1] == phrases.SHORT_REMINDER_URGENT


def test_a_first_message_that_reads_as_a_duration_is_still_the_description(run):
    slots = {"screening_answers": ALL_NO, "pain_duration": "under_6_weeks", "pain_duration_said": "for tre dage siden"}
    opening = [user_event("Jeg har fået ondt i lænden for tre dage siden", "inform_duration")]
    outcome = run(ActionTriage(), make_tracker("nej", "deny", slots=slots, history=opening))
    assert "«Jeg har fået ondt i lænden for tre dage siden»" in handover_of(outcome)["text"]


def test_a_later_duration_answer_is_not_taken_for_the_description(run):
    slots = {"screening_answers": ALL_NO, "pain_duration": "under_6_weeks", "pain_duration_said": "tre dage"}
    history = [*DESCRIBED, user_event("tre dage", "inform_duration")]
    outcome = run(ActionTriage(), make_tracker("nej", "deny", slots=slots, history=history))
    assert "«Jeg har fået ondt i lænden efter havearbejde»" in handover_of(outcome)["text"]
