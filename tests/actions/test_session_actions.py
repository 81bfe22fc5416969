"""The welcome at the start and after "start forfra"."""

from __future__ import annotations

from actions.session import ActionRestart, ActionSessionStart
from bot import routing
from tests.actions.conftest import make_tracker


def test_a_conversation_starts_with_the_welcome(run):
    outcome = run(ActionSessionStart(), make_tracker("/greet", "greet"))
    assert outcome.content_ids == [routing.WELCOME]
    assert "112" in outcome.text
    assert [e["event"] for e in outcome.events] == ["session_started", "action"]


def test_start_over_forgets_everything_and_welcomes_again(run):
    outcome = run(ActionRestart(), make_tracker("start forfra", "restart", slots={"triage_level": "emergency"}))
    assert outcome.events[0]["event"] == "restart"
    assert outcome.content_ids == [routing.WELCOME]
    assert "forfra" in outcome.texts[0]


def test_an_escalation_carries_over_into_a_new_session(run):
    slots = {"triage_level": "emergency", "red_flags": ["bladder_bowel"], "screening_answers": {"bladder_bowel": "yes"}}
    outcome = run(ActionSessionStart(), make_tracker("hej igen", "greet", slots=slots))
    assert outcome.slot("triage_level") == "emergency"
    assert outcome.slot("red_flags") == ["bladder_bowel"]
    assert not outcome.sets("screening_answers")
    assert "112" in outcome.texts[-1]
