"""The one place that orders triage levels and maps red-flag categories to a level."""

from __future__ import annotations

from typing import Final, Iterable, Literal, Mapping

from bot.answers import UNSURE, YES

Level = Literal["none", "urgent", "emergency"]

EMERGENCY: Final = "emergency"
URGENT: Final = "urgent"
NONE: Final = "none"

# Lowest to highest; emergency outranks urgent.
LEVELS: tuple[Level, ...] = (NONE, URGENT, EMERGENCY)
_RANK: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS)}


def parse_level(value: object, default: Level = NONE) -> Level:
    """`value` as a level when it is one (a slot, a stored event), else `default`."""
    return LEVELS[LEVELS.index(value)] if value in LEVELS else default


def most_severe(levels: Iterable[Level]) -> Level:
    """The highest of the given levels, `none` when there are none."""
    return max(levels, key=_RANK.__getitem__, default=NONE)


def level_for_flags(flags: Iterable[str], level_of: Mapping[str, Level]) -> Level:
    """The triage level of a set of red-flag categories, given each category's level.

    An unknown category counts as urgent: when in doubt, escalate.
    """
    return most_severe(level_of.get(flag, URGENT) for flag in flags)


def level_for_answers(answers: Mapping[str, str], level_of: Mapping[str, Level]) -> Level:
    """The triage level of the screening answers (category -> "yes" | "no" | "unsure").

    "yes" counts with the category's level; "unsure" (a second "ved ikke") counts as urgent, so
    not knowing is never read as "no" (DESIGN.md invariant 4).
    """
    levels: list[Level] = []
    for category, answer in answers.items():
        if answer == YES:
            levels.append(level_of.get(category, URGENT))
        elif answer == UNSURE:
            levels.append(URGENT)
    return most_severe(levels)
