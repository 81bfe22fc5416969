"""Rasa's SpacyTokenizer on the process's one Danish pipeline, shared with the red-flag detector.

Rasa's SpacyNLP would load a second copy of the pipeline from disk (about 120 MB, mostly the lemma
tables) beside the one `bot.nlp.get_nlp` gives the detector. This tokenizer asks that one pipeline
instead, and makes the tokens exactly as SpacyNLP and SpacyTokenizer do: the text in lower case
(SpacyNLP with case_sensitive false), the parser left out, SpacyTokenizer's tokens and lemmas.
"""

from __future__ import annotations

import typing
from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.nlp import get_nlp

if typing.TYPE_CHECKING:
    from spacy.tokens.doc import Doc

# What SpacyNLP loads without.
LEFT_OUT = ["parser"]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class DanishTokenizer(SpacyTokenizer):
    """SpacyTokenizer without SpacyNLP: the doc comes from `bot.nlp.get_nlp()`."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return []

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SpacyTokenizer.get_default_config(), "case_sensitive": False}

    def _get_doc(self, message: Message, attribute: Text) -> Optional["Doc"]:
        text = message.get(attribute)
        if not text:
            return None
        return get_nlp()(text if self._config.get("case_sensitive") else text.lower(), disable=LEFT_OUT)
