"""The screening form's validation and ask actions."""

from __future__ import annotations

from actions.screening import ActionAskScreeningAnswer, ValidateScreeningForm
from tests.actions.conftest import make_tracker, user_event

ASKING_INFECTION = {
    "requested_slot": "screening_answer",
    "pain_duration": "under_6_weeks",
    "screening_category": "infection",
    "screening_answers": {"bladder_bowel": "no", "saddle_numbness": "no", "neuro_deficit": "no"},
}
FORM_RUN = [{"event": "action", "name": "screening_form"}]


def answer(run, text, intent, slots=None):
    tracker = make_tracker(text, intent, slots={**ASKING_INFECTION, **(slots or {})}, active_loop="screening_form",
                           after=FORM_RUN)
    return run(ValidateScreeningForm(), tracker)


def test_no_moves_to_the_next_question(run):
    outcome = answer(run, "nej", "deny")
    assert outcome.slot("screening_answers")["infection"] == "no"
    assert outcome.slot("requested_slot") == "screening_answer"


def test_yes_ends_the_form_at_once(run):
    outcome = answer(run, "ja", "affirm")
    assert outcome.slot("screening_answers")["infection"] == "yes"
    assert outcome.slot("requested_slot") is None


def test_first_dont_know_asks_again_then_counts_as_unsure(run):
    first = answer(run, "ved ikke", "dont_know")
    assert "infection" not in first.slot("screening_answers")
    assert first.slot("screening_simplified") == ["infection"]
    assert first.slot("requested_slot") == "screening_answer"
    second = answer(run, "det ved jeg stadig ikke", "dont_know", {"screening_simplified": ["infection"]})
    assert second.slot("screening_answers")["infection"] == "unsure"
    assert second.slot("requested_slot") == "screening_answer"


def test_a_red_flag_rejects_the_form_so_the_rules_escalate(run):
    assert answer(run, "nej, men jeg faldt på isen", "red_flag").events == []


def test_a_question_rejects_the_form_so_it_gets_answered(run):
    assert answer(run, "skal jeg ikke scannes?", "ask_scan").events == []


def test_an_unclear_answer_gets_a_hint_and_the_question_again(run):
    outcome = answer(run, "blå", "nlu_fallback")
    assert "ja, nej eller ved ikke" in outcome.text
    assert outcome.slot("requested_slot") == "screening_answer"


def test_after_an_interruption_the_question_is_asked_again_without_a_hint(run):
    after_answer = [{"event": "action", "name": "action_answer"}, {"event": "bot", "text": "svar"}, *FORM_RUN]
    tracker = make_tracker("skal jeg scannes?", "ask_scan", slots=ASKING_INFECTION, active_loop="screening_form",
                           after=after_answer)
    outcome = run(ValidateScreeningForm(), tracker)
    assert outcome.messages == []
    assert outcome.slot("requested_slot") == "screening_answer"


def test_denied_categories_are_skipped(run):
    history = [user_event("ondt i ryggen men ingen feber", "describe_pain")]
    outcome = answer(run, "nej", "deny", {"screening_category": "neuro_deficit",
                                          "screening_answers": {"bladder_bowel": "no", "saddle_numbness": "no"}})
    assert "infection" not in outcome.slot("screening_answers")
    tracker = make_tracker("nej", "deny", slots={**ASKING_INFECTION, "screening_category": "neuro_deficit"},
                           history=history, active_loop="screening_form", after=FORM_RUN)
    assert run(ValidateScreeningForm(), tracker).slot("screening_answers")["infection"] == "no"


def test_family_history_does_not_skip_the_question(run):
    history = [user_event("ondt i ryggen, min mor havde kræft", "describe_pain")]
    tracker = make_tracker("nej", "deny", slots=ASKING_INFECTION, history=history, active_loop="screening_form",
                           after=FORM_RUN)
    assert "cancer" not in run(ValidateScreeningForm(), tracker).slot("screening_answers")


def test_the_first_message_may_give_the_duration(run):
    outcome = run(ValidateScreeningForm(), make_tracker("jeg har haft ondt i lænden i 3 dage", "describe_pain"))
    assert outcome.slot("pain_duration") == "under_6_weeks"
    assert outcome.slot("requested_slot") == "screening_answer"


def test_no_questions_after_an_escalation(run):
    outcome = run(ValidateScreeningForm(), make_tracker("ondt i ryggen", "describe_pain", slots={"triage_level": "urgent"}))
    assert outcome.slot("requested_slot") is None


def test_first_question_comes_with_intro_and_buttons(run):
    outcome = run(ActionAskScreeningAnswer(), make_tracker("3 dage", "inform_duration", slots={"pain_duration": "under_6_weeks"}))
    assert "Svar ja, nej eller ved ikke" in outcome.texts[0]
    assert [b["payload"] for b in outcome.buttons] == ["/affirm", "/deny", "/dont_know"]
    assert outcome.slot("screening_category") == "bladder_bowel"


def test_after_dont_know_the_question_comes_in_simpler_words_with_why(run):
    from bot.redflags import get_catalogue

    entry = get_catalogue().categories["infection"]
    slots = {**ASKING_INFECTION, "screening_simplified": ["infection"]}
    outcome = run(ActionAskScreeningAnswer(), make_tracker("ved ikke", "dont_know", slots=slots))
    assert outcome.texts == [entry.why, entry.simpler]
    assert [b["title"] for b in outcome.buttons] == ["Ja", "Nej", "Ved ikke"]
