"""The deterministic red-flag hook in the NLU pipeline (bot/rasa/redflag_component.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.rasa import redflag_component
from bot.rasa.detection import DETECTION_KEY, METADATA_KEY
from bot.rasa.redflag_component import RedFlagClassifier


def parse(text: str, intent: str = "describe_pain", confidence: float = 0.9) -> dict:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}], add_to_output=True)
    component = RedFlagClassifier.create({}, None, None, None)  # type: ignore[arg-type]
    [processed] = component.process([message])
    return processed.as_dict(only_output_properties=True)


def test_a_present_flag_sets_red_flag_with_full_confidence_and_keeps_the_model_guess():
    data = parse("jeg har ondt i ryggen og kan ikke holde på urinen", "describe_pain")
    assert data["intent"] == {"name": "red_flag", "confidence": 1.0}
    assert [entry["name"] for entry in data["intent_ranking"]][:2] == ["red_flag", "describe_pain"]
    assert data[DETECTION_KEY]["flags"] == ["bladder_bowel"]
    assert data[DETECTION_KEY]["level"] == "emergency"


def test_the_model_guess_never_overrides_a_flag_even_a_fallback():
    assert parse("jeg har 39 i feber", "nlu_fallback", 0.3)["intent"]["name"] == "red_flag"


def test_no_flag_leaves_the_intent_alone_but_records_what_was_denied():
    data = parse("ondt i ryggen, men ingen feber, og der er kræft i familien")
    assert data["intent"]["name"] == "describe_pain"
    assert data[DETECTION_KEY]["flags"] == []
    assert data[DETECTION_KEY]["ruled_out"] == ["infection"]
    assert set(data[DETECTION_KEY]["negated"]) == {"infection", "cancer"}


def parse_with(text: str, metadata: object, intent: str = "describe_pain", component=None) -> dict:
    message = Message(data={"text": text, "metadata": metadata})
    message.set("intent", {"name": intent, "confidence": 0.9}, add_to_output=True)
    message.set("intent_ranking", [{"name": intent, "confidence": 0.9}], add_to_output=True)
    component = component or RedFlagClassifier.create({}, None, None, None)  # type: ignore[arg-type]
    [processed] = component.process([message])
    return processed.as_dict(only_output_properties=True)


def channel_detection(**found) -> dict:
    return {METADATA_KEY: {"flags": [], "level": "none", "negated": [], "ask": [], "ruled_out": [], "failed": False,
                           **found}}


def test_the_channels_detection_is_used_and_not_made_again(monkeypatch):
    component = RedFlagClassifier.create({}, None, None, None)  # type: ignore[arg-type]
    calls = []
    monkeypatch.setattr(redflag_component, "detect", lambda text: calls.append(text))
    found = channel_detection(flags=["bladder_bowel"], level="emergency")
    data = parse_with("en tekst, hvis flag stod efter de 2000 tegn", found, component=component)
    assert calls == []
    assert data["intent"] == {"name": "red_flag", "confidence": 1.0}
    assert data[DETECTION_KEY]["flags"] == ["bladder_bowel"]


def test_ask_without_a_flag_sets_possible_red_flag_and_keeps_the_model_guess():
    data = parse_with("det føles lidt mærkeligt", channel_detection(ask=["saddle_numbness"]))
    assert data["intent"] == {"name": "possible_red_flag", "confidence": 1.0}
    assert [entry["name"] for entry in data["intent_ranking"]][:2] == ["possible_red_flag", "describe_pain"]
    assert data[DETECTION_KEY]["ask"] == ["saddle_numbness"]


def test_a_flag_wins_over_ask():
    data = parse_with("x", channel_detection(flags=["trauma"], level="urgent", ask=["saddle_numbness"]))
    assert data["intent"]["name"] == "red_flag"


def test_a_failed_detection_asks_the_emergency_questions():
    data = parse_with("x", channel_detection(ask=["bladder_bowel", "saddle_numbness", "neuro_deficit"], failed=True))
    assert data["intent"]["name"] == "possible_red_flag"
    assert data[DETECTION_KEY]["failed"] is True


@pytest.mark.parametrize("metadata", [None, {}, {"clinic": {}}, {METADATA_KEY: "no flags"},
                                      {METADATA_KEY: {"flags": "bladder_bowel", "level": "none"}},
                                      {METADATA_KEY: {"flags": [], "level": "bogus"}}])
def test_without_a_well_formed_channel_detection_the_component_detects_itself(metadata):
    data = parse_with("jeg kan ikke holde på urinen", metadata)
    assert data["intent"]["name"] == "red_flag"
    assert data[DETECTION_KEY]["flags"] == ["bladder_bowel"]
