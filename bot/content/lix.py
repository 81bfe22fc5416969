"""LIX, the Scandinavian readability index: words per sentence + percentage of long words.

LIX = words / sentences + 100 * long_words / words, where a long word has more than six letters.
Under 25 is very easy, 25-35 easy (the target for patient texts), 35-45 medium.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

MAX_LIX = 35
LONG_WORD_LETTERS = 6

# Letters only (numbers are not words); a hyphen joins the parts of one word, as in "MR-scanning".
WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# A sentence ends at . ! ? or : before a space or the end (so "1.804" does not end one).
SENTENCE_END_RE = re.compile(r"[.!?:]+[\"'»”)]*(?=\s|$)")


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    long_words: int

    @property
    def lix(self) -> float:
        if not self.words:
            return 0.0
        return self.words / max(self.sentences, 1) + 100 * self.long_words / self.words


def readability(units: Iterable[str]) -> Readability:
    """Count words, sentences and long words; each unit (heading, list item, paragraph) ends a
    sentence even without a full stop, as a reader pauses there too."""
    words = sentences = long_words = 0
    for unit in units:
        for sentence in SENTENCE_END_RE.split(unit):
            sentence_words = WORD_RE.findall(sentence)
            if sentence_words:
                sentences += 1
                words += len(sentence_words)
                long_words += sum(1 for w in sentence_words if _letters(w) > LONG_WORD_LETTERS)
    return Readability(words, sentences, long_words)


def _letters(word: str) -> int:
    return len(word.replace("-", ""))


def lix(text: str) -> float:
    """LIX of a plain text (one unit)."""
    return readability([text]).lix
