"""action_escalate and action_triage: the triage payload, sticky escalation, the right numbers."""

from __future__ import annotations

import pytest

from actions import common
from actions.triage import ActionEscalate, ActionTriage
from bot import routing
from bot.reloading import ContentError
from tests.actions.conftest import make_tracker

HOVEDSTADEN = {"clinic": {"name": "Lægehuset Vestergade", "phone": "12 34 56 78", "region": "hovedstaden"}}
ALL_NO = {c: "no" for c in (
    "bladder_bowel", "saddle_numbness", "neuro_deficit", "infection", "trauma",
    "spinal_procedure", "cancer", "weight_loss", "fracture_risk",
)}


def test_emergency_flag_escalates_to_112_with_payload(run):
    outcome = run(ActionEscalate(), make_tracker("jeg kan ikke holde på urinen", "red_flag"))
    assert outcome.triage == {"triage": "emergency", "flags": ["bladder_bowel"]}
    assert "112" in outcome.text
    assert routing.EMERGENCY in outcome.content_ids
    assert outcome.slot("triage_level") == "emergency"


def test_urgent_escalation_names_clinic_and_regional_laegevagt(run):
    outcome = run(ActionEscalate(), make_tracker("jeg har 39 i feber", "red_flag", metadata=HOVEDSTADEN))
    assert outcome.triage == {"triage": "urgent", "flags": ["infection"]}
    assert "12 34 56 78" in outcome.text
    assert "1813" in outcome.text
    assert "1818" not in outcome.text


def test_urgent_escalation_without_region_lists_every_laegevagt(run):
    outcome = run(ActionEscalate(), make_tracker("jeg har 39 i feber", "red_flag"))
    for number in ("1813", "1818", "70 11 07 07", "70 11 31 31", "70 15 03 00"):
        assert number in outcome.text


def test_escalation_never_goes_down(run):
    tracker = make_tracker(
        "jeg har feber", "red_flag", slots={"triage_level": "emergency", "red_flags": ["bladder_bowel"]}
    )
    outcome = run(ActionEscalate(), tracker)
    assert outcome.triage == {"triage": "emergency", "flags": ["bladder_bowel", "infection"]}
    assert outcome.slot("triage_level") == "emergency"


def test_escalation_without_content_uses_the_builtin_safe_text(run, monkeypatch):
    class BrokenStore:
        def messages(self, *args, **kwargs):
            raise ContentError("broken")

        def clinic_values(self, *args, **kwargs):
            raise ContentError("broken")

        def regions(self):
            raise ContentError("broken")

    monkeypatch.setattr(common, "get_store", lambda: BrokenStore())
    outcome = run(ActionEscalate(), make_tracker("jeg kan ikke holde på urinen", "red_flag"))
    assert "112" in outcome.text
    assert outcome.triage == {"triage": "emergency", "flags": ["bladder_bowel"]}


def test_no_red_flags_gives_the_reassuring_texts_and_read_more(run):
    tracker = make_tracker("nej", "deny", slots={"screening_answers": ALL_NO, "pain_duration": "under_6_weeks"})
    outcome = run(ActionTriage(), tracker)
    assert outcome.triage == {"triage": "none", "flags": []}
    assert outcome.content_ids == list(routing.NO_RED_FLAG_RESULT)
    assert {"title": "Læs mere", "payload": "/affirm"} in outcome.buttons
    assert outcome.slot("read_more")[0]["id"] == routing.NO_RED_FLAG_RESULT[0]
    assert outcome.slot("triage_level") == "none"


def test_long_lasting_pain_gets_its_own_answer_not_the_scan_explanation(run):
    tracker = make_tracker("nej", "deny", slots={"screening_answers": ALL_NO, "pain_duration": "over_12_weeks"})
    outcome = run(ActionTriage(), tracker)
    assert outcome.content_ids == [routing.LONG_LASTING, "hvornaar-kontakte-laegen"]
    assert "hvorfor-ikke-scanning" not in outcome.content_ids


def test_yes_to_an_emergency_question_gives_112(run):
    answers = {"bladder_bowel": "yes"}
    outcome = run(ActionTriage(), make_tracker("ja", "affirm", slots={"screening_answers": answers}))
    assert outcome.triage == {"triage": "emergency", "flags": ["bladder_bowel"]}
    assert routing.EMERGENCY in outcome.content_ids


@pytest.mark.parametrize("category", ["bladder_bowel", "infection"])
def test_still_unsure_counts_as_urgent(run, category):
    answers = {**ALL_NO, category: "unsure"}
    outcome = run(ActionTriage(), make_tracker("ved ikke", "dont_know", slots={"screening_answers": answers}))
    assert outcome.triage == {"triage": "urgent", "flags": [category]}
    assert routing.URGENT in outcome.content_ids


def test_result_after_an_escalation_reminds_of_it_in_one_line_with_the_payload(run):
    slots = {"screening_answers": ALL_NO, "triage_level": "urgent", "red_flags": ["infection"]}
    outcome = run(ActionTriage(), make_tracker("jeg har ondt", "describe_pain", slots=slots))
    assert outcome.triage == {"triage": "urgent", "flags": ["infection"]}
    assert outcome.texts == ["Husk at kontakte lægen nu, hvis du ikke allerede har gjort det."]
    assert not set(outcome.content_ids) & set(routing.NO_RED_FLAG_RESULT)


def test_result_in_the_same_reply_as_the_escalation_adds_nothing(run):
    slots = {"screening_answers": {"bladder_bowel": "yes"}, "triage_level": "emergency", "red_flags": ["bladder_bowel"]}
    escalated = [{"event": "bot", "text": "Ring 112 nu.", "data": {"custom": {"triage": "emergency", "flags": []}}}]
    outcome = run(ActionTriage(), make_tracker("ja", "affirm", slots=slots, after=escalated))
    assert outcome.messages == []


def test_unsure_after_an_urgent_escalation_is_added_to_the_flags(run):
    slots = {
        "screening_answers": {**ALL_NO, "neuro_deficit": "unsure"},
        "triage_level": "urgent",
        "red_flags": ["trauma"],
    }
    outcome = run(ActionTriage(), make_tracker("ved ikke", "dont_know", slots=slots))
    assert outcome.triage == {"triage": "urgent", "flags": ["trauma", "neuro_deficit"]}


def test_unsure_to_an_emergency_question_after_the_result_still_escalates_in_full(run):
    slots = {"screening_answers": {**ALL_NO, "saddle_numbness": "unsure"}, "triage_level": "none"}
    outcome = run(ActionTriage(), make_tracker("ved ikke", "dont_know", slots=slots))
    assert outcome.triage == {"triage": "urgent", "flags": ["saddle_numbness"]}
    assert routing.URGENT in outcome.content_ids
