"""The red-flag screening as pure data: reading answers and durations, and what to ask next.

The Rasa form (actions/screening.py) only stores what these functions return, so every rule of
the screening is testable without Rasa: "ved ikke" is never "nej" (DESIGN.md invariant 4), a
"ja" ends the screening at once, and questions the patient already answered are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Sequence

from bot.routing import ROUTES

YES = "yes"
NO = "no"
UNSURE = "unsure"
ANSWERS: tuple[str, ...] = (YES, NO, UNSURE)

# Intents that are answers to a yes/no question (button payloads /affirm, /deny, /dont_know).
ANSWER_INTENTS: dict[str, str] = {"affirm": YES, "deny": NO, "dont_know": UNSURE}

UNDER_6_WEEKS = "under_6_weeks"
WEEKS_6_TO_12 = "6_to_12_weeks"
OVER_12_WEEKS = "over_12_weeks"
UNKNOWN_DURATION = "unknown"
DURATIONS: tuple[str, ...] = (UNDER_6_WEEKS, WEEKS_6_TO_12, OVER_12_WEEKS, UNKNOWN_DURATION)

# New pain is this bot's scope; past 12 weeks the pain counts as long-lasting.
LONG_LASTING_AFTER_DAYS = 12 * 7
_SIX_WEEKS_DAYS = 6 * 7

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e"})


def normalise(text: str) -> str:
    """Lower case, æøå folded (patients often type without them), punctuation as spaces."""
    folded = (text or "").lower().translate(_FOLD)
    folded = folded.replace("–", "-").replace("—", "-")
    return " ".join(re.sub(r"[^a-z0-9,.\- ]", " ", folded).split())


# --- Answers to a yes/no question -------------------------------------------------------------

# Checked first: they contain "ikke" but mean "I am not sure", never "no".
_UNSURE_RE = re.compile(
    r"\b(ved( det| jeg| jeg det)? ik+e?|ve ikke|vedikke|aner( det| jeg)? ikke|ikke sikker|usikker|"
    r"ma+ske|muligvis|kan ikke huske|husker( det| jeg)? ikke|tror|kan (godt )?vaere|svaert at sige|"
    r"ikke klar over|"
    r"idk|dont know|don t know|not sure|maybe)\b"
)
_YES_RE = re.compile(r"^(ja+|jo+|jep|jeps|jah|yes|yep|yeah|korrekt|rigtigt|desvaerre)\b")
_NO_RE = re.compile(r"\b(nej|nope|nix|nae+h?|no|ikke|ingen|intet|aldrig)\b")


def parse_answer(text: str, intent: Optional[str] = None) -> Optional[str]:
    """Read an answer to a screening question: YES, NO, UNSURE, or None if it is no answer.

    The intent (from the buttons or the NLU) and the words both count; when they disagree the more
    serious reading wins (yes over unsure over no), so uncertainty is never read as "nej".
    """
    signals = set()
    if intent in ANSWER_INTENTS:
        signals.add(ANSWER_INTENTS[intent])
    words = normalise(text)
    if _UNSURE_RE.search(words):
        signals.add(UNSURE)
    elif _NO_RE.search(words):
        signals.add(NO)
    if _YES_RE.search(words):
        signals.add(YES)
    for answer in (YES, UNSURE, NO):
        if answer in signals:
            return answer
    return None


# --- How long the pain has lasted ----------------------------------------------------------------

_NUMBER_WORDS = {
    "en": 1, "et": 1, "een": 1, "eet": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6,
    "syv": 7, "otte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12, "fjorten": 14,
    "et par": 2, "par": 2, "nogle": 3, "nogen": 3, "flere": 3, "mange": 6,
    "halvanden": 1.5, "et halvt": 0.5, "en halv": 0.5, "halvt": 0.5, "halv": 0.5,
}
_UNIT_DAYS = (
    (r"timer?|t", 1 / 24),
    (r"doegn|dogn|dage?s?|d", 1),
    (r"uger?s?|u", 7),
    (r"maaned(?:er)?s?|maned(?:er)?|mdr?|mnd|md", 30),
    (r"aar(?:s)?|ar|years?", 365),
    (r"weeks?", 7),
    (r"days?", 1),
    (r"months?", 30),
)
_NUMBER = r"(\d+(?:[.,]\d+)?|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + r")"
_UNIT = "(" + "|".join(pattern for pattern, _ in _UNIT_DAYS) + r")\b"
_RANGE_RE = re.compile(rf"\b{_NUMBER}\s*(?:-|til)\s*{_NUMBER}\s*{_UNIT}")
_AMOUNT_RE = re.compile(rf"(?:\b(under|mindre end|kortere end|over|mere end|laengere end|ca|cirka|omkring)\s+)?\b{_NUMBER}\s*{_UNIT}")
_WEEKDAYS = ("mandags", "tirsdags", "onsdags", "torsdags", "fredags", "loerdags", "soendags")
_WEEKDAY_RE = re.compile(r"\bi (" + "|".join(_WEEKDAYS) + r")\b")
_RELATIVE_DAYS = (
    (re.compile(r"\bi (dag|morges|nat|aftes|eftermiddag|formiddag)\b|\bidag\b"), 0),
    (re.compile(r"\bi ?forgaars\b"), 2),
    (re.compile(r"\bi ?gaar\b|\bigar\b|\bi gar\b"), 1),
    (re.compile(r"\b(i )?(sidste|forrige) uge\b|\bi weekenden\b"), 7),
    (re.compile(r"\b(i )?(sidste|forrige) maaned\b"), 30),
    (re.compile(r"\b(sidste|forrige) aar\b|\bsidste sommer\b"), 365),
)
_LESS = {"under", "mindre end", "kortere end"}
_MORE = {"over", "mere end", "laengere end"}


def _number(word: str) -> float:
    return float(word.replace(",", ".")) if word[0].isdigit() else float(_NUMBER_WORDS[word])


def _unit_days(unit: str) -> float:
    return next(days for pattern, days in _UNIT_DAYS if re.fullmatch(pattern, unit))


def parse_duration_days(text: str, today: Optional[dt.date] = None) -> Optional[int]:
    """How many days the pain has lasted, read from Danish free text; None if not stated.

    Reads amounts ("3 dage", "2 mdr", "et halvt år", "6-12 uger", "over 12 uger") and relative
    days ("siden i mandags", "i går"). A range counts by its upper end, "over N" as a bit more
    than N and "under N" as a bit less, so the thresholds of 6 and 12 weeks land right.
    """
    words = normalise(text)
    if not words:
        return None
    match = _RANGE_RE.search(words)
    if match:
        return round(_number(match.group(2)) * _unit_days(match.group(3)))
    match = _AMOUNT_RE.search(words)
    if match:
        days = _number(match.group(2)) * _unit_days(match.group(3))
        if match.group(1) in _LESS:
            days -= 1
        elif match.group(1) in _MORE:
            days += 1
        return max(0, round(days))
    match = _WEEKDAY_RE.search(words)
    if match:
        today = today or dt.date.today()
        weekday = _WEEKDAYS.index(match.group(1))
        return (today.weekday() - weekday - 1) % 7 + 1
    for pattern, days in _RELATIVE_DAYS:
        if pattern.search(words):
            return days
    return None


def duration_category(days: Optional[int]) -> str:
    """The duration bucket the result depends on."""
    if days is None:
        return UNKNOWN_DURATION
    if days < _SIX_WEEKS_DAYS:
        return UNDER_6_WEEKS
    if days <= LONG_LASTING_AFTER_DAYS:
        return WEEKS_6_TO_12
    return OVER_12_WEEKS


def parse_duration(text: str, today: Optional[dt.date] = None) -> Optional[str]:
    """The duration bucket stated in `text`, or None when the text states no duration."""
    days = parse_duration_days(text, today)
    return None if days is None else duration_category(days)


def is_long_lasting(duration: Optional[str]) -> bool:
    """Pain past 12 weeks is not new pain: it gets its own, honest answer."""
    return duration == OVER_12_WEEKS


# --- Which question comes next ------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """What the screening knows: an answer per category, and which were re-asked more simply."""

    answers: Mapping[str, str] = field(default_factory=dict)
    simplified: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """The outcome of one answer: the new progress, and whether to re-ask the question simply."""

    progress: Progress
    ask_simpler: bool


def record_answer(progress: Progress, category: str, answer: str) -> Step:
    """Store an answer. The first "ved ikke" to a question is not stored: the question is asked
    once more in simpler words. A second "ved ikke" is stored as UNSURE (counts as urgent)."""
    if answer == UNSURE and category not in progress.simplified:
        return Step(Progress(dict(progress.answers), (*progress.simplified, category)), ask_simpler=True)
    return Step(Progress({**progress.answers, category: answer}, progress.simplified), ask_simpler=False)


def apply_negations(progress: Progress, ruled_out: Iterable[str], categories: Sequence[str]) -> Progress:
    """Count categories the patient has already denied ("ingen feber") as answered "nej"."""
    answers = dict(progress.answers)
    for category in ruled_out:
        if category in categories and category not in answers:
            answers[category] = NO
    return Progress(answers, progress.simplified)


def has_yes(progress: Progress) -> bool:
    """A "ja" ends the screening: the patient is escalated in the very next reply."""
    return YES in progress.answers.values()


def next_category(progress: Progress, categories: Sequence[str]) -> Optional[str]:
    """The next category to ask about, in catalogue order; None when the screening is done."""
    if has_yes(progress):
        return None
    return next((category for category in categories if category not in progress.answers), None)


def answered_flags(progress: Progress, categories: Sequence[str]) -> list[str]:
    """Categories answered "ja" or finally "ved ikke", in catalogue order (for the payload)."""
    return [c for c in categories if progress.answers.get(c) in (YES, UNSURE)]


# --- One patient turn inside the screening --------------------------------------------------------

# Intents the screening hands to the rules (escalation, answering a question, leaving) instead of
# reading them as an answer; the screening goes on afterwards.
INTERRUPTING_INTENTS: frozenset[str] = frozenset(
    {"red_flag", "english", "insult", "goodbye", "restart", *ROUTES}
)

DURATION = "duration"
ANSWER = "answer"
INTERRUPT = "interrupt"
NOT_UNDERSTOOD = "not_understood"


@dataclass(frozen=True)
class Reading:
    """What a message means to the screening: a duration, an answer, an interruption for the
    rules to handle, or something to ask again about."""

    kind: str
    value: Optional[str] = None


def read_turn(
    text: str,
    intent: Optional[str],
    asking: Optional[str],
    category: Optional[str] = None,
    ruled_out: Iterable[str] = (),
    today: Optional[dt.date] = None,
) -> Reading:
    """Read a message given what was asked: "duration", "answer" (about `category`), or None
    when the screening is just starting.

    A red flag always interrupts (the rules escalate), and so does a question: it is answered and
    the question asked again. Only a stated duration wins over a question intent ("under 6 uger"
    may look like ask_duration to the model).
    """
    if intent == "red_flag":
        return Reading(INTERRUPT)
    if asking == ANSWER:
        if intent in INTERRUPTING_INTENTS:
            return Reading(INTERRUPT)
        if category and category in ruled_out:
            return Reading(ANSWER, NO)
        answer = parse_answer(text, intent)
        return Reading(ANSWER, answer) if answer else Reading(NOT_UNDERSTOOD)
    duration = parse_duration(text, today)
    if duration:
        return Reading(DURATION, duration)
    if asking is None:
        return Reading(NOT_UNDERSTOOD)
    if intent in INTERRUPTING_INTENTS:
        return Reading(INTERRUPT)
    if intent == "dont_know" or parse_answer(text, intent) == UNSURE:
        return Reading(DURATION, UNKNOWN_DURATION)
    return Reading(NOT_UNDERSTOOD)
