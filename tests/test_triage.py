"""Triage decisions (bot/triage.py) and the routing table (bot/routing.py)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot import routing
from bot.triage import EMERGENCY, NONE, URGENT, level_for_answers, level_for_flags, most_severe

LEVEL_OF = {"bladder_bowel": EMERGENCY, "infection": URGENT, "trauma": URGENT}
ROOT = Path(__file__).resolve().parent.parent


def test_emergency_outranks_urgent():
    assert most_severe([URGENT, EMERGENCY, NONE]) == EMERGENCY
    assert most_severe([]) == NONE


def test_unknown_flag_counts_as_urgent():
    assert level_for_flags(["something_new"], LEVEL_OF) == URGENT


def test_all_no_is_none():
    assert level_for_answers({"bladder_bowel": "no", "infection": "no"}, LEVEL_OF) == NONE


def test_yes_takes_the_category_level():
    assert level_for_answers({"bladder_bowel": "yes"}, LEVEL_OF) == EMERGENCY
    assert level_for_answers({"infection": "yes", "bladder_bowel": "no"}, LEVEL_OF) == URGENT


def test_unsure_counts_as_at_least_urgent():
    assert level_for_answers({"bladder_bowel": "unsure"}, LEVEL_OF) == URGENT
    assert level_for_answers({"trauma": "unsure", "bladder_bowel": "yes"}, LEVEL_OF) == EMERGENCY


def test_every_question_intent_in_the_domain_has_a_route():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    question_intents = {i for i in domain["intents"] if isinstance(i, str) and i.startswith("ask_")}
    assert question_intents <= set(routing.ROUTES)
    assert "insist_scan" in routing.ROUTES


def test_texts_sent_after_an_escalation_do_not_reassure():
    reassuring = set(routing.NO_RED_FLAG_RESULT) | {routing.ROUTES["ask_scan"], routing.ROUTES["ask_recommendation"]}
    assert not reassuring & routing.NEUTRAL_AFTER_ESCALATION
    assert routing.NEUTRAL_AFTER_ESCALATION <= routing.CONTENT_IDS_USED
