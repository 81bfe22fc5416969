"""The deterministic red-flag hook in Rasa's NLU: the detector decides, not the ML model's guess.

Placed last in the pipeline (after FallbackClassifier) so nothing can overwrite it. On every
message it runs `bot.redflags.detect`; when a flag is present it sets the intent `red_flag` with
confidence 1.0 (the model's intent stays in `intent_ranking`), and the rules escalate. The whole
detection goes into the parse data as `red_flags` ({"flags", "level", "negated", "ruled_out"}), so the actions
read the same result from `tracker.latest_message` without running the detector again (see
bot/rasa/detection.py for the format).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa.detection import DETECTION_KEY, RED_FLAG_INTENT, to_parse_data
from bot.redflags import detect

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RedFlagClassifier(GraphComponent, IntentClassifier):
    """Sets the intent `red_flag` whenever the red-flag detector finds a present flag."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return []

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagClassifier:
        # Load the detector's language pipeline and patterns now, with the model, so the first
        # patient does not wait seconds for them.
        detect("ondt i ryggen")
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Add the detection to each message; override the intent when a flag is present."""
        for message in messages:
            detection = detect(message.get(TEXT) or "")
            message.set(DETECTION_KEY, to_parse_data(detection), add_to_output=True)
            if detection.flags:
                _set_red_flag_intent(message)
                logger.debug("Red flag detected: level=%s categories=%s", detection.level, ",".join(detection.flags))
        return messages


def _set_red_flag_intent(message: Message) -> None:
    intent = {INTENT_NAME_KEY: RED_FLAG_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
    original: Optional[dict] = message.get(INTENT)
    ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get(INTENT_NAME_KEY) != RED_FLAG_INTENT]
    if original and original.get(INTENT_NAME_KEY) and not any(
        entry.get(INTENT_NAME_KEY) == original.get(INTENT_NAME_KEY) for entry in ranking
    ):
        ranking.insert(0, dict(original))
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
