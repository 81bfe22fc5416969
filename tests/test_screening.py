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


def test_questions_come_in_catalogue_order():
    progress = Progress()
    assert screening.next_category(progress, CATEGORIES) == "bladder_bowel"
    progress = screening.record_answer(progress, "bladder_bowel", NO).progress
    assert screening.next_category(progress, CATEGORIES) == "saddle_numbness"


def test_a_yes_ends_the_screening_at_once():
    progress = screening.record_answer(Progress(), "bladder_bowel", YES).progress
    assert screening.has_yes(progress)
    assert screening.next_category(progress, CATEGORIES) is None


def test_first_dont_know_asks_again_more_simply_and_second_counts_as_unsure():
    first = screening.record_answer(Progress(), "infection", UNSURE)
    assert first.ask_simpler
    assert "infection" not in first.progress.answers
    assert screening.next_category(first.progress, ["infection"]) == "infection"
    second = screening.record_answer(first.progress, "infection", UNSURE)
    assert not second.ask_simpler
    assert second.progress.answers["infection"] == UNSURE
    assert screening.answered_flags(second.progress, CATEGORIES) == ["infection"]


def test_negated_categories_are_skipped_as_no():
    progress = screening.apply_negations(Progress(), ["bladder_bowel", "unknown"], CATEGORIES)
    assert progress.answers == {"bladder_bowel": NO}
    assert screening.next_category(progress, CATEGORIES) == "saddle_numbness"


def test_negation_does_not_overwrite_an_answer():
    progress = Progress({"infection": UNSURE})
    assert screening.apply_negations(progress, ["infection"], CATEGORIES).answers["infection"] == UNSURE


class TestReadTurn:
    def test_red_flag_always_interrupts(self):
        for asking in ("duration", "answer"):
            assert screening.read_turn("3 dage og jeg har feber", "red_flag", asking, "infection").kind == screening.INTERRUPT

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
