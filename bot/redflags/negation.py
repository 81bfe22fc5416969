"""Decide for each red-flag mention whether it is present, negated or excluded.

A mention is negated by a cue before it in the same clause and within the cue's reach ("ingen
feber", "hverken feber eller kulderystelser"), by a cue right after it ("feber: nej", "kræft har jeg
aldrig haft"), or by a hypothetical ("hvis jeg får feber"). A negation that reaches the mention only
over a comma asks instead ("ingen appetit, vægten rasler ned"). It is excluded when an exclusion of its
category covers it ("min mor havde kræft"); "min mor havde kræft og det har jeg også haft" is present,
because the longer mention is not covered. Everything else counts as present: when in doubt, escalate.

A present mention is then read in its context (content/redflags-language.yml, `context`): a cue of
someone else before it in the same clause ("min søn har feber"), of long ago or planned near it ("i
2009", "skal have"), a question, a figure of speech or a harmless explanation. Each reading makes the
mention `ask` (possible: ask the question) or `context` (ruled out), or leaves it a flag, as the
category says; "ignore" wins over "ask". A cue at most three words after a negation says the
opposite ("uden diæt", "har ikke været på kur") and is not read. A reading may overrule another
("har ikke gjort noget for det" beats an explanation). A first-person word between a
someone-else cue and the mention ("min søn siger at jeg har feber") gives the mention back to the
patient.

A clause ends at . ! ? ; (and new lines), at a scope_end word ("men", "selvom"), and at a comma or
"og" followed by a clause_start word ("ingen feber, og jeg kan ikke tisse"). Cue words that belong to
a red-flag phrase itself ("kan ikke tisse") or to an uncertainty phrase ("ved ikke om") negate nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from spacy.tokens import Doc

from bot.redflags.catalogue import ASK as ASK_OUTCOME
from bot.redflags.catalogue import BEFORE_MENTION, IGNORE, IN_MESSAGE, KEEP, NEAR_MENTION, Pattern, Reading
from bot.redflags.compiler import AFTER, BEFORE, EXCLUDE, FLAG, HYPOTHETICAL, READING, SCOPE_END, UNCERTAIN, Rule
from bot.redflags.status import ASK, CONTEXT, EXCLUDED, NEGATED, PRESENT, Status

# What a reading does to a category's mention: "ask" or "ignore".
Outcome = Callable[[str, str, Pattern], str]

HARD_ENDS = frozenset({".", "!", "?", ";", "…", "..", "...", "!!", "??", "?!"})
SOFT_ENDS = frozenset({",", "og", "and", "-", "–", "—", "/", ":", "(", ")"})
AFTER_FOLLOWERS = frozenset({"og", "men", "eller", "and", "but", "or"})
# Words after "er gået" that make it a movement, not "gone": "er gået ned to størrelser".
DIRECTIONS = frozenset({"ned", "op", "ud", "ind", "down", "up"})


@dataclass(frozen=True)
class Hit:
    """One Matcher match: tokens [start, end) and the rule that produced it."""

    start: int
    end: int
    rule: Rule


@dataclass(frozen=True)
class Decision:
    hit: Hit
    status: Status
    because: Optional[Hit] = None


class _Positions:
    """Marked token positions of one doc, answering 'is one marked between token a and b?' in O(1)."""

    def __init__(self, marked: Sequence[bool]):
        self._before = [0] * (len(marked) + 1)
        for i, is_marked in enumerate(marked):
            self._before[i + 1] = self._before[i] + is_marked

    def open(self, start: int, end: int) -> bool:
        """True when no marked token lies in tokens [start, end)."""
        return start >= end or self._before[end] == self._before[start]


class Clauses(_Positions):
    """Clause boundaries of one doc."""

    def __init__(self, doc: Doc, scope_ends: Sequence[Hit], clause_start: frozenset[str]):
        n = len(doc)
        boundary = [False] * n
        lowers = [token.lower_ for token in doc]
        for i, lower in enumerate(lowers):
            if lower in HARD_ENDS or (lower in SOFT_ENDS and i + 1 < n and lowers[i + 1] in clause_start):
                boundary[i] = True
        for hit in scope_ends:
            boundary[hit.start] = True
        super().__init__(boundary)


def decide(
    doc: Doc,
    hits: Sequence[Hit],
    clause_start: frozenset[str],
    outcome: Optional[Outcome] = None,
    first_person: frozenset[str] = frozenset(),
) -> list[Decision]:
    """One decision per red-flag hit, in text order. Cost grows with the text, not its square."""
    by_kind: dict[str, list[Hit]] = {}
    for hit in hits:
        by_kind.setdefault(hit.rule.kind, []).append(hit)
    flags = sorted(by_kind.get(FLAG, []), key=lambda h: (h.start, h.end))
    if not flags:
        return []
    clauses = Clauses(doc, by_kind.get(SCOPE_END, []), clause_start)
    exclusions = by_kind.get(EXCLUDE, [])
    # The words of a mention are not cues for the others ("kan ikke tisse" does not deny "tisse"),
    # unless an exclusion removed that mention: "har ikke tisset i bukserne" denies the accident.
    excluded = _Context(doc, exclusions, [], [], clauses)
    kept = [flag for flag in flags if excluded.exclusion(flag) is None]
    # Nor do the words of an uncertainty phrase ("ved ikke om") or of a cue that overrules another
    # reading ("har ikke gjort noget for at tabe mig" says the loss is unexplained, not denied).
    overruling = [hit for hit in by_kind.get(READING, []) if _reading(hit).overrules]
    inert = {i for hit in kept + by_kind.get(UNCERTAIN, []) + overruling for i in range(hit.start, hit.end)}
    context = _Context(
        doc,
        exclusions=exclusions,
        before=[c for c in by_kind.get(BEFORE, []) + by_kind.get(HYPOTHETICAL, []) if not _touches(c, inert)],
        after=[c for c in by_kind.get(AFTER, []) if not _touches(c, inert)],
        clauses=clauses,
    )
    # A reading's cue just after a negation is denied, not read: "uden diæt", "har ikke været på kur".
    # So is one just after "selvom": "jeg tisser ikke, selvom jeg har drukket meget" gives no excuse.
    negation_ends = [hit.end for hit in by_kind.get(BEFORE, [])]
    negation_ends += [i + 1 for i, token in enumerate(doc) if token.lower_ in CONCESSIVE]
    cues = [
        cue
        for cue in by_kind.get(READING, [])
        if not any(0 <= cue.start - end <= NEGATED_CUE_GAP and clauses.open(end, cue.start) for end in negation_ends)
    ]
    readings = _Readings(doc, cues, clauses, outcome, first_person)
    return [readings.read(context.decide(flag)) for flag in flags]


# Words that make a mention a denial in itself: "kan ikke ... tisse", "benet har ingen kraft".
SELF_DENIALS = frozenset({"ikke", "ingen", "intet", "uden", "not", "cannot", "can't"})

# The reading a question without "I" counts as (DESIGN.md: modality).
QUESTION_READING = "question"

# "Although": what follows is no explanation of the flag, but said in spite of it.
CONCESSIVE = frozenset({"selvom", "skønt", "although", "though"})

# Words that may stand between a negation and the reading's cue it denies ("ikke været på kur").
NEGATED_CUE_GAP = 3


def _touches(hit: Hit, tokens: set[int]) -> bool:
    return any(i in tokens for i in range(hit.start, hit.end))


class _Context:
    """Exclusions and cues indexed by position, so each mention looks only at its neighbourhood."""

    def __init__(self, doc: Doc, exclusions: list[Hit], before: list[Hit], after: list[Hit], clauses: Clauses):
        self._doc = doc
        self._clauses = clauses
        self._exclusions_at = _index(exclusions, lambda h: h.start)
        self._longest_exclusion = max((h.end - h.start for h in exclusions), default=0)
        self._before_ending_at = _index(before, lambda h: h.end)
        self._longest_reach = max((h.rule.pattern.reach for h in before), default=0)
        self._after_starting_at = _index(after, lambda h: h.start)

    def exclusion(self, flag: Hit) -> Optional[Hit]:
        """The exclusion of the same category that covers the whole mention, if any."""
        for start in range(max(0, flag.start - self._longest_exclusion), flag.start + 1):
            for exclusion in self._exclusions_at.get(start, ()):
                if exclusion.rule.category == flag.rule.category and flag.end <= exclusion.end:
                    return exclusion
        return None

    def decide(self, flag: Hit) -> Decision:
        exclusion = self.exclusion(flag)
        if exclusion is not None:
            return Decision(flag, EXCLUDED, exclusion)
        # A mention that is itself a denial ("kan ikke tisse", dialect "int hold på æ vand") is the
        # symptom; a negation before it does not turn it around ("no" is dialect for "nu"; "kan ikke
        # træde koblingen, benet har ingen kraft").
        self_denial = any(self._doc[i].lower_ in SELF_DENIALS for i in range(flag.start, flag.end))
        reach = 0 if self_denial else self._longest_reach + 1
        for end in range(flag.start, max(-1, flag.start - reach), -1):
            for cue in self._before_ending_at.get(end, ()):
                # A negation right before a comma is a tag or a closed answer ("… tynd, ik', tabt mig").
                tag = cue.end < flag.start and self._doc[cue.end].is_punct
                near = flag.start - cue.end <= cue.rule.pattern.reach
                if not tag and near and self._clauses.open(cue.end, flag.start):
                    # Over a comma the negation may end its own list ("ingen feber, kulderystelser
                    # eller sved") or belong to the clause before ("ingen appetit, vægten rasler
                    # ned"): the patient is asked, not believed or escalated.
                    across_comma = any(self._doc[i].lower_ == "," for i in range(cue.end, flag.start))
                    return Decision(flag, ASK if across_comma else NEGATED, cue)
        for start in () if self_denial else (flag.end, flag.end + 1):
            for cue in self._after_starting_at.get(start, ()):
                if _negates_from_after(self._doc, flag, cue):
                    return Decision(flag, NEGATED, cue)
        answer = None if self_denial else _answered_no(self._doc, flag)
        if answer is not None:
            return Decision(flag, NEGATED, Hit(answer, answer + 1, flag.rule))
        return Decision(flag, PRESENT)


class _Readings:
    """Applies the context readings to present mentions."""

    def __init__(
        self,
        doc: Doc,
        cues: list[Hit],
        clauses: Clauses,
        outcome: Optional[Outcome],
        first_person: frozenset[str] = frozenset(),
    ):
        self._cues = cues if outcome is not None else []
        self._outcome = outcome
        self._clauses = clauses
        self._first_person = first_person
        self._resets: dict[str, _Positions] = {}
        self._lowers = [token.lower_ for token in doc]
        self._texts = [token.text for token in doc]
        self._sentences = _Positions([lower in HARD_ENDS for lower in self._lowers])

    def read(self, decision: Decision) -> Decision:
        if decision.status != PRESENT or self._outcome is None:
            return decision
        flag, asking, keeping = decision.hit, None, None
        applying = [cue for cue in self._cues if self._applies(cue, flag)]
        overruled = {name for cue in applying for name in _reading(cue).overrules}
        for cue in applying:
            if _reading(cue).name in overruled:
                continue
            assert self._outcome is not None
            outcome = self._outcome(flag.rule.category or "", _reading(cue).name, flag.rule.pattern)
            if outcome == IGNORE:
                return Decision(flag, CONTEXT, cue)
            if outcome == ASK_OUTCOME:
                asking = asking or cue
            if outcome == KEEP:
                keeping = keeping or cue
        if not asking and not keeping:
            mark = self._question_mark(flag)
            question = self._outcome(flag.rule.category or "", QUESTION_READING, flag.rule.pattern) if mark else None
            if question == KEEP:
                # The catalogue reads this question as the patient's own suspicion ("kan jeg have
                # brækket en ryghvirvel?"): a flag, with or without "I".
                keeping = mark
            elif mark is not None and self._without_i(flag, mark):
                if question == IGNORE:
                    return Decision(flag, CONTEXT, mark)
                asking = mark if question == ASK_OUTCOME else None
        if asking:
            return Decision(flag, ASK, asking)
        # Present, and the catalogue says so for this context ("kræft for 20 år siden"): the learned
        # context reading must not overrule what a clinician wrote down.
        return Decision(flag, PRESENT, keeping) if keeping else decision

    def _question_mark(self, flag: Hit) -> Optional[Hit]:
        """The "?" ending the mention's sentence, when there is no comma between them ("kræft for 10
        år siden, er det relevant?" tells the history and asks about it; that is no question)."""
        if not self._first_person:
            return None
        end = flag.end
        while end < len(self._lowers) and self._lowers[end] not in HARD_ENDS:
            end += 1
        if end == len(self._lowers) or "?" not in self._lowers[end]:
            return None
        if "," in self._lowers[flag.end : end]:
            return None
        return Hit(end, end + 1, flag.rule)

    def _without_i(self, flag: Hit, mark: Hit) -> bool:
        """Whether the question's sentence has no word for "I": then it asks about a flag in general
        ("giver ryggen feber?", "can back pain make you lose weight?") and is read like the question
        reading."""
        start = flag.start
        while start > 0 and self._lowers[start - 1] not in HARD_ENDS:
            start -= 1
        words = range(start, mark.start)
        return not any(self._lowers[i] in self._first_person or self._texts[i] == "I" for i in words)

    def _applies(self, cue: Hit, flag: Hit) -> bool:
        reading = _reading(cue)
        if reading.place == IN_MESSAGE:
            return True
        if reading.place == NEAR_MENTION:
            distance = max(0, flag.start - cue.end, cue.start - flag.end)
            return (
                distance <= reading.reach
                and self._sentences.open(min(cue.start, flag.start), max(cue.end, flag.end) - 1)
                and (cue.end > flag.start or self._reset_positions(reading).open(cue.end, flag.start))
            )
        scope = self._clauses if reading.place == BEFORE_MENTION else self._sentences
        # "i går faldt min søster (på isen)": the subject right after the verb, inside a longer mention.
        if reading.right_after and flag.start < cue.start <= flag.end:
            return True
        # The cue starts before the mention and may run into it ("katten faldt").
        return (
            cue.start < flag.start
            and flag.start - cue.end <= reading.reach
            and scope.open(cue.end, flag.start)
            and self._reset_positions(reading).open(cue.end, flag.end)
        )

    def _reset_positions(self, reading: Reading) -> _Positions:
        positions = self._resets.get(reading.name)
        if positions is None:
            positions = _Positions([lower in reading.resets for lower in self._lowers])
            self._resets[reading.name] = positions
        return positions


def _reading(cue: Hit) -> Reading:
    reading = cue.rule.reading
    assert reading is not None
    return reading


def _index(hits: list[Hit], position: Callable[[Hit], int]) -> dict[int, list[Hit]]:
    index: dict[int, list[Hit]] = {}
    for hit in hits:
        index.setdefault(position(hit), []).append(hit)
    return index


# Answers that deny a question the patient repeats: "Feber eller kulderystelser? -> nej".
ANSWER_NO = frozenset({"nej", "nix", "nope", "næ", "no", "aldrig", "never"})
ANSWER_MAX_GAP = 12


def _answered_no(doc: Doc, flag: Hit) -> Optional[int]:
    """Where the "nej" stands that answers the question holding the mention, if it is one. The
    patient often echoes the screening question and answers it ("Prednisolon? Nej, aldrig."); a
    denied flag is still confirmed by the bot with one short question."""
    for i in range(flag.end, min(len(doc), flag.end + ANSWER_MAX_GAP)):
        lower = doc[i].lower_
        if lower in HARD_ENDS and "?" not in lower:
            return None
        if "?" in lower:
            j = i + 1
            while j < len(doc) and (doc[j].is_punct or doc[j].lower_ in ("->", "-", "=>", ">")):
                j += 1
            return j if j < len(doc) and doc[j].lower_ in ANSWER_NO else None
    return None


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
        # "feberen er gået (over)" is gone; "tøjet er for stort, er gået ned to størrelser" is not.
        return cue.end == len(doc) or doc[cue.end].lower_ not in DIRECTIONS
    # "skøre knogler, ik', det fandt de ud af": a one-word "ikke" between commas is a tag, not a no.
    tag_end = cue.end < len(doc) and doc[cue.end].lower_ in ",'"
    if doc[cue.start].lower_ == "ikke" and doc[flag.end].is_punct and tag_end:
        return False
    return cue.end == len(doc) or doc[cue.end].is_punct or doc[cue.end].lower_ in AFTER_FOLLOWERS
