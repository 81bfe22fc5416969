"""Find red flags in what a patient writes: `detect(text)` -> `Detection`.

One `Detector` per catalogue file; `detect()` uses the process-wide one on content/redflags.yml.
The catalogue is checked for edits on every call and the Matcher rebuilt when it changed. `detect`
never raises: on an internal error it logs (never the text) and returns `failed=True` with the
emergency categories to ask about, so a failure is never read as "nothing".
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from bot.nlp import detector_disabled, get_lemma_table, get_nlp
from bot.redflags.catalogue import EMERGENCY_CATEGORIES, LANGUAGE_FILE, default_path, get_catalogue
from bot.redflags.recall import MENTION, RecallModel, get_model
from bot.redflags.status import ASK, CONTEXT, EXCLUDED, NEGATED, PRESENT, Status
from bot.triage import NONE, Level, level_for_flags

if TYPE_CHECKING:
    from bot.redflags.compiler import Compiled

logger = logging.getLogger(__name__)

# Longer input is read in chunks, cut after a sentence where possible, so negation keeps its context.
CHUNK_CHARS = 200_000


@dataclass(frozen=True)
class Match:
    """One red-flag mention, for audit: what decided its status and which phrase found it.

    `text`, `start` and `end` refer to the normalised text (lower case, æøå restored).
    """

    category: str
    text: str
    start: int
    end: int
    status: Status
    pattern: str
    line: int
    because: Optional[str] = None

    def explain(self) -> str:
        """The decision in plain words for clinicians editing the patterns."""
        found = f"«{self.text}» → {self.category}"
        source = f"mønster \"{self.pattern}\", linje {self.line}"
        if self.status == NEGATED:
            return f"{found}: nægtet af «{self.because}» ({source})"
        if self.status == EXCLUDED:
            return f"{found}: udelukket af «{self.because}» ({source})"
        if self.status == ASK:
            return f"{found}: måske, spørg, pga. «{self.because}» ({source})"
        if self.status == CONTEXT:
            return f"{found}: gælder ikke patienten nu, pga. «{self.because}» ({source})"
        if self.because:
            return f"{found}: til stede, også med «{self.because}» ({source})"
        return f"{found}: til stede ({source})"


@dataclass(frozen=True)
class Detection:
    """The three outcomes of DESIGN.md: `flags` (certain: escalate), `ask` (possible: ask the matching
    screening question at once) and nothing; plus the negated or excluded categories, the triage
    level (of `flags` only) and the matches for audit. All category lists are in catalogue order."""

    flags: tuple[str, ...] = ()
    negated: tuple[str, ...] = ()
    level: Level = NONE
    matches: tuple[Match, ...] = field(default=(), repr=False)
    failed: bool = False
    ask: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"flags": list(self.flags), "level": self.level, "negated": list(self.negated), "ask": list(self.ask)}


class Detector:
    """Red-flag detection against the catalogue at `catalogue_path` (default content/redflags.yml)."""

    def __init__(self, catalogue_path: Path | str | None = None, use_recall: bool = True):
        self._path = Path(catalogue_path) if catalogue_path is not None else None
        self._use_recall = use_recall
        self._lock = threading.Lock()
        self._compiled: Optional["Compiled"] = None
        self._disabled: list[str] | None = None
        self._uncompilable: object = None

    def detect(self, text: object) -> Detection:
        """Red flags in `text`; any object is accepted and nothing is ever raised."""
        try:
            return self._detect(_as_text(text))
        except Exception as error:  # the detector must never take a conversation down
            frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
            where = f"{Path(frame.filename).name}:{frame.lineno}" if frame else "?"
            logger.error("Red-flag detection failed: %s at %s", type(error).__name__, where)
            return Detection(failed=True, ask=EMERGENCY_CATEGORIES)

    def compiled(self) -> "Compiled":
        """The matcher for the current catalogue, rebuilt when the catalogue changed."""
        if self._path is None:
            self._path = default_path()
        catalogue = get_catalogue(self._path)
        current = self._compiled
        if current is not None and current.catalogue is catalogue:
            return current
        with self._lock:
            stale = self._compiled is None or self._compiled.catalogue is not catalogue
            if stale and catalogue is not self._uncompilable:
                # spaCy loads with the compiler, on first use: the action server imports this
                # package for the catalogue alone.
                from bot.redflags.compiler import compile_catalogue

                try:
                    self._compiled = compile_catalogue(catalogue, get_nlp(), get_lemma_table())
                except Exception as error:
                    if self._compiled is None:
                        raise
                    self._uncompilable = catalogue  # retried when the files change again
                    logger.error("Red-flag patterns not recompiled, keeping the last good ones: %s", error)
            compiled = self._compiled
        assert compiled is not None  # a first compile that fails raises above
        return compiled

    def _detect(self, text: str) -> Detection:
        compiled = self.compiled()
        normalised = compiled.normaliser.text(text)
        matches = self._all_matches(compiled, normalised)
        order = list(compiled.catalogue.categories)
        present = {m.category for m in matches if m.status == PRESENT}
        decided = {m.category for m in matches}
        # Misspelt key words and the recall layer only add questions, and never about what the
        # patterns read in context: "ingen feber" is not asked about because a model saw "feber".
        # Where the learned context reading doubts the patterns' flags, they are asked about instead.
        # A flag the catalogue keeps in its context ("kræft for 20 år siden") is not open to doubt.
        kept = {m.category for m in matches if m.status == PRESENT and m.because is not None}
        context = _masked(normalised, matches) if present - kept else None
        noticed, doubted, failed = self._recall(text, context)
        noticed |= self._near_misses(compiled, text, normalised)
        possible = {m.category for m in matches if m.status == ASK} | (noticed - decided)
        if doubted:
            possible |= present - kept
            present &= kept
        possible -= present
        negated = decided - present - possible
        flags = tuple(name for name in order if name in present)
        return Detection(
            flags=flags,
            negated=tuple(name for name in order if name in negated),
            level=level_for_flags(flags, compiled.catalogue.level_of),
            matches=tuple(matches),
            failed=failed,
            ask=tuple(name for name in order if name in possible),
        )

    def _near_misses(self, compiled: "Compiled", text: str, normalised: str) -> set[str]:
        """Categories found only once misspelt key words are put right ("inkontines")."""
        tolerant = compiled.normaliser.tolerant(text)
        if tolerant == normalised:
            return set()
        return {m.category for m in self._all_matches(compiled, tolerant) if m.status in (PRESENT, ASK)}

    def recall_model(self) -> Optional[RecallModel]:
        """The recall layer, trained on first use with this detector's patterns marking the mentions."""
        return get_model(self) if self._use_recall else None

    def context_text(self, text: str) -> str:
        """`text` as the recall layer's context head reads it: each pattern mention replaced."""
        compiled = self.compiled()
        normalised = compiled.normaliser.text(text)
        return _masked(normalised, self._all_matches(compiled, normalised))

    def sources(self) -> list[Path]:
        """The pattern files that decide where the mentions are."""
        path = self._path if self._path is not None else default_path()
        return [path, path.with_name(LANGUAGE_FILE)]

    def _recall(self, text: str, context: Optional[str]) -> tuple[set[str], bool, bool]:
        """(categories the recall layer notices, whether it doubts the patterns' flags, failed), given
        the message and, when the patterns flagged something, its `context` text. On failure: the
        emergency categories, no doubt (the patterns still decide), and failed=True."""
        if not self._use_recall or not text.strip():
            return set(), False, False
        try:
            model = self.recall_model()
            if model is None:
                return set(), False, False
            return set(model.possible(text)), context is not None and model.doubts(context), False
        except Exception as error:  # the patterns still decide; the emergencies are asked about
            logger.error("Red-flag recall layer failed: %s", type(error).__name__)
            return set(EMERGENCY_CATEGORIES), False, True

    def _all_matches(self, compiled: "Compiled", normalised: str) -> list[Match]:
        return [m for chunk, offset in _chunks(normalised) for m in self._matches(compiled, chunk, offset)]

    def _matches(self, compiled: "Compiled", text: str, offset: int) -> list[Match]:
        from bot.redflags.compiler import EXCLUDE
        from bot.redflags.negation import Hit, decide

        if not text:
            return []
        if self._disabled is None:
            self._disabled = detector_disabled()
        doc = get_nlp()(text, disable=self._disabled)
        token_classes = [compiled.classes.of(token.lower_) for token in doc]
        for token, token_class in zip(doc, token_classes, strict=True):
            if token_class:
                token.norm_ = token_class
        rules = compiled.rules
        # One hit per phrase and start: the shortest for red-flag and cue phrases, the longest for
        # exclusions, which must cover the whole mention ("min far fik stråler for prostatakræft").
        chosen: dict[tuple[int, int], Hit] = {}
        for key, start, end in compiled.matches(doc, token_classes):
            known = chosen.get((key, start))
            longest = rules[key].kind == EXCLUDE
            if known is None or (end > known.end if longest else end < known.end):
                chosen[(key, start)] = Hit(start, end, rules[key])
        catalogue = compiled.catalogue
        language = catalogue.language
        decisions = decide(doc, list(chosen.values()), language.clause_start, catalogue.outcome, language.first_person)
        return [
            Match(
                category=d.hit.rule.category or "",
                text=doc[d.hit.start : d.hit.end].text,
                start=offset + doc[d.hit.start].idx,
                end=offset + doc[d.hit.end - 1].idx + len(doc[d.hit.end - 1]),
                status=d.status,
                pattern=d.hit.rule.pattern.text,
                line=d.hit.rule.pattern.line,
                because=doc[d.because.start : d.because.end].text if d.because else None,
            )
            for d in decisions
        ]


def _masked(normalised: str, matches: list[Match]) -> str:
    """The normalised text with each match's span replaced by `MENTION` (overlaps merged)."""
    pieces, last = [], 0
    for start, end in sorted({(m.start, m.end) for m in matches}):
        if start < last:
            last = max(last, end)
            continue
        pieces += [normalised[last:start], f" {MENTION} "]
        last = end
    pieces.append(normalised[last:])
    return "".join(pieces)


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def _chunks(text: str) -> list[tuple[str, int]]:
    """Pieces of at most CHUNK_CHARS with their offsets, cut after ". " or else at a space."""
    chunks, start = [], 0
    while len(text) - start > CHUNK_CHARS:
        cut = text.rfind(". ", start, start + CHUNK_CHARS) + 1 or text.rfind(" ", start, start + CHUNK_CHARS)
        cut = cut if cut > start else start + CHUNK_CHARS
        chunks.append((text[start:cut], start))
        start = cut
    chunks.append((text[start:], start))
    return chunks


_default: Optional[Detector] = None
_default_lock = threading.Lock()


def default_detector() -> Detector:
    """The process-wide detector on content/redflags.yml."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Detector()
    return _default


def detect(text: object) -> Detection:
    """Red flags in `text` against content/redflags.yml. Never raises."""
    return default_detector().detect(text)
