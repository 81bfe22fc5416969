"""Compile a `Catalogue` into spaCy Matchers plus the normaliser and token classes they rely on.

Every phrase becomes Matcher patterns over LEMMA (plain words), LOWER (``=ord``) and NORM, which the
detector sets to the token's pattern class (wildcards and numbers, see `TokenClasses`); NORM rather
than a ``token._`` extension because the Matcher compares it in C. Gaps are optional tokens that
never cross punctuation or a `gap_stop` word.

The first token of each pattern is a single value, and patterns are grouped by it into small
Matchers. A message runs only the groups whose first value occurs in it, so the cost follows the
message, not the size of the catalogue: one Matcher over all ~1,400 patterns spends ~0.4 ms on a
short message; the groups take a fraction of that. Red-flag phrases and context phrases (negation,
exclusions) are grouped apart, and the context runs only when a red-flag phrase was found.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from bot.redflags.catalogue import Catalogue, Pattern, Reading
from bot.redflags.normalise import Normaliser, TokenClasses
from bot.redflags.syntax import EXACT, LEMMA, NUMBER, WILDCARD, Choice, Gap, Phrase, Wildcard, Word

logger = logging.getLogger(__name__)

CLASS_ATTR = "NORM"

FLAG = "flag"
EXCLUDE = "exclude"
BEFORE = "before"
AFTER = "after"
HYPOTHETICAL = "hypothetical"
UNCERTAIN = "uncertain"
SCOPE_END = "scope_end"
READING = "reading"


@dataclass(frozen=True)
class Rule:
    """What one source phrase is for; the Matcher reports its `key`."""

    kind: str
    category: Optional[str]
    pattern: Pattern
    reading: Optional[Reading] = None

    @property
    def key(self) -> str:
        owner = self.reading.name if self.reading else self.category or ""
        return f"{self.kind}:{owner}:{self.pattern.line}:{self.pattern.text}"


# A token's values that a pattern's first token can ask for.
FirstKey = tuple[str, str]


@dataclass
class Compiled:
    catalogue: Catalogue
    flag_matchers: dict[FirstKey, Matcher]
    context_matchers: dict[FirstKey, Matcher]
    rules: dict[int, Rule]
    normaliser: Normaliser
    classes: TokenClasses

    def matches(self, doc: Doc, token_classes: list[str]) -> list[tuple[int, int, int]]:
        """(match id, start, end) of every pattern in `doc`; nothing when no red-flag phrase is in it."""
        keys = {("LEMMA", token.lemma_) for token in doc}
        keys.update(("LOWER", token.lower_) for token in doc)
        keys.update((CLASS_ATTR, value) for value in token_classes if value)
        found = _run(self.flag_matchers, keys, doc)
        if found:
            found.extend(_run(self.context_matchers, keys, doc))
        return found


def _run(matchers: dict[FirstKey, Matcher], keys: set[FirstKey], doc: Doc) -> list[tuple[int, int, int]]:
    found = []
    for key in keys:
        matcher = matchers.get(key)
        if matcher is not None:
            found.extend(matcher(doc))
    return found


def compile_catalogue(catalogue: Catalogue, nlp: Language, lemma_table: Any) -> Compiled:
    """Build the matcher for `catalogue`; raises ValueError when a phrase cannot be compiled."""
    language = catalogue.language
    rules = list(_rules(catalogue))
    words = [word for rule in rules for word in _words(rule.pattern.phrase)]
    wildcards = {word.wildcard for word in words if word.kind == WILDCARD and word.wildcard}
    normaliser = Normaliser(
        language.spellings,
        {lemma_table.get(w.value, w.value) for w in words if w.kind == LEMMA},
        wildcards,
        lemma_table,
        key_words={
            w.value for rule in rules if rule.kind == FLAG for w in _words(rule.pattern.phrase) if w.kind == LEMMA
        },
        word_order=language.word_order,
    )
    classes = TokenClasses(wildcards, language.numbers)
    lemmas = _lemmas(nlp, normaliser, {w.value for w in words if w.kind in (LEMMA, EXACT)})
    builder = _SpecBuilder(lemmas, classes, sorted(language.gap_stop))
    groups: dict[bool, dict[FirstKey, Matcher]] = {True: {}, False: {}}
    by_id: dict[int, Rule] = {}
    count = 0
    for rule in rules:
        matchers = groups[rule.kind == FLAG]
        for pattern in builder.patterns(rule.pattern.phrase):
            key = _first_key(pattern[0])
            if key not in matchers:
                # The compiler writes the patterns; spaCy's schema check would add ~1 s per reload.
                matchers[key] = Matcher(nlp.vocab, validate=False)
            matchers[key].add(rule.key, [pattern])
            count += 1
        by_id[nlp.vocab.strings.add(rule.key)] = rule
    logger.info("Red-flag patterns compiled: %d phrases, %d patterns", len(rules), count)
    return Compiled(catalogue, groups[True], groups[False], by_id, normaliser, classes)


def _first_key(spec: dict) -> FirstKey:
    return _leaf(spec)


def _rules(catalogue: Catalogue) -> Iterator[Rule]:
    for category in catalogue.categories.values():
        yield from (Rule(FLAG, category.name, p) for p in category.patterns)
        yield from (Rule(EXCLUDE, category.name, p) for p in category.exclude)
    language = catalogue.language
    for kind, patterns in (
        (BEFORE, language.before),
        (AFTER, language.after),
        (HYPOTHETICAL, language.hypothetical),
        (UNCERTAIN, language.uncertain),
        (SCOPE_END, language.scope_end),
    ):
        yield from (Rule(kind, None, p) for p in patterns)
    for reading in language.readings:
        yield from (Rule(READING, None, p, reading) for p in reading.cues)


def _words(phrase: Phrase) -> Iterator[Word]:
    for slot in phrase:
        if isinstance(slot, Choice):
            for option in slot.options:
                yield from option


def _lemmas(nlp: Language, normaliser: Normaliser, words: set[str]) -> dict[str, list[tuple[str, str]]]:
    """Each pattern word as the detector will see it: a list of (lemma, lower) tokens."""
    ordered = sorted(words)
    texts = [normaliser.text(word) for word in ordered]
    disabled = [name for name in nlp.pipe_names if name in ("parser", "ner")]
    result = {}
    for word, doc in zip(ordered, nlp.pipe(texts, disable=disabled), strict=True):
        if len(doc) == 0:
            raise ValueError(f"the pattern word '{word}' is empty after normalisation")
        result[word] = [(token.lemma_.lower() or token.lower_, token.lower_) for token in doc]
    return result


class _SpecBuilder:
    """Matcher token specs for phrases."""

    def __init__(self, lemmas: dict[str, list[tuple[str, str]]], classes: TokenClasses, gap_stop: list[str]):
        self._lemmas = lemmas
        self._classes = classes
        self._gap = {"IS_PUNCT": False, "IS_SPACE": False, "LOWER": {"NOT_IN": gap_stop}, "OP": "?"}

    def patterns(self, phrase: Phrase) -> list[list[dict]]:
        variants_per_slot = []
        for index, slot in enumerate(phrase):
            if isinstance(slot, Gap):
                variants_per_slot.append([[dict(self._gap) for _ in range(slot.size)]])
            else:
                variants_per_slot.append(self._choice(slot, first=index == 0))
        return [list(itertools.chain.from_iterable(parts)) for parts in itertools.product(*variants_per_slot)]

    def _choice(self, choice: Choice, first: bool) -> list[list[dict]]:
        """Spec sequences for one slot; single-token options are merged per attribute unless first."""
        sequences: list[list[dict]] = []
        merged: dict[str, list[str]] = {}
        for option in choice.options:
            specs = [spec for word in option for spec in self._word(word)]
            if len(specs) == 1 and not first:
                name, value = _leaf(specs[0])
                merged.setdefault(name, []).extend(value if isinstance(value, list) else [value])
            else:
                sequences.extend(_split_in(specs) if first else [specs])
        for name, values in merged.items():
            unique = sorted(set(values))
            sequences.append([{name: unique[0] if len(unique) == 1 else {"IN": unique}}])
        return sequences

    def _word(self, word: Word) -> list[dict]:
        if word.kind == LEMMA:
            tokens = self._lemmas[word.value]
            if len(tokens) == 1:
                # The word itself counts as a lemma too: the lookup table lemmatizes a lone "have"
                # as "hav" (sea), while "har" and "haft" in a sentence become "have".
                lemma, lower = tokens[0]
                values = sorted({lemma, lower})
                return [{"LEMMA": values[0] if len(values) == 1 else {"IN": values}}]
            return [{"LEMMA": lemma} for lemma, _ in tokens]
        if word.kind == EXACT:
            return [{"LOWER": lower} for _, lower in self._lemmas[word.value]]
        if word.kind == NUMBER:
            return [{CLASS_ATTR: f"#{word.value}"}]
        assert isinstance(word.wildcard, Wildcard)
        keys = self._classes.implied_by(word.wildcard)
        return [{CLASS_ATTR: keys[0] if len(keys) == 1 else {"IN": keys}}]


def _leaf(spec: dict) -> tuple[str, Any]:
    ((name, value),) = spec.items()
    return name, value["IN"] if isinstance(value, dict) else value


def _split_in(specs: list[dict]) -> list[list[dict]]:
    """Expand an IN set in the first spec into one sequence per value (C-speed first token)."""
    name, value = _leaf(specs[0])
    if not isinstance(value, list):
        return [specs]
    return [[{name: v}, *specs[1:]] for v in value]
