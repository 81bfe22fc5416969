"""The detector on the frozen held-out file (tests/redflags/heldout.yml, held-out set 2): messages
written by someone who saw only DESIGN.md's category table, never the patterns or the training data.
Never tune on it; its misses are not to be read while changing the detector (`python -m bot redflags
--evaluate` prints only their count for a file marked FROZEN; retire it into data/redflags/ if they
are ever read, as held-out set 1 was).

Met and gated at the issue's target: emergencies caught, benign messages asked about. Not met on
this file: every category caught ≥ 99 % (94.6 % in the weakest, infection) and benign + hard
negatives escalated ≤ 3 % (3.1 %, 6 of 195). For those two the gate holds the level measured when
held-out set 2 replaced set 1 (which met 3 % and was gated at it) as a floor, so nothing slips back;
raise the floors, never lower them. The targets themselves stay in `test_the_issue_targets_…`, a
strict expected failure: it starts failing the day the targets are met, so the floors get raised.
tests/redflags/ROUNDS.md has the figures and the gap.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from bot.redflags import detect
from bot.redflags.evaluate import (
    MAX_ASKED_BENIGN,
    MAX_ESCALATED_NEGATIVES,
    MIN_CAUGHT,
    MIN_EMERGENCY_CAUGHT,
    Report,
    evaluate,
    load_testset,
)

HELDOUT = Path(__file__).with_name("heldout.yml")

# Floors below the issue's targets (MIN_CAUGHT 99 %, MAX_ESCALATED_NEGATIVES 3 %), measured on
# held-out set 2 on 2026-12-01: raise, never lower.
CAUGHT_FLOOR = 0.94
ESCALATED_NEGATIVES_FLOOR = 0.031


def test_heldout_file_is_large_and_covers_every_category_and_kind():
    items = load_testset(HELDOUT)
    assert len(items) >= 400
    assert sum(item.group in ("benign", "hard") for item in items) >= 150
    for name in {flag for item in items for flag in item.flags}:
        assert sum(name in item.flags for item in items) >= 25, name


@lru_cache(maxsize=1)
def heldout_report() -> Report:
    return evaluate(load_testset(HELDOUT), detect)


def summary(report: Report) -> str:
    """The figures without the messages: the misses of a frozen file are not to be read."""
    return report.format(show_failures=False)


def test_detector_on_the_heldout_file_catches_every_emergency_and_holds_its_floors():
    report = heldout_report()
    assert report.emergency_caught >= MIN_EMERGENCY_CAUGHT, summary(report)
    assert report.asked_benign <= MAX_ASKED_BENIGN, summary(report)
    assert min(report.caught.values()) >= CAUGHT_FLOOR, summary(report)
    assert report.escalated_negatives <= ESCALATED_NEGATIVES_FLOOR, summary(report)


@pytest.mark.xfail(strict=True, reason="issue 8 targets not yet met on held-out set 2; see ROUNDS.md")
def test_the_issue_targets_for_every_category_and_for_negatives_on_the_heldout_file():
    report = heldout_report()
    assert min(report.caught.values()) >= MIN_CAUGHT, summary(report)
    assert report.escalated_negatives <= MAX_ESCALATED_NEGATIVES, summary(report)
