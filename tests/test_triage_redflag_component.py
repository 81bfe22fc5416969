"""The deterministic red-flag hook in the NLU pipeline (bot/rasa/redflag_component.py)."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from bot.rasa.detection import DETECTION_KEY
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
    data = parse("ondt i ryggen, men ingen feber, og min mor havde kræft")
    assert data["intent"]["name"] == "describe_pain"
    assert data[DETECTION_KEY]["flags"] == []
    assert data[DETECTION_KEY]["ruled_out"] == ["infection"]
    assert set(data[DETECTION_KEY]["negated"]) == {"infection", "cancer"}
