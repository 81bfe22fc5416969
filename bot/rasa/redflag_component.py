"""The deterministic red-flag hook in Rasa's NLU: the detector decides, not the ML model's guess.

Placed last in the pipeline (after FallbackClassifier) so nothing can overwrite it. For every
message it takes the detection the rygbot channel made of the whole message (in the message
metadata, see bot/rasa/detection.py), and runs `bot.redflags.detect` itself only when there is none
(`rasa shell`, story tests). A present flag sets the intent `red_flag`, categories to ask about
(`ask`) the intent `possible_red_flag`, each with confidence 1.0 (the model's intent stays in
`intent_ranking`); the rules escalate or ask. The detection goes into the parse data as
`red_flags` ({"flags", "level", "negated", "ask", "ruled_out", "failed"}), so the actions read the
same result from `tracker.latest_message` without running the detector again.
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

from bot.intents import DETECTOR_INTENTS, POSSIBLE_RED_FLAG_INTENT, RED_FLAG_INTENT
from bot.rasa.detection import DETECTION_KEY, detection_data, from_metadata
from bot.redflags import detect

logger = logging.getLogger(__name__)

# Where Rasa's NLUMessageConverter puts UserMessage.metadata in the NLU message.
METADATA = "metadata"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RedFlagClassifier(GraphComponent, IntentClassifier):
    """Sets the intent `red_flag` for a present red flag and `possible_red_flag` for one to ask about."""

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
        """Add the detection to each message; override the intent for a flag or a possible flag."""
        for message in messages:
            found = from_metadata(message.get(METADATA))
            if found is None:
                found = detection_data(detect(message.get(TEXT) or ""))
            message.set(DETECTION_KEY, found, add_to_output=True)
            if found["flags"]:
                _set_intent(message, RED_FLAG_INTENT)
                logger.debug("Red flag detected: level=%s categories=%s", found["level"], ",".join(found["flags"]))
            elif found["ask"]:
                _set_intent(message, POSSIBLE_RED_FLAG_INTENT)
                logger.debug("Possible red flag: categories=%s", ",".join(found["ask"]))
        return messages


def _set_intent(message: Message, name: str) -> None:
    intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    original: Optional[dict] = message.get(INTENT)
    ranking = [
        entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get(INTENT_NAME_KEY) not in DETECTOR_INTENTS
    ]
    if (
        original
        and original.get(INTENT_NAME_KEY)
        and original.get(INTENT_NAME_KEY) not in DETECTOR_INTENTS
        and not any(entry.get(INTENT_NAME_KEY) == original.get(INTENT_NAME_KEY) for entry in ranking)
    ):
        ranking.insert(0, dict(original))
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
