"""The red-flag detector against the labelled Danish test set (tests/redflags/testset.yml)."""

from __future__ import annotations

from pathlib import Path

from bot.redflags import detect
from bot.redflags.catalogue import CATEGORY_NAMES
from bot.redflags.evaluate import evaluate, load_testset

TESTSET = Path(__file__).with_name("testset.yml")


def test_testset_is_large_and_covers_every_group_and_category():
    items = load_testset(TESTSET)
    groups = [item.group for item in items]
    assert len(items) >= 300
    assert groups.count("negated") >= 60
    assert groups.count("mixed") >= 20
    assert groups.count("benign") >= 60
    for name in CATEGORY_NAMES:
        positives = [item for item in items if name in item.flags and item.group in ("positive", "mixed")]
        assert len(positives) >= 15, name


def test_detector_escalates_every_flag_of_its_own_test_set_and_asks_few_benign_questions():
    report = evaluate(load_testset(TESTSET), detect, strict=True)
    assert report.passed, report.format()
