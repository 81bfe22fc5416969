"""Turn what a patient typed into the text the detector reads, and give tokens their pattern classes.

Patients type fast on phones: no æøå ("foelelsesloes", "afforing"), typos ("skridet"), HTML pasted from
somewhere, numbers glued to units ("39,5grader"). Everything here is cached per distinct word, so the
cost per message stays a few dictionary lookups.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Optional

from bot.redflags.syntax import INFIX, PREFIX, Wildcard, fold

WORD_CACHE_SIZE = 50_000
MAX_CANDIDATES = 256
# Shorter words are too easily one letter from another word to be put right.
MIN_NEAR_MISS = 6

_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ud800-\udfff\ufeff-\uffff]"
)
_TAG = re.compile(r"<[^<>]{0,300}>")
_NEWLINES = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")
_DEGREES = re.compile(r"°\s*c?\b|\bgr\.")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"^\d{1,4}(?:[.,]\d{1,2})?$")
# A word-final apostrophe marks a dropped letter ("ik'", "komm'"): read the word without it, so
# "har ik' feber" is "har ikke feber" and not a tag "ikke '".
_ELISION = re.compile(r"(?<=[^\W\d_])'(?![^\W\d_])")
_CHARS = str.maketrans({"ö": "ø", "ä": "æ", "’": "'", "`": "'", "´": "'"})

# How a letter may have been typed when æ, ø or å was meant: a digraph or a plain vowel.
_DIGRAPHS = {"ae": ("ae", "æ"), "oe": ("oe", "ø"), "aa": ("aa", "å")}
_LETTERS = {"a": ("a", "æ", "å"), "o": ("o", "ø")}


class Normaliser:
    """Lower case, NFC, clean-up, spellings table and æøå restoration.

    A word without æøå that is not a Danish word is replaced by the first spelling with æøå that is
    a word the patterns care about (its lemma is in `vocabulary`, or a wildcard matches it), so
    "afforingen" becomes "afføringen" but ordinary typos are left alone.
    """

    def __init__(
        self,
        spellings: dict[str, str],
        vocabulary: Iterable[str],
        wildcards: Iterable[Wildcard],
        lemma_table: Any,
        key_words: Iterable[str] = (),
        word_order: Optional["WordOrder"] = None,
    ):
        self._spellings = spellings
        self._word_order = word_order.pattern() if word_order is not None else None
        # Two-word spellings read a word by its neighbour: jysk "a er it faldet" ("it" is "ikke" only
        # after a verb or "a"/"æ"; alone it is English).
        self._phrases = {written: right for written, right in spellings.items() if " " in written}
        self._phrase = (
            re.compile(r"\b(?:" + "|".join(re.escape(written) for written in self._phrases) + r")(?![\w-])")
            if self._phrases
            else None
        )
        self._vocabulary = frozenset(vocabulary)
        self._wildcards = tuple(wildcards)
        self._lemmas = lemma_table
        self._near_misses = _NearMisses(key_words, (w.stem for w in self._wildcards if w.kind == PREFIX))
        self.word: Callable[[str], str] = lru_cache(maxsize=WORD_CACHE_SIZE)(self._word)
        self.tolerant_word: Callable[[str], str] = lru_cache(maxsize=WORD_CACHE_SIZE)(self._tolerant_word)

    def tolerant(self, raw: str) -> str:
        """`text(raw)` with misspelt key words also put right ("inkontines" -> "inkontinen…"): one
        letter wrong, missing, extra or swapped, in a word that is not Danish. What only this reading
        finds is a possible flag, never a certain one."""
        return self.text(raw, self.tolerant_word)

    def text(self, raw: str, word: Optional[Callable[[str], str]] = None) -> str:
        """The cleaned, lower-case text; newlines become sentence ends."""
        text = unicodedata.normalize("NFC", raw).lower().translate(_CHARS)
        if "'" in text:
            text = _ELISION.sub("", text)
        if "&" in text:
            text = html.unescape(text)
        if "<" in text:
            text = _TAG.sub(" ", text)
        text = _CONTROL.sub(" ", text)
        text = _NEWLINES.sub(" . ", text)
        text = _DEGREES.sub(" grader ", text)
        text = _DIGIT_LETTER.sub(" ", text)
        if self._phrase is not None:
            text = self._phrase.sub(lambda match: self._phrases[match.group()], text)
        if self._word_order is not None:
            text = self._word_order.sub(r"\2 \1 ", text)
        fix = word or self.word
        text = _WORD.sub(lambda match: fix(match.group()), text)
        return _SPACES.sub(" ", text).strip()

    def _tolerant_word(self, word: str) -> str:
        fixed = self.word(word)
        if fixed != word or len(word) < MIN_NEAR_MISS or word in self._lemmas:
            return fixed
        return self._near_misses.fix(word) or word

    def _word(self, word: str) -> str:
        spelled = self._spellings.get(word)
        if spelled is not None:
            return spelled
        if len(word) < 3 or not word.isascii() or word in self._lemmas:
            return word
        candidates = _candidates(word)
        for candidate in candidates:
            if candidate in self._lemmas and self._lemmas.get(candidate) in self._vocabulary:
                return candidate
        # Wildcards compare folded words, so "vaegten" already matches "vægt*"; it is checked after
        # the lemmas above so that plain-word patterns ("vægt", "død") see the æøå spelling too.
        if any(wildcard.matches(fold(word)) for wildcard in self._wildcards):
            return word
        known = [candidate for candidate in candidates if candidate in self._lemmas]
        for candidate in known + candidates:
            if any(wildcard.matches(fold(candidate)) for wildcard in self._wildcards):
                return candidate
        return word


@dataclass(frozen=True)
class WordOrder:
    """Inverted word order put straight: after a time word Danish puts the verb first ("i dag kan
    jeg ikke løfte foden"); read as "jeg kan ikke løfte foden", so the patterns for "kan ikke …"
    find it. Only a verb, a subject and a negation in a row are swapped."""

    verbs: frozenset[str]
    subjects: frozenset[str]
    negations: frozenset[str]

    def pattern(self) -> Optional[re.Pattern[str]]:
        if not (self.verbs and self.subjects and self.negations):
            return None

        def one_of(words: frozenset[str]) -> str:
            return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))

        return re.compile(
            rf"(?<![\w-])({one_of(self.verbs)}) ({one_of(self.subjects)}) (?=(?:{one_of(self.negations)})(?![\w-]))"
        )


class _NearMisses:
    """Key words and prefix stems of the patterns, found again one edit away (a deletion index:
    every word and stem is stored under itself and each form with one letter left out)."""

    def __init__(self, words: Iterable[str], stems: Iterable[str]):
        self._words: dict[str, set[str]] = {}
        self._stems: dict[str, set[str]] = {}
        for word in words:
            if len(word) >= MIN_NEAR_MISS:
                _index_deletions(self._words, fold(word), word)
        for stem in stems:
            if len(stem) >= MIN_NEAR_MISS:
                _index_deletions(self._stems, stem, stem)

    def fix(self, word: str) -> Optional[str]:
        folded = fold(word)
        whole = _lookup(self._words, folded)
        if whole is not None:
            return whole
        for length in range(MIN_NEAR_MISS - 1, len(folded) + 1):
            stem = _lookup(self._stems, folded[:length])
            if stem is not None:
                return stem + folded[length:]
        return None


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _index_deletions(index: dict[str, set[str]], key: str, value: str) -> None:
    for form in {key, *_deletions(key)}:
        index.setdefault(form, set()).add(value)


def _lookup(index: dict[str, set[str]], word: str) -> Optional[str]:
    """The one indexed value one edit from `word` (none, or several: no guess)."""
    found: set[str] = set()
    for form in {word, *_deletions(word)}:
        found |= index.get(form, set())
    return next(iter(found)) if len(found) == 1 else None


def _candidates(word: str) -> list[str]:
    """Spellings of `word` with æ, ø, å put back, fewest changes first (the word itself excluded)."""
    choices = _choices(word, letters=True)
    if _count(choices) > MAX_CANDIDATES:
        choices = _choices(word, letters=False)
        if _count(choices) > MAX_CANDIDATES:
            return []
    spellings = sorted(itertools.product(*choices), key=lambda parts: sum(part in "æøå" for part in parts))
    return ["".join(parts) for parts in spellings[1:]]


def _choices(word: str, letters: bool) -> list[tuple[str, ...]]:
    choices: list[tuple[str, ...]] = []
    i = 0
    while i < len(word):
        pair = word[i : i + 2]
        if pair in _DIGRAPHS:
            choices.append(_DIGRAPHS[pair])
            i += 2
            continue
        choices.append(_LETTERS.get(word[i], (word[i],)) if letters else (word[i],))
        i += 1
    return choices


def _count(choices: list[tuple[str, ...]]) -> int:
    count = 1
    for options in choices:
        count *= len(options)
    return count


class TokenClasses:
    """The class a token gets for wildcard and number patterns: the most specific wildcard it
    matches (``*kræft*``), or a number range (``#feber``), or nothing.

    One class per token keeps the spaCy Matcher comparing plain values. A word that matches two
    wildcards gets the more specific one; a pattern word accepts every wildcard that implies it
    (`implied_by`), so "brystkræften" with class ``bryst*`` is not lost to ``*kræft*`` as long as one
    of the two implies the other.
    """

    def __init__(self, wildcards: Iterable[Wildcard], numbers: dict[str, tuple[float, float]]):
        self._wildcards = sorted(set(wildcards), key=lambda w: (-len(w.stem), w.kind == INFIX, w.key))
        self._numbers = tuple(numbers.items())
        self.of: Callable[[str], str] = lru_cache(maxsize=WORD_CACHE_SIZE)(self._of)

    def implied_by(self, wildcard: Wildcard) -> list[str]:
        """Class values a token may carry and still match `wildcard`."""
        return [other.key for other in self._wildcards if other.implies(wildcard)]

    def _of(self, word: str) -> str:
        if word[:1].isdigit() and _NUMBER.match(word):
            value = float(word.replace(",", "."))
            for name, (low, high) in self._numbers:
                if low <= value <= high:
                    return f"#{name}"
            return ""
        folded = fold(word)
        for wildcard in self._wildcards:
            if wildcard.matches(folded):
                return wildcard.key
        return ""
