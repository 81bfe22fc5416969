"""The screening form's validation, which also asks the next question."""

from __future__ import annotations

from actions import phrases
from actions.screening import ValidateScreeningForm
from bot.redflags import get_catalogue
from tests.actions.conftest import make_tracker, user_event

ASKING_INFECTION = {
    "requested_slot": "screening_answer",
    "pain_duration": "under_6_weeks",
    "screening_category": "infection",
    "screening_answers": {"bladder_bowel": "no", "saddle_numbness": "no", "neuro_deficit": "no"},
    "screening_intros": ["start"],
}
FORM_RUN = [{"event": "action", "name": "screening_form"}]
ALL_NO = {c: "no" for c in get_catalogue().categories}
ANSWER_BUTTONS = ["/affirm", "/deny", "/dont_know"]


def question(category: str) -> str:
    return get_catalogue().categories[category].question


def answer(run, text, intent, slots=None):
    tracker = make_tracker(text, intent, slots={**ASKING_INFECTION, **(slots or {})}, active_loop="screening_form",
                           after=FORM_RUN)
    return run(ValidateScreeningForm(), tracker)


def test_no_moves_to_the_next_question(run):
    outcome = answer(run, "nej", "deny")
    assert outcome.slot("screening_answers")["infection"] == "no"
    assert outcome.slot("requested_slot") == "screening_answer"
    assert outcome.texts == [question("trauma")]
    assert outcome.payloads == ANSWER_BUTTONS


def test_only_the_slots_that_changed_are_set(run):
    outcome = answer(run, "nej", "deny")
    assert not outcome.sets("pain_duration")
    assert not outcome.sets("screening_intros")
    assert not outcome.sets("screening_answer")
    assert outcome.sets("requested_slot")


def test_yes_ends_the_form_at_once(run):
    outcome = answer(run, "ja", "affirm")
    assert outcome.slot("screening_answers")["infection"] == "yes"
    assert outcome.slot("requested_slot") is None


def test_first_dont_know_asks_again_then_counts_as_unsure(run):
    first = answer(run, "ved ikke", "dont_know")
    assert not first.sets("screening_answers")
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
    assert outcome.slot("screening_unclear") == ["infection"]


def test_an_unclear_answer_the_second_time_is_set_aside_as_unsure_and_the_screening_goes_on(run):
    outcome = answer(run, "grøn", "nlu_fallback", {"screening_unclear": ["infection"]})
    assert outcome.texts == [phrases.ANSWER_SET_ASIDE, question("trauma")]
    assert outcome.slot("screening_answers")["infection"] == "unsure"
    assert outcome.slot("screening_category") == "trauma"
    assert outcome.triage is None


def test_an_unclear_duration_the_second_time_goes_on_with_unknown(run):
    slots = {"requested_slot": "pain_duration", "screening_unclear": ["duration"]}
    tracker = make_tracker("ja", "affirm", slots=slots, active_loop="screening_form", after=FORM_RUN)
    outcome = run(ValidateScreeningForm(), tracker)
    assert outcome.slot("pain_duration") == "unknown"
    assert outcome.texts[0] == phrases.DURATION_SET_ASIDE
    assert outcome.texts[-1] == question("bladder_bowel")
    assert outcome.slot("requested_slot") == "screening_answer"
    assert outcome.slot("screening_category") == "bladder_bowel"


def test_after_an_interruption_the_question_is_asked_again_without_a_hint(run):
    after_answer = [{"event": "action", "name": "action_answer"}, {"event": "bot", "text": "svar"}, *FORM_RUN]
    settled = {"screening_simplified": [], "screening_unclear": [], "screening_queue": [], "screening_quotes": {}}
    tracker = make_tracker("skal jeg scannes?", "ask_scan", slots={**ASKING_INFECTION, **settled},
                           active_loop="screening_form", after=after_answer)
    outcome = run(ValidateScreeningForm(), tracker)
    assert outcome.texts == [question("infection")]
    assert outcome.payloads == ANSWER_BUTTONS
    assert outcome.slot("requested_slot") == "screening_answer"
    assert outcome.sets("screening_answer"), "a validation that changes nothing still sets a slot"


def test_denied_categories_are_confirmed_not_skipped(run):
    history = [user_event("ondt i ryggen men ingen feber", "describe_pain")]
    slots = {**ASKING_INFECTION, "screening_category": "neuro_deficit",
             "screening_answers": {"bladder_bowel": "no", "saddle_numbness": "no"}}
    tracker = make_tracker("nej", "deny", slots=slots, history=history, active_loop="screening_form", after=FORM_RUN)
    outcome = run(ValidateScreeningForm(), tracker)
    assert "infection" not in outcome.slot("screening_answers")
    assert outcome.slot("screening_category") == "infection"
    assert outcome.texts == [
        f"Du skrev: «ondt i ryggen men ingen feber». For en sikkerheds skyld: {question('infection')}"
    ]
    assert outcome.payloads == ANSWER_BUTTONS


def test_a_denial_in_the_answer_to_its_own_question_is_a_no(run):
    outcome = answer(run, "nej, ingen feber", "deny")
    assert outcome.slot("screening_answers")["infection"] == "no"


def test_family_history_does_not_skip_the_question(run):
    history = [user_event("ondt i ryggen, min mor havde kræft", "describe_pain")]
    tracker = make_tracker("nej", "deny", slots=ASKING_INFECTION, history=history, active_loop="screening_form",
                           after=FORM_RUN)
    assert "cancer" not in run(ValidateScreeningForm(), tracker).slot("screening_answers")


def test_the_first_message_may_give_the_duration(run):
    outcome = run(ValidateScreeningForm(), make_tracker("jeg har haft ondt i lænden i 3 dage", "describe_pain"))
    assert outcome.slot("pain_duration") == "under_6_weeks"
    assert outcome.slot("requested_slot") == "screening_answer"


def test_no_questions_after_an_emergency_escalation(run):
    slots = {"triage_level": "emergency", "red_flags": ["bladder_bowel"]}
    outcome = run(ValidateScreeningForm(), make_tracker("ondt i ryggen", "describe_pain", slots=slots))
    assert outcome.slot("requested_slot") is None


def test_after_an_urgent_escalation_the_emergency_questions_still_come_not_the_duration(run):
    slots = {"triage_level": "urgent", "red_flags": ["trauma"]}
    tracker = make_tracker("jeg faldt på trappen", "red_flag", slots=slots,
                           after=[{"event": "action", "name": "action_escalate"}, {"event": "bot", "text": "Kontakt"}])
    outcome = run(ValidateScreeningForm(), tracker)
    assert outcome.slot("requested_slot") == "screening_answer"
    assert outcome.slot("screening_category") == "bladder_bowel"
    assert outcome.texts == [phrases.MORE_QUESTIONS_INTRO, question("bladder_bowel")]
    assert outcome.slot("screening_intros") == ["escalated"]


def test_after_an_urgent_escalation_a_yes_to_an_emergency_question_escalates_to_112(run):
    slots = {"triage_level": "urgent", "red_flags": ["trauma"], "requested_slot": "screening_answer",
             "screening_category": "neuro_deficit",
             "screening_answers": {"bladder_bowel": "no", "saddle_numbness": "no"}}
    tracker = make_tracker("ja", "affirm", slots=slots, active_loop="screening_form", after=FORM_RUN)
    outcome = run(ValidateScreeningForm(), tracker)
    assert outcome.triage == {"triage": "emergency", "flags": ["trauma", "neuro_deficit"]}
    assert "112" in outcome.text
    assert outcome.slot("triage_level") == "emergency"
    assert outcome.slot("requested_slot") is None


def test_a_yes_to_an_urgent_question_escalates_at_once_and_goes_on_with_the_emergency_questions(run):
    slots = {"requested_slot": "screening_answer", "screening_category": "trauma", "screening_queue": ["trauma"],
             "screening_quotes": {"trauma": "jeg gled lidt"}}
    tracker = make_tracker("ja", "affirm", slots=slots, active_loop="screening_form", after=FORM_RUN)
    outcome = run(ValidateScreeningForm(), tracker)
    assert outcome.triage == {"triage": "urgent", "flags": ["trauma"]}
    assert outcome.slot("screening_category") == "bladder_bowel"
    assert outcome.slot("screening_queue") == []
    assert outcome.texts[-2:] == [phrases.MORE_QUESTIONS_INTRO, question("bladder_bowel")]


def test_a_possible_flag_in_the_first_message_is_asked_at_once_quoting_the_patient(run):
    text = "jeg har ondt i ryggen og det føles lidt underligt når jeg tisser"
    tracker = make_tracker(text, "possible_red_flag", detection={"ask": ["bladder_bowel"]})
    outcome = run(ValidateScreeningForm(), tracker)
    assert outcome.slot("requested_slot") == "screening_answer"
    assert outcome.slot("screening_category") == "bladder_bowel"
    assert outcome.slot("screening_quotes") == {"bladder_bowel": text}
    assert outcome.texts == [f"Du skrev: «{text}». {question('bladder_bowel')}"]
    assert [b["title"] for b in outcome.buttons] == ["Ja", "Nej", "Ved ikke"]


def test_a_possible_flag_after_the_result_reopens_just_that_question(run):
    slots = {"pain_duration": "under_6_weeks", "screening_answers": ALL_NO, "triage_level": "none"}
    tracker = make_tracker(
        "nu har jeg det lidt varmt", "possible_red_flag", slots=slots, detection={"ask": ["infection"]}
    )
    outcome = run(ValidateScreeningForm(), tracker)
    assert outcome.slot("screening_category") == "infection"
    assert "infection" not in outcome.slot("screening_answers")
    no = run(
        ValidateScreeningForm(),
        make_tracker(
            "nej",
            "deny",
            slots={
                **slots,
                "requested_slot": "screening_answer",
                "screening_category": "infection",
                "screening_answers": outcome.slot("screening_answers"),
                "screening_queue": ["infection"],
            },
            active_loop="screening_form",
            after=FORM_RUN,
        ),
    )
    assert no.slot("requested_slot") is None


def test_a_red_flag_with_a_possible_emergency_flag_asks_it_after_the_escalation(run):
    slots = {"triage_level": "urgent", "red_flags": ["trauma"]}
    tracker = make_tracker(
        "faldt på isen og det prikker i skridtet",
        "red_flag",
        slots=slots,
        detection={"flags": ["trauma"], "ask": ["saddle_numbness"]},
        after=[{"event": "action", "name": "action_escalate"}],
    )
    outcome = run(ValidateScreeningForm(), tracker)
    assert outcome.slot("screening_category") == "saddle_numbness"
    assert outcome.slot("screening_quotes") == {"saddle_numbness": "faldt på isen og det prikker i skridtet"}


def test_a_failed_detector_asks_the_emergency_questions_without_a_quote(run):
    detection = {"ask": ["bladder_bowel", "saddle_numbness", "neuro_deficit"], "failed": True}
    outcome = run(ValidateScreeningForm(), make_tracker("ondt i ryggen", "possible_red_flag", detection=detection))
    assert outcome.slot("screening_category") == "bladder_bowel"
    assert outcome.texts == [phrases.CHECK_INTRO, question("bladder_bowel")]


def test_first_question_comes_with_intro_and_buttons(run):
    outcome = run(
        ValidateScreeningForm(),
        make_tracker("3 dage", "inform_duration", slots={"requested_slot": "pain_duration"}, after=FORM_RUN),
    )
    assert "Svar ja, nej eller ved ikke" in outcome.texts[0]
    assert outcome.texts[1] == question("bladder_bowel")
    assert outcome.payloads == ANSWER_BUTTONS
    assert outcome.slot("screening_intros") == ["start"]


def test_describing_the_pain_asks_how_long_with_the_duration_buttons(run):
    outcome = run(ValidateScreeningForm(), make_tracker("jeg har ondt i lænden", "describe_pain"))
    assert outcome.slot("requested_slot") == "pain_duration"
    assert outcome.texts == [phrases.ASK_DURATION]
    assert outcome.buttons == phrases.DURATION_BUTTONS


def test_the_validation_says_which_question_comes_next(run):
    outcome = run(
        ValidateScreeningForm(),
        make_tracker("3 dage", "inform_duration", slots={"requested_slot": "pain_duration"}, after=FORM_RUN),
    )
    assert outcome.slot("screening_category") == "bladder_bowel"


def test_after_dont_know_the_question_comes_in_simpler_words_with_why(run):
    entry = get_catalogue().categories["infection"]
    outcome = answer(run, "ved ikke", "dont_know")
    assert outcome.texts == [entry.why, entry.simpler]
    assert [b["title"] for b in outcome.buttons] == ["Ja", "Nej", "Ved ikke"]
