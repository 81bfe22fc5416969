"""Decide for each red-flag mention whether it is present, negated or excluded.

A mention is negated by a cue before it in the same clause and within the cue's reach ("ingen
feber", "hverken feber eller kulderystelser"), by a cue right after it ("feber: nej", "kræft har jeg
aldrig haft"), or by a hypothetical ("hvis jeg får feber"). It is excluded when an exclusion of its
category covers it ("min mor havde kræft"); "min mor havde kræft og det har jeg også haft" is present,
because the longer mention is not covered. Everything else counts as present: when in doubt, escalate.

A clause ends at . ! ? ; (and new lines), at a scope_end word ("men", "selvom"), and at a comma or
"og" followed by a clause_start word ("ingen feber, og jeg kan ikke tisse"). Cue words that belong to
a red-flag phrase itself ("kan ikke tisse") or to an uncertainty phrase ("ved ikke om") negate nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from spacy.tokens import Doc

from bot.redflags.compiler import AFTER, BEFORE, EXCLUDE, FLAG, HYPOTHETICAL, SCOPE_END, UNCERTAIN, Rule

PRESENT = "present"
NEGATED = "negated"
EXCLUDED = "excluded"

HARD_ENDS = frozenset({".", "!", "?", ";", "…", "..", "...", "!!", "??", "?!"})
SOFT_ENDS = frozenset({",", "og", "and", "-", "–", "—", "/", ":", "(", ")"})
AFTER_FOLLOWERS = frozenset({"og", "men", "eller", "and", "but", "or"})


@dataclass(frozen=True)
class Hit:
    """One Matcher match: tokens [start, end) and the rule that produced it."""

    start: int
    end: int
    rule: Rule


@dataclass(frozen=True)
class Decision:
    hit: Hit
    status: str
    because: Optional[Hit] = None


class Clauses:
    """Clause boundaries of one doc, answering 'is there a boundary between token a and b?' in O(1)."""

    def __init__(self, doc: Doc, scope_ends: Sequence[Hit], clause_start: frozenset[str]):
        n = len(doc)
        boundary = [False] * n
        lowers = [token.lower_ for token in doc]
        for i, lower in enumerate(lowers):
            if lower in HARD_ENDS or (lower in SOFT_ENDS and i + 1 < n and lowers[i + 1] in clause_start):
                boundary[i] = True
        for hit in scope_ends:
            boundary[hit.start] = True
        self._before = [0] * (n + 1)
        for i, is_boundary in enumerate(boundary):
            self._before[i + 1] = self._before[i] + is_boundary

    def open(self, start: int, end: int) -> bool:
        """True when no boundary lies in tokens [start, end)."""
        return start >= end or self._before[end] == self._before[start]


def decide(doc: Doc, hits: Sequence[Hit], clause_start: frozenset[str]) -> list[Decision]:
    """One decision per red-flag hit, in text order."""
    by_kind: dict[str, list[Hit]] = {}
    for hit in hits:
        by_kind.setdefault(hit.rule.kind, []).append(hit)
    flags = sorted(by_kind.get(FLAG, []), key=lambda h: (h.start, h.end))
    if not flags:
        return []
    clauses = Clauses(doc, by_kind.get(SCOPE_END, []), clause_start)
    inert = {i for hit in flags + by_kind.get(UNCERTAIN, []) for i in range(hit.start, hit.end)}
    cues_before = [
        cue
        for cue in by_kind.get(BEFORE, []) + by_kind.get(HYPOTHETICAL, [])
        if not any(i in inert for i in range(cue.start, cue.end))
    ]
    cues_after = [cue for cue in by_kind.get(AFTER, []) if not any(i in inert for i in range(cue.start, cue.end))]
    exclusions = by_kind.get(EXCLUDE, [])
    return [_decide(doc, flag, exclusions, cues_before, cues_after, clauses) for flag in flags]


def _decide(
    doc: Doc, flag: Hit, exclusions: list[Hit], before: list[Hit], after: list[Hit], clauses: Clauses
) -> Decision:
    for exclusion in exclusions:
        if exclusion.rule.category == flag.rule.category and exclusion.start <= flag.start and flag.end <= exclusion.end:
            return Decision(flag, EXCLUDED, exclusion)
    for cue in before:
        if cue.end <= flag.start and flag.start - cue.end <= cue.rule.pattern.reach and clauses.open(cue.end, flag.start):
            return Decision(flag, NEGATED, cue)
    for cue in after:
        if _negates_from_after(doc, flag, cue):
            return Decision(flag, NEGATED, cue)
    return Decision(flag, PRESENT)


def _negates_from_after(doc: Doc, flag: Hit, cue: Hit) -> bool:
    """'feber: nej', 'kræft har jeg aldrig haft', 'feberen er væk nu': the cue follows at once; a
    one-word cue ('ikke', 'nej') must also close the clause, so 'feber nej men ...' counts, 'feber ikke
    ...' inside a longer sentence does not."""
    if cue.start == flag.end + 1:
        if not doc[flag.end].is_punct:
            return False
    elif cue.start != flag.end:
        return False
    if cue.end - cue.start > 1:
        return True
    return cue.end == len(doc) or doc[cue.end].is_punct or doc[cue.end].lower_ in AFTER_FOLLOWERS
