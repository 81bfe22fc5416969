"""The detector on the frozen held-out files (tests/redflags/heldout.yml, held-out set 3, and
heldout-4.yml, set 4): messages written by someone who saw only DESIGN.md's category table, never the
patterns or the training data.
Never tune on it; its misses are not to be read while changing the detector (`python -m bot redflags
--evaluate` prints only their count for a file marked FROZEN; retire it into data/redflags/ if they
are ever read, as held-out sets 1 and 2 were).

The issue's targets are checked where they are met: emergencies caught, benign and hard negatives
escalated, benign messages asked about. Every category caught ≥ 99 % is not met yet; the gate holds
the 96 % floor set for held-out set 1, so nothing slips back, and the target itself is a strict
expected failure that starts failing the day it is met, so the floor gets raised.
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

HELDOUT_FILES = sorted(Path(__file__).parent.glob("heldout*.yml"))
names = {"ids": lambda path: path.name}

# A floor below the issue's target (MIN_CAUGHT 99 %): raise, never lower.
CAUGHT_FLOOR = 0.96


def test_there_is_a_frozen_heldout_file():
    assert HELDOUT_FILES


@pytest.mark.parametrize("path", HELDOUT_FILES, **names)
def test_heldout_file_is_large_and_covers_every_category_and_kind(path: Path):
    items = load_testset(path)
    assert len(items) >= 400
    assert sum(item.group in ("benign", "hard") for item in items) >= 150
    for name in {flag for item in items for flag in item.flags}:
        assert sum(name in item.flags for item in items) >= 25, name


@lru_cache(maxsize=None)
def heldout_report(path: Path) -> Report:
    return evaluate(load_testset(path), detect)


def summary(report: Report) -> str:
    """The figures without the messages: the misses of a frozen file are not to be read."""
    return report.format(show_failures=False)


@pytest.mark.parametrize("path", HELDOUT_FILES, **names)
def test_detector_on_the_heldout_file_catches_every_emergency_escalates_few_negatives_and_holds_its_floor(path: Path):
    report = heldout_report(path)
    assert report.emergency_caught >= MIN_EMERGENCY_CAUGHT, summary(report)
    assert report.asked_benign <= MAX_ASKED_BENIGN, summary(report)
    assert min(report.caught.values()) >= CAUGHT_FLOOR, summary(report)
    assert report.escalated_negatives <= MAX_ESCALATED_NEGATIVES, summary(report)


@pytest.mark.xfail(strict=True, reason="issue 8: caught >= 99 % per category not yet met; see ROUNDS.md")
@pytest.mark.parametrize("path", HELDOUT_FILES, **names)
def test_the_issue_target_for_every_category_on_the_heldout_file(path: Path):
    report = heldout_report(path)
    assert min(report.caught.values()) >= MIN_CAUGHT, summary(report)
