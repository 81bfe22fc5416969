"""The screening rules in bot/screening.py: answers, durations, what to ask next."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import screening
from bot.screening import NO, UNSURE, YES, Progress

WEDNESDAY = dt.date(2026, 11, 25)
CATEGORIES = ["bladder_bowel", "saddle_numbness", "infection"]


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("ja", "affirm", YES),
        ("Ja", None, YES),
        ("jo lidt", None, YES),
        ("jo lidt", "affirm", YES),
        ("nej", "deny", NO),
        ("nej ikke noget", None, NO),
        ("ingen", None, NO),
        ("Ved ikke", "dont_know", UNSURE),
        ("det ved jeg ikke", None, UNSURE),
        ("det aner jeg ikke", "deny", UNSURE),
        ("nej det ved jeg ikke", "deny", UNSURE),
        ("maaske", "deny", UNSURE),
        ("tror det ikke", "deny", UNSURE),
        ("ikke sikker", None, UNSURE),
        ("/dont_know", "dont_know", UNSURE),
        ("ja", "dont_know", YES),
        ("hmm", None, None),
        ("det gør ondt når jeg går", "describe_pain", None),
    ],
)
def test_parse_answer(text, intent, expected):
    assert screening.parse_answer(text, intent) == expected


def test_dont_know_is_never_read_as_no():
    for text in ("ved ikke", "det ved jeg ikke", "aner det ikke", "måske", "kan ikke huske", "usikker"):
        assert screening.parse_answer(text, "deny") == UNSURE, text


@pytest.mark.parametrize(
    "text, days",
    [
        ("3 dage", 3),
        ("siden i mandags", 2),
        ("siden i onsdags", 7),
        ("2 mdr", 60),
        ("et halvt år", 182),
        ("et halvt aar", 182),
        ("en uges tid", 7),
        ("et par uger", 14),
        ("halvanden måned", 45),
        ("i går", 1),
        ("igaar", 1),
        ("i morges", 0),
        ("jeg har haft ondt i ryggen i 3 uger", 21),
        ("6–12 uger", 84),
        ("Under 6 uger", 41),
        ("mere end 12 uger", 85),
        ("over et år", 366),
        ("4 maaneder", 120),
        ("ca 10 dage", 10),
    ],
)
def test_parse_duration_days(text, days):
    assert screening.parse_duration_days(text, WEDNESDAY) == days


@pytest.mark.parametrize("text", ["ved ikke", "ondt i ryggen", "", "3", "jeg har feber"])
def test_text_without_a_duration_gives_none(text):
    assert screening.parse_duration(text, WEDNESDAY) is None


@pytest.mark.parametrize(
    "text, bucket",
    [
        ("Under 6 uger", screening.UNDER_6_WEEKS),
        ("6-12 uger", screening.WEEKS_6_TO_12),
        ("Mere end 12 uger", screening.OVER_12_WEEKS),
        ("3 dage", screening.UNDER_6_WEEKS),
        ("2 mdr", screening.WEEKS_6_TO_12),
        ("et halvt år", screening.OVER_12_WEEKS),
    ],
)
def test_duration_buckets_match_the_buttons(text, bucket):
    assert screening.parse_duration(text, WEDNESDAY) == bucket


def test_only_pain_past_12_weeks_is_long_lasting():
    assert screening.is_long_lasting(screening.OVER_12_WEEKS)
    assert not screening.is_long_lasting(screening.WEEKS_6_TO_12)
    assert not screening.is_long_lasting(screening.UNKNOWN_DURATION)
    assert not screening.is_long_lasting(None)


LEVEL_OF = {"bladder_bowel": "emergency", "saddle_numbness": "emergency", "infection": "urgent", "trauma": "urgent"}
ALL = ["bladder_bowel", "saddle_numbness", "infection", "trauma"]
EMERGENCY = ["bladder_bowel", "saddle_numbness"]


def test_questions_come_in_catalogue_order_after_the_duration():
    progress = Progress()
    assert screening.next_question(progress, None, CATEGORIES, EMERGENCY, "none") == screening.DURATION_QUESTION
    assert screening.next_question(progress, "under_6_weeks", CATEGORIES, EMERGENCY, "none") == "bladder_bowel"
    progress = screening.record_answer(progress, "bladder_bowel", NO).progress
    assert screening.next_question(progress, "under_6_weeks", CATEGORIES, EMERGENCY, "none") == "saddle_numbness"


def test_after_an_emergency_escalation_nothing_more_is_asked():
    assert screening.next_question(Progress(queue=("infection",)), None, CATEGORIES, EMERGENCY, "emergency") is None


def test_after_an_urgent_escalation_only_the_open_emergency_questions_are_asked():
    progress = Progress({"bladder_bowel": NO})
    assert screening.next_question(progress, None, CATEGORIES, EMERGENCY, "urgent") == "saddle_numbness"
    progress = screening.record_answer(progress, "saddle_numbness", NO).progress
    assert screening.next_question(progress, None, CATEGORIES, EMERGENCY, "urgent") is None


def test_possible_flags_are_asked_before_anything_else_also_the_duration():
    progress = screening.queue_questions(Progress(), ["infection"], "jeg har det lidt varmt")
    assert screening.next_question(progress, None, CATEGORIES, EMERGENCY, "none") == "infection"
    assert progress.quotes == {"infection": "jeg har det lidt varmt"}
    answered = screening.record_answer(progress, "infection", NO).progress
    assert answered.queue == () and answered.quotes == {}
    assert screening.next_question(answered, None, CATEGORIES, EMERGENCY, "none") == screening.DURATION_QUESTION


def test_a_possible_flag_clears_an_earlier_no_and_its_repeats_but_never_a_yes():
    progress = Progress({"infection": NO, "trauma": YES}, simplified=("infection",), unclear=("infection",))
    progress = screening.queue_questions(progress, ["infection", "trauma"], "…")
    assert progress.answers == {"trauma": YES}
    assert progress.simplified == () and progress.unclear == ()


def test_a_yes_escalates_at_the_level_of_its_category():
    progress = screening.record_answer(Progress(), "infection", YES).progress
    assert screening.escalation_level(progress, LEVEL_OF, "none") == "urgent"
    assert screening.next_question(progress, "under_6_weeks", ALL, EMERGENCY, "urgent") == "bladder_bowel"
    progress = screening.record_answer(progress, "bladder_bowel", YES).progress
    assert screening.escalation_level(progress, LEVEL_OF, "none") == "emergency"


def test_unsure_is_not_an_escalation_during_the_screening_only_in_the_result():
    progress = Progress({"bladder_bowel": UNSURE})
    assert screening.escalation_level(progress, LEVEL_OF, "none") == "none"
    assert screening.answered_flags(progress, CATEGORIES) == ["bladder_bowel"]


def test_first_dont_know_asks_again_more_simply_and_second_counts_as_unsure():
    first = screening.record_answer(Progress(), "infection", UNSURE)
    assert first.ask_again
    assert "infection" not in first.progress.answers
    assert screening.next_question(first.progress, "unknown", ["infection"], [], "none") == "infection"
    second = screening.record_answer(first.progress, "infection", UNSURE)
    assert not second.ask_again
    assert second.progress.answers["infection"] == UNSURE
    assert screening.answered_flags(second.progress, CATEGORIES) == ["infection"]


def test_an_answer_not_understood_twice_sets_the_question_aside_as_unsure_never_as_no():
    first = screening.record_unclear(Progress(), "infection")
    assert first.ask_again and "infection" not in first.progress.answers
    second = screening.record_unclear(first.progress, "infection")
    assert not second.ask_again
    assert second.progress.answers == {"infection": UNSURE}


def test_dont_know_after_an_answer_not_understood_is_the_second_time():
    first = screening.record_unclear(Progress(), "infection")
    assert screening.record_answer(first.progress, "infection", UNSURE).progress.answers == {"infection": UNSURE}


@pytest.mark.parametrize(
    "ask, flags, answers, escalated, level, expected",
    [
        (["infection"], [], {}, [], "none", ["infection"]),
        (["infection"], [], {"infection": NO}, [], "none", ["infection"]),
        (["infection"], [], {"infection": YES}, [], "urgent", []),
        (["infection"], [], {}, ["infection"], "urgent", []),
        (["infection", "bladder_bowel"], ["trauma"], {}, ["trauma"], "urgent", ["bladder_bowel"]),
        (["bladder_bowel"], [], {}, ["bladder_bowel"], "emergency", []),
        (["saddle_numbness"], [], {}, [], "emergency", []),
        (["unknown_category"], [], {}, [], "none", []),
    ],
)
def test_which_possible_flags_are_asked(ask, flags, answers, escalated, level, expected):
    asks = screening.possible_flags_to_ask(ask, flags, Progress(answers), level, ALL, EMERGENCY, escalated)
    assert asks == expected


class TestReadTurn:
    def test_red_flag_always_interrupts(self):
        for asking in ("duration", "answer"):
            reading = screening.read_turn("3 dage og jeg har feber", "red_flag", asking, "infection")
            assert reading.kind == screening.INTERRUPT

    def test_a_question_interrupts_an_answer(self):
        reading = screening.read_turn("skal jeg ikke have en scanning?", "ask_scan", "answer", "infection")
        assert reading.kind == screening.INTERRUPT

    def test_a_duration_button_wins_over_a_question_intent(self):
        reading = screening.read_turn("mere end 12 uger", "ask_duration", "duration")
        assert reading == screening.Reading(screening.DURATION, screening.OVER_12_WEEKS)

    def test_dont_know_the_duration_goes_on_with_unknown(self):
        reading = screening.read_turn("ved ikke", "dont_know", "duration")
        assert reading == screening.Reading(screening.DURATION, screening.UNKNOWN_DURATION)

    def test_a_negation_in_the_answer_counts_as_no(self):
        reading = screening.read_turn("feber har jeg ikke haft", "describe_pain", "answer", "infection", ["infection"])
        assert reading == screening.Reading(screening.ANSWER, NO)

    def test_answers(self):
        assert screening.read_turn("jo lidt", "affirm", "answer", "trauma").value == YES
        assert screening.read_turn("det ved jeg ikke", "dont_know", "answer", "trauma").value == UNSURE

    def test_something_else_is_not_understood(self):
        assert screening.read_turn("blablabla", "nlu_fallback", "answer", "trauma").kind == screening.NOT_UNDERSTOOD
        assert screening.read_turn("blablabla", "nlu_fallback", "duration").kind == screening.NOT_UNDERSTOOD

    def test_the_message_that_starts_the_screening_may_give_the_duration(self):
        reading = screening.read_turn("jeg har haft ondt i lænden i 3 dage", "describe_pain", None)
        assert reading == screening.Reading(screening.DURATION, screening.UNDER_6_WEEKS)

    def test_a_vague_duration_is_neither_a_bucket_nor_not_understood(self):
        assert screening.read_turn("længe", "inform_duration", "duration", today=WEDNESDAY).kind == screening.VAGUE

    def test_a_bare_weekday_answers_the_duration_question_but_is_no_duration_in_free_text(self):
        answer = screening.read_turn("fredag", "inform_duration", "duration", today=WEDNESDAY)
        assert answer == screening.Reading(screening.DURATION, screening.UNDER_6_WEEKS)
        assert screening.read_turn("ondt i ryggen, især om fredagen", "describe_pain", None).kind == screening.OTHER

    def test_a_possible_flag_that_is_no_answer_is_set_aside_for_the_queue_not_complained_about(self):
        reading = screening.read_turn("jeg tisser lidt sjovt", "possible_red_flag", "answer", "trauma")
        assert reading.kind == screening.OTHER
        assert screening.read_turn("jeg tisser lidt sjovt", "possible_red_flag", "duration").kind == screening.OTHER

    def test_a_possible_flag_with_an_answer_answers_the_question(self):
        reading = screening.read_turn("nej, men jeg tisser lidt sjovt", "possible_red_flag", "answer", "trauma")
        assert reading == screening.Reading(screening.ANSWER, NO)


# --- How long: relative and vague answers (invariant 7: "how long?" never blocks) ------------------


@pytest.mark.parametrize(
    "text, bucket",
    [
        ("siden fredag", screening.UNDER_6_WEEKS),
        ("fredag", screening.UNDER_6_WEEKS),
        ("lørdag", screening.UNDER_6_WEEKS),
        ("lordag", screening.UNDER_6_WEEKS),
        ("i forgårs", screening.UNDER_6_WEEKS),
        ("i forgars", screening.UNDER_6_WEEKS),
        ("weekenden", screening.UNDER_6_WEEKS),
        ("siden weekenden", screening.UNDER_6_WEEKS),
        ("et par uger", screening.UNDER_6_WEEKS),
        ("nogle dage", screening.UNDER_6_WEEKS),
        ("kort tid", screening.UNDER_6_WEEKS),
        ("ikke så længe", screening.UNDER_6_WEEKS),
        ("siden sommerferien", screening.OVER_12_WEEKS),  # in late November
        ("siden jul", screening.OVER_12_WEEKS),
        ("siden påske", screening.OVER_12_WEEKS),
        ("siden november", screening.UNDER_6_WEEKS),
        ("den 3. november", screening.UNDER_6_WEEKS),
        ("i starten af oktober", screening.WEEKS_6_TO_12),
        ("altid", screening.OVER_12_WEEKS),
        ("i årevis", screening.OVER_12_WEEKS),
        ("mange måneder", screening.OVER_12_WEEKS),
        ("siden fredag for 3 uger siden", screening.UNDER_6_WEEKS),
    ],
)
def test_relative_answers_to_how_long(text, bucket):
    assert screening.parse_duration(text, WEDNESDAY, answer=True) == bucket


@pytest.mark.parametrize(
    "text",
    ["længe", "lang tid", "et stykke tid", "meget længe", "flere uger", "mange uger", "siden oktober", "sidste måned"],
)
def test_vague_answers_get_no_bucket_they_cannot_honestly_have(text):
    assert screening.parse_duration(text, WEDNESDAY, answer=True) == screening.UNKNOWN_DURATION


@pytest.mark.parametrize(
    "today, bucket",
    [(dt.date(2026, 7, 20), screening.UNDER_6_WEEKS), (dt.date(2026, 8, 20), screening.UNKNOWN_DURATION),
     (dt.date(2026, 11, 25), screening.OVER_12_WEEKS), (dt.date(2027, 3, 1), screening.OVER_12_WEEKS)],
)
def test_since_the_summer_holiday_depends_on_the_date(today, bucket):
    assert screening.parse_duration("siden sommerferien", today) == bucket


def test_since_christmas_in_january_is_new_pain():
    assert screening.parse_duration("siden jul", dt.date(2027, 1, 10)) == screening.UNDER_6_WEEKS


@pytest.mark.parametrize(
    "text",
    ["jeg skal til lægen på fredag", "det gør ondt om fredagen", "jeg har haft ondt længe",
     "det gør altid ondt når jeg sidder", "i marts var jeg til lægen", "jeg skal på ferie i sommer"],
)
def test_free_text_gives_a_duration_only_in_unmistakable_forms(text):
    assert screening.parse_duration(text, WEDNESDAY) is None


def test_the_first_mention_counts():
    assert (
        screening.parse_duration("siden sommerferien, men værst de sidste 3 dage", WEDNESDAY) == screening.OVER_12_WEEKS
    )


# --- One step of the screening ------------------------------------------------------------------

STEP = dict(categories=ALL, level_of=LEVEL_OF, escalated="none", today=WEDNESDAY)


def step(progress=None, duration=None, text="", intent=None, asking=None, category=None, read=True,
         queue=True, **turn):
    if progress is None:
        progress = Progress()
    options = {**STEP, **{k: turn.pop(k) for k in ("escalated", "escalated_flags") if k in turn}}
    return screening.advance(progress, duration, screening.Turn(text=text, intent=intent, **turn), asking=asking,
                             category=category, read=read, queue=queue, **options)


class TestAdvance:
    def test_a_possible_flag_in_the_first_message_is_asked_first_with_the_quote(self):
        outcome = step(text="jeg har ondt og tisser lidt sjovt", intent="possible_red_flag", ask=("bladder_bowel",))
        assert outcome.next == "bladder_bowel"
        assert outcome.progress.quotes == {"bladder_bowel": "jeg har ondt og tisser lidt sjovt"}
        assert outcome.duration is None

    def test_a_possible_flag_inside_the_screening_comes_before_the_question_asked(self):
        outcome = step(Progress({"bladder_bowel": NO}), "under_6_weeks", "jeg har det lidt varmt",
                       "possible_red_flag", asking="answer", category="saddle_numbness", ask=("infection",))
        assert outcome.next == "infection"
        assert "saddle_numbness" not in outcome.progress.answers
        assert outcome.notes == ()

    def test_a_possible_flag_while_asking_the_duration_keeps_a_stated_duration(self):
        outcome = step(text="3 dage, og det er lidt svært at tisse", intent="possible_red_flag", asking="duration",
                       ask=("bladder_bowel",))
        assert outcome.duration == screening.UNDER_6_WEEKS
        assert outcome.next == "bladder_bowel"

    def test_a_possible_flag_about_the_question_asked_is_asked_once_more_then_set_aside(self):
        first = step(Progress({"bladder_bowel": NO}), "under_6_weeks", "det kribler dernede", "possible_red_flag",
                     asking="answer",
                     category="saddle_numbness", ask=("saddle_numbness",))
        assert first.next == "saddle_numbness"
        assert first.progress.quotes == {"saddle_numbness": "det kribler dernede"}
        second = step(first.progress, "under_6_weeks", "det kribler stadig", "possible_red_flag", asking="answer",
                      category="saddle_numbness", ask=("saddle_numbness",))
        assert second.progress.answers["saddle_numbness"] == UNSURE
        assert second.notes == (screening.NOTE_ANSWER_SET_ASIDE,)

    def test_a_no_to_the_question_asked_is_not_undone_by_a_possible_flag_about_it(self):
        outcome = step(Progress(), "under_6_weeks", "nej det har jeg ikke", "possible_red_flag", asking="answer",
                       category="saddle_numbness", ask=("saddle_numbness",))
        assert outcome.progress.answers["saddle_numbness"] == NO
        assert outcome.progress.queue == ()

    def test_after_the_result_a_possible_flag_reopens_just_that_question(self):
        done = Progress({c: NO for c in ALL})
        outcome = step(done, "under_6_weeks", "jeg har det lidt varmt", "possible_red_flag", ask=("infection",))
        assert outcome.next == "infection"
        answered = step(outcome.progress, "under_6_weeks", "nej", "deny", asking="answer", category="infection")
        assert answered.next is None
        assert answered.level == "none"

    def test_a_flag_with_a_possible_emergency_flag_asks_only_the_emergency_one(self):
        outcome = step(text="faldt på isen, og det prikker lidt i skridtet", intent="red_flag", read=True,
                       flags=("trauma",), ask=("saddle_numbness", "infection"), escalated="urgent",
                       escalated_flags=("trauma",))
        assert outcome.next == "saddle_numbness"
        assert outcome.progress.queue == ("saddle_numbness",)

    def test_a_detector_failure_asks_the_emergency_questions_without_undoing_answers(self):
        failed = dict(ask=("bladder_bowel", "saddle_numbness"), failed=True)
        first = step(text="ondt i ryggen", intent="possible_red_flag", **failed)
        assert first.next == "bladder_bowel"
        assert first.progress.quotes == {"bladder_bowel": "", "saddle_numbness": ""}
        second = step(first.progress, None, "nej", "deny", asking="answer", category="bladder_bowel", **failed)
        assert second.next == "saddle_numbness"
        third = step(second.progress, None, "nej", "deny", asking="answer", category="saddle_numbness", **failed)
        assert third.progress.answers == {"bladder_bowel": NO, "saddle_numbness": NO}
        assert third.next == screening.DURATION_QUESTION

    def test_a_yes_to_an_urgent_question_escalates_and_goes_on_with_the_emergency_questions(self):
        outcome = step(Progress(queue=("trauma",)), None, "ja", "affirm", asking="answer", category="trauma")
        assert outcome.level == "urgent"
        assert outcome.next == "bladder_bowel"

    def test_after_an_urgent_escalation_a_yes_to_an_emergency_question_means_112(self):
        outcome = step(Progress(), None, "ja lidt", "affirm", asking="answer", category="bladder_bowel",
                       escalated="urgent", escalated_flags=("trauma",))
        assert outcome.level == "emergency"
        assert outcome.next is None

    @pytest.mark.parametrize(
        "first, second",
        [(("ja", "affirm"), ("hmm", "nlu_fallback")), (("hvad mener du?", "nlu_fallback"), ("ja", "affirm"))],
    )
    def test_how_long_is_asked_at_most_twice(self, first, second):
        one = step(text=first[0], intent=first[1], asking="duration")
        assert one.duration is None
        assert one.next == screening.DURATION_QUESTION
        assert one.notes == (screening.NOTE_DURATION_UNCLEAR,)
        two = step(one.progress, None, second[0], second[1], asking="duration")
        assert two.duration == screening.UNKNOWN_DURATION
        assert two.notes == (screening.NOTE_DURATION_SET_ASIDE,)
        assert two.next == "bladder_bowel"

    def test_a_vague_duration_is_asked_more_precisely_once_then_unknown(self):
        one = step(text="længe", intent="inform_duration", asking="duration")
        assert one.notes == (screening.NOTE_DURATION_VAGUE,)
        assert one.next == screening.DURATION_QUESTION
        two = step(one.progress, None, "meget længe", "inform_duration", asking="duration")
        assert two.duration == screening.UNKNOWN_DURATION
        assert two.next == "bladder_bowel"

    def test_a_screening_answer_not_understood_twice_is_set_aside_as_unsure(self):
        one = step(Progress(), "under_6_weeks", "blå", "nlu_fallback", asking="answer", category="bladder_bowel")
        assert one.notes == (screening.NOTE_ANSWER_UNCLEAR,)
        assert one.next == "bladder_bowel"
        two = step(one.progress, "under_6_weeks", "grøn", "nlu_fallback", asking="answer", category="bladder_bowel")
        assert two.progress.answers["bladder_bowel"] == UNSURE
        assert two.notes == (screening.NOTE_ANSWER_SET_ASIDE,)
        assert two.next == "saddle_numbness"

    def test_a_question_interrupts_without_changing_anything(self):
        outcome = step(Progress(), "under_6_weeks", "skal jeg scannes?", "ask_scan", asking="answer",
                       category="bladder_bowel")
        assert outcome.interrupted

    def test_a_message_read_already_is_not_read_again(self):
        outcome = step(Progress(), None, "blå", "nlu_fallback", asking="duration", read=False)
        assert outcome.notes == () and outcome.next == screening.DURATION_QUESTION

    def test_a_possible_flag_that_brings_no_new_question_counts_as_not_understood(self):
        escalated = dict(escalated="urgent", escalated_flags=("infection",))
        one = step(Progress(), None, "jeg har det varmt", "possible_red_flag", asking="answer",
                   category="bladder_bowel", ask=("infection",), **escalated)
        assert one.notes == (screening.NOTE_ANSWER_UNCLEAR,)
        two = step(one.progress, None, "stadig varm", "possible_red_flag", asking="answer",
                   category="bladder_bowel", ask=("infection",), **escalated)
        assert two.progress.answers["bladder_bowel"] == UNSURE
