"""The phrase syntax of content/redflags.yml and content/redflags-language.yml.

A phrase is what a clinician writes, e.g. ``"kan ikke ... tisse|(lade vandet)"``: words separated by
spaces, where each slot is one of

- ``ord``          the word in any inflection (matched on its lemma),
- ``=ord``         exactly this form,
- ``ord*``, ``*ord``, ``*ord*``  a word that begins with, ends with or contains ``ord`` (compounds),
- ``#navn``        a number in the range ``navn`` of the language file,
- ``a|b|(c d)``    one of several alternatives, where a parenthesised group is several words in a row,
- ``...`` / ``...N``  up to 3 / N other words in between.

Parsing only checks the syntax; `bot.redflags.compiler` turns phrases into spaCy Matcher patterns.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Union

DEFAULT_GAP = 3
MAX_GAP = 10
MIN_WILDCARD_STEM = 3

PREFIX = "prefix"
SUFFIX = "suffix"
INFIX = "infix"

LEMMA = "lemma"
EXACT = "exact"
WILDCARD = "wildcard"
NUMBER = "number"

_GAP = re.compile(r"^\.\.\.(\d*)$")
_FOLD_DIGRAPHS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "é": "e", "ü": "u"})
_FORBIDDEN = set("()|")


class PhraseError(ValueError):
    """A phrase cannot be read; the message says in Danish what to change."""


def fold(word: str) -> str:
    """Spell æ, ø, å as ae, oe, aa so that words typed without them compare equal."""
    return word.translate(_FOLD_DIGRAPHS)


def clean(word: str) -> str:
    """Lower case and Unicode NFC, the form every word is compared in."""
    return unicodedata.normalize("NFC", word).lower()


@dataclass(frozen=True)
class Wildcard:
    """A word pattern with `*`: matches words that begin with, end with or contain `stem` (folded)."""

    kind: str
    stem: str

    @property
    def key(self) -> str:
        return {PREFIX: f"{self.stem}*", SUFFIX: f"*{self.stem}", INFIX: f"*{self.stem}*"}[self.kind]

    def matches(self, folded_word: str) -> bool:
        if self.kind == PREFIX:
            return folded_word.startswith(self.stem)
        if self.kind == SUFFIX:
            return folded_word.endswith(self.stem)
        return self.stem in folded_word

    def implies(self, other: "Wildcard") -> bool:
        """True when every word this wildcard matches is also matched by `other`."""
        if other.kind == INFIX:
            return other.stem in self.stem
        if other.kind != self.kind:
            return False
        if self.kind == PREFIX:
            return self.stem.startswith(other.stem)
        return self.stem.endswith(other.stem)


@dataclass(frozen=True)
class Word:
    """One word slot: `kind` is lemma, exact, wildcard or number; `value` the cleaned text or name."""

    kind: str
    value: str
    wildcard: Wildcard | None = None


@dataclass(frozen=True)
class Choice:
    """Alternatives for one position; each option is one word or a group of words in a row."""

    options: tuple[tuple[Word, ...], ...]


@dataclass(frozen=True)
class Gap:
    """Up to `size` other words between two slots."""

    size: int


Slot = Union[Choice, Gap]
Phrase = tuple[Slot, ...]


def parse_phrase(text: str) -> Phrase:
    """Parse one phrase; raises `PhraseError` with a Danish message."""
    if not isinstance(text, str) or not text.strip():
        raise PhraseError("vendingen er tom")
    slots: list[Slot] = []
    for raw in _split_slots(text.strip()):
        gap = _GAP.match(raw)
        if gap:
            size = int(gap.group(1)) if gap.group(1) else DEFAULT_GAP
            if not 1 <= size <= MAX_GAP:
                raise PhraseError(f"'{raw}': et mellemrum skal være mellem ...1 og ...{MAX_GAP}")
            if not slots or isinstance(slots[-1], Gap):
                raise PhraseError("'...' skal stå mellem to ord")
            slots.append(Gap(size))
        else:
            slots.append(Choice(tuple(_parse_option(option, raw) for option in raw.split("|"))))
    if isinstance(slots[-1], Gap):
        raise PhraseError("'...' skal stå mellem to ord, ikke til sidst")
    return tuple(slots)


def _split_slots(text: str) -> list[str]:
    """Split on spaces outside parentheses."""
    slots: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
            if depth > 1:
                raise PhraseError("parenteser kan ikke stå inde i hinanden")
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise PhraseError("der er en ')' uden en '(' foran")
        if char.isspace() and depth == 0:
            if current:
                slots.append("".join(current))
                current = []
        else:
            current.append(char)
    if depth:
        raise PhraseError("der mangler en ')'")
    if current:
        slots.append("".join(current))
    return slots


def _parse_option(option: str, slot: str) -> tuple[Word, ...]:
    if not option:
        raise PhraseError(f"'{slot}': der står en | uden et ord på begge sider")
    if option.startswith("("):
        if not option.endswith(")") or len(option) < 3:
            raise PhraseError(f"'{slot}': en gruppe skrives (ord ord), uden noget efter ')'")
        words = option[1:-1].split()
        if any(_GAP.match(word) for word in words):
            raise PhraseError(f"'{slot}': '...' kan ikke stå inde i en parentes")
        return tuple(_parse_word(word) for word in words)
    return (_parse_word(option),)


def _parse_word(raw: str) -> Word:
    if _FORBIDDEN & set(raw):
        raise PhraseError(f"'{raw}': ( ) og | skal stå mellem hele ord")
    word = clean(raw)
    if word.startswith("#"):
        if len(word) < 2:
            raise PhraseError("'#' skal efterfølges af navnet på et talinterval, fx #feber")
        return Word(NUMBER, word[1:])
    if word.startswith("="):
        if len(word) < 2 or "*" in word:
            raise PhraseError(f"'{raw}': skriv =ord, uden stjerne")
        return Word(EXACT, word[1:])
    if "*" in word:
        return Word(WILDCARD, word, _parse_wildcard(raw, word))
    return Word(LEMMA, word)


def _parse_wildcard(raw: str, word: str) -> Wildcard:
    starts, ends = word.startswith("*"), word.endswith("*")
    stem = word.strip("*")
    if "*" in stem:
        raise PhraseError(f"'{raw}': en stjerne kan kun stå først og/eller sidst i ordet")
    if len(stem) < MIN_WILDCARD_STEM:
        raise PhraseError(f"'{raw}': skriv mindst {MIN_WILDCARD_STEM} bogstaver ud over stjernen")
    kind = INFIX if starts and ends else SUFFIX if starts else PREFIX
    return Wildcard(kind, fold(stem))
