"""The red-flag screening as pure data: reading answers and durations, and what to ask next.

The Rasa form (actions/screening.py) only stores what `advance` returns, so every rule of the
screening is testable without Rasa:
- "ved ikke" is never "nej" (DESIGN.md invariant 4): asked once more in simpler words, then it
  counts as unsure (urgent);
- nothing blocks (invariant 7): no question is asked again more than once because its answer was
  not understood; the second time the question is set aside (a red-flag question as unsure, the
  duration as unknown) and the screening goes on;
- possible flags (the detector's `ask`) are asked before anything else, quoting the patient;
- a "ja" escalates at once, and after an urgent escalation the emergency questions are still asked
  (invariant 6); after an emergency escalation nothing more is asked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Mapping, Optional, Sequence

from bot.answers import NO, UNSURE, YES, Answer
from bot.intents import POSSIBLE_RED_FLAG_INTENT, RED_FLAG_INTENT
from bot.quoting import shorten
from bot.routing import ROUTES
from bot.triage import EMERGENCY, URGENT, Level, level_for_flags, most_severe

# Intents that are answers to a yes/no question (button payloads /affirm, /deny, /dont_know).
ANSWER_INTENTS: dict[str, Answer] = {"affirm": YES, "deny": NO, "dont_know": UNSURE}

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
#
# Every way of saying it becomes a span of days (at least, at most, most likely). The bucket is
# given only when the whole span lies in one bucket, so a vague answer is never placed by guessing:
# "siden sommerferien" is over 12 weeks in November but uncertain in August; "længe" and "et
# stykke tid" could be two weeks or two years. Such answers are *vague*: the bot asks once more,
# then goes on with the duration unknown. Short-meaning words ("kort tid", "lige begyndt") count
# as under 6 weeks: new pain is what they describe. "Altid" and "i årevis" count as over 12 weeks.
#
# Free text (the message that starts the screening) gives a duration only in unmistakable forms
# (an amount, "i går", "siden i fredags", "siden jul"); bare words such as "fredag", "i marts" or
# "længe" count only as the answer to "Hvor længe har du haft ondt?".

INF = float("inf")


@dataclass(frozen=True)
class Span:
    """How long the pain has lasted, in days: at least `low`, at most `high`; `days` is the most
    likely value, None when nothing more precise can be said."""

    low: float
    high: float
    days: Optional[float]

    @classmethod
    def exact(cls, days: float) -> "Span":
        return cls(days, days, days)


# Number words: exact, or vague ("nogle", "flere") with the range they can honestly mean.
_NUMBER_WORDS: dict[str, tuple[float, float, float]] = {
    **{word: (n, n, n) for word, n in {
        "en": 1, "et": 1, "een": 1, "eet": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6,
        "syv": 7, "otte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12, "fjorten": 14,
        "halvanden": 1.5, "et halvt": 0.5, "en halv": 0.5, "halvt": 0.5, "halv": 0.5,
    }.items()},
    # (most likely, at least, at most)
    "et par": (2, 2, 3), "par": (2, 2, 3), "nogle": (3, 2, 5), "nogen": (3, 2, 5),
    "flere": (3, 2, 8), "mange": (6, 4, 20),
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
_LESS = {"under", "mindre end", "kortere end"}
_MORE = {"over", "mere end", "laengere end"}

_WEEKDAY = r"(mandag|tirsdag|onsdag|torsdag|fredag|l(?:oe|o)rdag|s(?:oe|o)ndag)"
_WEEKDAY_INDEX = {"man": 0, "tir": 1, "ons": 2, "tor": 3, "fre": 4, "lor": 5, "loe": 5, "son": 6, "soe": 6}
_MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
           "oktober", "november", "december")
_MONTH = "(" + "|".join(_MONTHS) + ")"
# Part of a month: "starten af marts" is the 1st-10th.
_MONTH_PART = (
    r"(?:(?:(start(?:en)? af|begyndelsen af|foerst i)|(midten af|midt i)|"
    r"(slutningen af|sidst i|udgangen af|enden af)) )?"
)
# "siden", "fra" or "i ...s" mark a point in time in free text; answers may leave them out.
_SINCE = r"(?:siden|fra)"


def _quantity(word: str) -> tuple[float, float, float]:
    if word[0].isdigit():
        number = float(word.replace(",", "."))
        return number, number, number
    return _NUMBER_WORDS[word]


def _unit_days(unit: str) -> float:
    return next(days for pattern, days in _UNIT_DAYS if re.fullmatch(pattern, unit))


def _days_since(day: dt.date, today: dt.date) -> int:
    return max(0, (today - day).days)


def _latest(make: Callable[[int], tuple[dt.date, dt.date]], today: dt.date) -> tuple[dt.date, dt.date]:
    """The most recent (start, end) period, from `make(year)`, that has begun by `today`."""
    start, end = make(today.year)
    if start > today:
        start, end = make(today.year - 1)
    return start, end


def _period(make: Callable[[int], tuple[dt.date, dt.date]], today: dt.date) -> Span:
    start, end = _latest(make, today)
    return Span(_days_since(min(end, today), today), _days_since(start, today), _days_since(start, today))


def _easter(year: int) -> dt.date:
    """Easter Sunday (the Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    to_sunday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * to_sunday) // 433
    month = (h + to_sunday - 7 * m + 90) // 25
    return dt.date(year, month, (h + to_sunday - 7 * m + 33 * month + 19) % 32)


def _fixed(start: tuple[int, int], end: tuple[int, int]) -> Callable[[int], tuple[dt.date, dt.date]]:
    def make(year: int) -> tuple[dt.date, dt.date]:
        first = dt.date(year, *start)
        last = dt.date(year + (end < start), *end)
        return first, last
    return make


# Holidays as periods (school holidays vary by municipality: the widest usual dates).
_HOLIDAYS: tuple[tuple[str, Callable[[int], tuple[dt.date, dt.date]]], ...] = (
    (r"sommerferie\w*|sommer(?:en)?", _fixed((6, 25), (8, 10))),
    (r"jul(?:en|eaften|edag)?", _fixed((12, 24), (12, 26))),
    (r"nytaar\w*|nytar\w*", _fixed((12, 31), (1, 1))),
    (r"efteraarsferie\w*|efterarsferie\w*", _fixed((10, 10), (10, 22))),
    (r"vinterferie\w*", _fixed((2, 7), (2, 28))),
    (r"paaske\w*|paske\w*", lambda year: (_easter(year) - dt.timedelta(days=3), _easter(year) + dt.timedelta(days=1))),
)


def _month_span(month: int, part: int, today: dt.date) -> Span:
    def make(year: int) -> tuple[dt.date, dt.date]:
        first = dt.date(year, month, 1)
        last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        tenth, twentieth = first.replace(day=10), first.replace(day=20)
        return {0: (first, last), 1: (first, tenth), 2: (tenth, twentieth), 3: (twentieth, last)}[part]
    return _period(make, today)


def _date_span(day: int, month: int, today: dt.date) -> Optional[Span]:
    try:
        start, _ = _latest(lambda year: (dt.date(year, month, day),) * 2, today)
    except ValueError:
        return None
    return Span.exact(_days_since(start, today))


def _weekday_days(word: str, today: dt.date) -> Span:
    weekday = _WEEKDAY_INDEX[word[:3]]
    return Span.exact((today.weekday() - weekday - 1) % 7 + 1)


@dataclass(frozen=True)
class _Reader:
    pattern: re.Pattern
    span: Callable[[re.Match, dt.date], Optional[Span]]
    answer_only: bool = False


def _range(match: re.Match, today: dt.date) -> Span:
    # A stated range counts by its upper end, so the thresholds of 6 and 12 weeks land on the side
    # of the longer (more careful) answer: "6-12 uger" is 6-12 weeks, "4-8 uger" 6-12 weeks.
    return Span.exact(round(_quantity(match.group(2))[0] * _unit_days(match.group(3))))


def _amount(match: re.Match, today: dt.date) -> Span:
    typical, low, high = (value * _unit_days(match.group(3)) for value in _quantity(match.group(2)))
    if match.group(1) in _LESS:
        return Span(0, typical - 1, typical - 1)
    if match.group(1) in _MORE:
        return Span(typical + 1, INF, typical + 1)
    return Span(low, high, typical)


def _month(match: re.Match, today: dt.date) -> Span:
    part = next((index for index in (1, 2, 3) if match.group(index)), 0)
    return _month_span(_MONTHS.index(match.group(4)) + 1, part, today)


def _previous_week(match: re.Match, today: dt.date) -> Span:
    return Span(today.weekday() + 1, today.weekday() + 7, 7)


def _previous_month(match: re.Match, today: dt.date) -> Span:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return Span(_days_since(last, today), _days_since(last.replace(day=1), today), 30)


def _previous_year(match: re.Match, today: dt.date) -> Span:
    year = today.year - 1
    return Span(_days_since(dt.date(year, 12, 31), today), _days_since(dt.date(year, 1, 1), today), 365)


def _holiday(make: Callable[[int], tuple[dt.date, dt.date]]) -> Callable[[re.Match, dt.date], Span]:
    return lambda match, today: _period(make, today)


def _fixed_span(span: Span) -> Callable[[re.Match, dt.date], Span]:
    return lambda match, today: span


_READERS: tuple[_Reader, ...] = (
    _Reader(re.compile(rf"\b{_NUMBER}\s*(?:-|til)\s*{_NUMBER}\s*{_UNIT}"), _range),
    _Reader(re.compile(rf"(?:\b({'|'.join([*_LESS, *_MORE, 'ca', 'cirka', 'omkring'])})\s+)?\b{_NUMBER}\s*{_UNIT}"),
            _amount),
    _Reader(re.compile(rf"\b(?:d |den )?(\d{{1,2}})\.? {_MONTH}\b"),
            lambda m, today: _date_span(int(m.group(1)), _MONTHS.index(m.group(2)) + 1, today)),
    *(_Reader(re.compile(rf"\b(?:{_SINCE}|sidste|forrige) (?:{name})\b"), _holiday(make)) for name, make in _HOLIDAYS),
    *(_Reader(re.compile(rf"\b(?:{name})\b"), _holiday(make), answer_only=True) for name, make in _HOLIDAYS),
    _Reader(re.compile(rf"\b{_SINCE} {_MONTH_PART}{_MONTH}\b"), _month),
    _Reader(re.compile(rf"\b(?:i )?{_MONTH_PART}{_MONTH}\b"), _month, answer_only=True),
    _Reader(re.compile(rf"\b(?:{_SINCE} )?i {_WEEKDAY}s\b|\b(?:{_SINCE}|sidste|forrige) (?:i )?{_WEEKDAY}s?\b"),
            lambda m, today: _weekday_days(m.group(1) or m.group(2), today)),
    _Reader(re.compile(rf"\b{_WEEKDAY}s?\b"), lambda m, today: _weekday_days(m.group(1), today), answer_only=True),
    _Reader(re.compile(rf"\b(?:i|{_SINCE}|sidste|forrige) (?:weekend(?:en)?|wknd)\b"), _fixed_span(Span(0, 9, 7))),
    _Reader(re.compile(r"\b(?:weekend(?:en)?|wknd)\b"), _fixed_span(Span(0, 9, 7)), answer_only=True),
    _Reader(re.compile(r"\bi (?:dag|morges|nat|aftes|eftermiddag|formiddag)\b|\bidag\b"), _fixed_span(Span.exact(0))),
    _Reader(re.compile(r"\bi ?forga{1,2}rs\b"), _fixed_span(Span.exact(2))),
    _Reader(re.compile(r"\bi ?gaar\b|\bigar\b|\bi gar\b"), _fixed_span(Span.exact(1))),
    _Reader(re.compile(r"\b(?:i )?(?:sidste|forrige) uge\b"), _previous_week),
    _Reader(re.compile(r"\b(?:i )?(?:sidste|forrige) maaned\b"), _previous_month),
    _Reader(re.compile(r"\b(?:sidste|forrige) aar\b"), _previous_year),
    # Words without a number; only as the answer to the duration question.
    _Reader(re.compile(r"\b(?:kort tid|lidt tid|ikke (?:saa |saerlig |saerligt |specielt |ret )?laenge|"
                       r"lige (?:begyndt|startet)|for nylig|nylig)\b"),
            _fixed_span(Span(0, _SIX_WEEKS_DAYS - 1, None)), answer_only=True),
    _Reader(re.compile(r"\b(?:altid|hele livet|i aarevis|aarevis|i arevis)\b"),
            _fixed_span(Span(LONG_LASTING_AFTER_DAYS + 1, INF, None)), answer_only=True),
    _Reader(re.compile(r"\b(?:laenge|lang tid|et (?:godt )?stykke(?: tid)?|noget tid|en rum tid)\b"),
            _fixed_span(Span(0, INF, None)), answer_only=True),
)


def duration_span(text: str, today: Optional[dt.date] = None, answer: bool = False) -> Optional[Span]:
    """The span of days stated in `text`, None when it states none. The earliest mention counts
    ("siden sommerferien, værst de sidste 3 dage" is since the summer holiday). `answer`: the text
    answers "Hvor længe har du haft ondt?", so bare words ("fredag", "længe") count too."""
    words = normalise(text)
    if not words:
        return None
    today = today or dt.date.today()
    found: Optional[tuple[int, Span]] = None
    for reader in _READERS:
        if reader.answer_only and not answer:
            continue
        match = reader.pattern.search(words)
        if match and (found is None or match.start() < found[0]):
            span = reader.span(match, today)
            if span is not None:
                found = (match.start(), span)
    return found[1] if found else None


def parse_duration_days(text: str, today: Optional[dt.date] = None, answer: bool = False) -> Optional[int]:
    """How many days the pain has most likely lasted, read from Danish free text; None if not
    stated or not stated precisely enough ("længe").

    Reads amounts ("3 dage", "2 mdr", "et halvt år", "6-12 uger", "over 12 uger") and points in
    time ("siden i mandags", "i går", "siden jul"). A range counts by its upper end, "over N" as a
    bit more than N and "under N" as a bit less, so the thresholds of 6 and 12 weeks land right.
    """
    span = duration_span(text, today, answer)
    return None if span is None or span.days is None else max(0, round(span.days))


def duration_category(days: Optional[float]) -> str:
    """The duration bucket the result depends on."""
    if days is None:
        return UNKNOWN_DURATION
    if days < _SIX_WEEKS_DAYS:
        return UNDER_6_WEEKS
    if days <= LONG_LASTING_AFTER_DAYS:
        return WEEKS_6_TO_12
    return OVER_12_WEEKS


def parse_duration(text: str, today: Optional[dt.date] = None, answer: bool = False) -> Optional[str]:
    """The duration bucket stated in `text`; UNKNOWN_DURATION when a duration is stated but too
    vague for one bucket ("længe", "siden oktober" in November); None when it states none."""
    span = duration_span(text, today, answer)
    if span is None:
        return None
    low = duration_category(round(span.low))
    high = duration_category(span.high if span.high == INF else round(span.high))
    return low if low == high else UNKNOWN_DURATION


def is_long_lasting(duration: Optional[str]) -> bool:
    """Pain past 12 weeks is not new pain: it gets its own, honest answer."""
    return duration == OVER_12_WEEKS


# --- What the screening knows ---------------------------------------------------------------------

# The duration question, where a question can be a red-flag category too (Progress.unclear).
DURATION_QUESTION = "duration"


@dataclass(frozen=True)
class Progress:
    """What the screening knows: an answer per category; the questions asked once more (after a
    first "ved ikke": `simplified`; after an answer not understood: `unclear`); the possible flags
    to ask about before anything else (`queue`) with the patient's words that raised each one
    (`quotes`, "" when the detector failed and there are no words to quote)."""

    answers: Mapping[str, str] = field(default_factory=dict)
    simplified: tuple[str, ...] = ()
    unclear: tuple[str, ...] = ()
    queue: tuple[str, ...] = ()
    quotes: Mapping[str, str] = field(default_factory=dict)

    def repeated(self, question: str) -> bool:
        """True when the question was already asked a second time."""
        return question in self.simplified or question in self.unclear


@dataclass(frozen=True)
class Step:
    """The outcome of one answer: the new progress, and whether to ask the same question again."""

    progress: Progress
    ask_again: bool


def _settle(progress: Progress, category: str, answer: str) -> Progress:
    return replace(
        progress,
        answers={**progress.answers, category: answer},
        queue=tuple(c for c in progress.queue if c != category),
        quotes={c: q for c, q in progress.quotes.items() if c != category},
    )


def record_answer(progress: Progress, category: str, answer: str) -> Step:
    """Store an answer. A first "ved ikke" is not stored: the question is asked once more in
    simpler words. "Ved ikke" to a question already asked twice is stored as UNSURE (urgent)."""
    if answer == UNSURE and not progress.repeated(category):
        return Step(replace(progress, simplified=(*progress.simplified, category)), ask_again=True)
    return Step(_settle(progress, category, answer), ask_again=False)


def record_unclear(progress: Progress, question: str) -> Step:
    """An answer not understood. The first time the question is asked again; the second time it is
    set aside: a red-flag question counts as UNSURE (never as "nej"), the duration as unknown (the
    caller's part)."""
    if not progress.repeated(question):
        return Step(replace(progress, unclear=(*progress.unclear, question)), ask_again=True)
    if question == DURATION_QUESTION:
        return Step(progress, ask_again=False)
    return Step(_settle(progress, question, UNSURE), ask_again=False)


def queue_questions(progress: Progress, categories: Sequence[str], quote: str) -> Progress:
    """Ask these categories before anything else, quoting `quote`. An earlier "nej" or "ved ikke"
    to them no longer counts: the patient has written something new about them."""
    asked = list(dict.fromkeys(categories))
    return Progress(
        answers={c: a for c, a in progress.answers.items() if c not in asked or a == YES},
        simplified=tuple(c for c in progress.simplified if c not in asked),
        unclear=tuple(c for c in progress.unclear if c not in asked),
        queue=(*asked, *(c for c in progress.queue if c not in asked)),
        quotes={**progress.quotes, **{c: quote for c in asked}},
    )


def possible_flags_to_ask(
    ask: Iterable[str],
    flags: Iterable[str],
    progress: Progress,
    level: str,
    categories: Sequence[str],
    emergency: Iterable[str],
    escalated_flags: Iterable[str] = (),
) -> list[str]:
    """The detector's `ask` categories worth a question now. None after an emergency escalation;
    none that is already a flag (escalated, or answered "ja"); and when the same message carried a
    flag (which escalated), only the emergency ones, which can still raise the level to 112."""
    if level == EMERGENCY:
        return []
    known = set(flags) | set(escalated_flags) | {c for c, a in progress.answers.items() if a == YES}
    asks = [c for c in ask if c in categories and c not in known]
    if list(flags):
        asks = [c for c in asks if c in set(emergency)]
    return list(dict.fromkeys(asks))


def escalation_level(progress: Progress, level_of: Mapping[str, Level], escalated: Level) -> Level:
    """How far the consultation has escalated: the escalation so far and every "ja". Unsure answers
    count only in the result (the screening goes on after them)."""
    yes = [c for c, a in progress.answers.items() if a == YES]
    return most_severe([escalated, level_for_flags(yes, level_of)])


def next_question(
    progress: Progress,
    duration: Optional[str],
    categories: Sequence[str],
    emergency: Iterable[str],
    level: str,
) -> Optional[str]:
    """The next question: DURATION_QUESTION, a category, or None when the screening is done.

    Possible flags come first. After an emergency escalation nothing more is asked; after an
    urgent one only the emergency questions still open (invariant 6), not the duration.
    """
    if level == EMERGENCY:
        return None
    queued = next((c for c in progress.queue if c not in progress.answers), None)
    if queued:
        return queued
    if level == URGENT:
        emergency = set(emergency)
        return next((c for c in categories if c in emergency and c not in progress.answers), None)
    if duration is None:
        return DURATION_QUESTION
    return next((c for c in categories if c not in progress.answers), None)


def answered_flags(progress: Progress, categories: Sequence[str]) -> list[str]:
    """Categories answered "ja" or finally "ved ikke", in catalogue order (for the payload)."""
    return [c for c in categories if progress.answers.get(c) in (YES, UNSURE)]


# --- One patient turn inside the screening --------------------------------------------------------

# Intents the screening hands to the rules (escalation, answering a question, leaving) instead of
# reading them as an answer; the screening goes on afterwards.
INTERRUPTING_INTENTS: frozenset[str] = frozenset(
    {RED_FLAG_INTENT, "english", "insult", "goodbye", "restart", "request_handover", *ROUTES}
)
# Set by the red-flag component when the detector asks about categories (bot/rasa/detection.py).

DURATION = "duration"
ANSWER = "answer"
INTERRUPT = "interrupt"
NOT_UNDERSTOOD = "not_understood"
VAGUE = "vague"
OTHER = "other"


@dataclass(frozen=True)
class Reading:
    """What a message means to the screening: a duration, an answer, an interruption for the
    rules to handle, a vague duration, something not understood, or something else (a possible
    flag that is no answer: asked about first, the question comes again afterwards)."""

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
    if intent == RED_FLAG_INTENT:
        return Reading(INTERRUPT)
    if asking == ANSWER:
        if intent in INTERRUPTING_INTENTS:
            return Reading(INTERRUPT)
        if category and category in ruled_out:
            return Reading(ANSWER, NO)
        answer = parse_answer(text, intent)
        if answer:
            return Reading(ANSWER, answer)
        return Reading(OTHER if intent == POSSIBLE_RED_FLAG_INTENT else NOT_UNDERSTOOD)
    duration = parse_duration(text, today, answer=asking == DURATION)
    if duration == UNKNOWN_DURATION and asking == DURATION:
        return Reading(VAGUE)
    if duration and duration != UNKNOWN_DURATION:
        return Reading(DURATION, duration)
    if asking is None:
        return Reading(OTHER)
    if intent in INTERRUPTING_INTENTS:
        return Reading(INTERRUPT)
    if intent == "dont_know" or parse_answer(text, intent) == UNSURE:
        return Reading(DURATION, UNKNOWN_DURATION)
    if intent == POSSIBLE_RED_FLAG_INTENT:
        return Reading(OTHER)
    return Reading(NOT_UNDERSTOOD)


@dataclass(frozen=True)
class Turn:
    """The latest patient message as the screening sees it: its text (as stored, for quoting), its
    intent, and the red-flag detection of it."""

    text: str = ""
    intent: Optional[str] = None
    flags: tuple[str, ...] = ()
    ask: tuple[str, ...] = ()
    ruled_out: tuple[str, ...] = ()
    failed: bool = False


def _quote(turn: Turn) -> str:
    """The patient's words to quote; none when the detector failed (they need not be related)."""
    return "" if turn.failed else shorten(turn.text)


# What the bot says before the next question (actions/phrases.py has the Danish).
NOTE_DURATION_UNCLEAR = "duration_unclear"
NOTE_DURATION_VAGUE = "duration_vague"
NOTE_DURATION_SET_ASIDE = "duration_set_aside"
NOTE_ANSWER_UNCLEAR = "answer_unclear"
NOTE_ANSWER_SET_ASIDE = "answer_set_aside"


@dataclass(frozen=True)
class Outcome:
    """The screening after one patient turn: `interrupted` when the rules take the turn (nothing
    else changes); otherwise the new progress and duration, the notes to send, the escalation
    level now (raised by a "ja"), and the next question (DURATION_QUESTION, a category or None)."""

    progress: Progress
    duration: Optional[str]
    level: str
    next: Optional[str] = None
    notes: tuple[str, ...] = ()
    interrupted: bool = False


def advance(
    progress: Progress,
    duration: Optional[str],
    turn: Turn,
    *,
    asking: Optional[str],
    category: Optional[str],
    read: bool,
    queue: bool,
    categories: Sequence[str],
    level_of: Mapping[str, Level],
    escalated: Level,
    escalated_flags: Iterable[str] = (),
    today: Optional[dt.date] = None,
) -> Outcome:
    """One step of the screening.

    `asking` and `category` say what was asked last ("duration", "answer" about `category`, or
    None at the start); `read`: the turn is new to the screening (read it as an answer); `queue`:
    the turn's possible flags are not queued yet (once per message); `escalated`: the escalation so
    far (triage_level) and its flags.
    """
    reading = read_turn(turn.text, turn.intent, asking, category, turn.ruled_out, today) if read else Reading(OTHER)
    if reading.kind == INTERRUPT and asking is not None:
        return Outcome(progress, duration, escalated, interrupted=True)
    notes: list[str] = []

    def not_understood() -> None:
        nonlocal progress, duration
        question = DURATION_QUESTION if asking == DURATION else category
        if question is None or (question != DURATION_QUESTION and question not in categories):
            notes.append(NOTE_ANSWER_UNCLEAR)
            return
        step = record_unclear(progress, question)
        progress = step.progress
        if asking == DURATION and step.ask_again:
            notes.append(NOTE_DURATION_VAGUE if reading.kind == VAGUE else NOTE_DURATION_UNCLEAR)
        elif asking == DURATION:
            duration = UNKNOWN_DURATION
            notes.append(NOTE_DURATION_SET_ASIDE)
        else:
            notes.append(NOTE_ANSWER_UNCLEAR if step.ask_again else NOTE_ANSWER_SET_ASIDE)

    about_the_question = (
        reading.kind == OTHER and read and asking == ANSWER and category in categories and category in turn.ask
    )
    if reading.kind == DURATION and asking != ANSWER:
        duration = reading.value
    elif reading.kind == ANSWER and category is not None and category in categories:
        progress = record_answer(progress, category, reading.value or UNSURE).progress
    elif reading.kind in (VAGUE, NOT_UNDERSTOOD) and asking is not None:
        not_understood()
    elif about_the_question and category is not None:
        # Words that may be about the very question asked, but no answer to it: ask once more,
        # quoting them; the next time it is set aside like any answer not understood.
        step = record_unclear(progress, category)
        progress = step.progress
        if step.ask_again:
            progress = replace(progress, quotes={**progress.quotes, category: _quote(turn)})
        else:
            notes.append(NOTE_ANSWER_SET_ASIDE)

    emergency = [c for c in categories if level_of.get(c) == EMERGENCY]
    level = escalation_level(progress, level_of, escalated)
    asks: list[str] = []
    if queue:
        asks = possible_flags_to_ask(turn.ask, turn.flags, progress, level, categories, emergency, escalated_flags)
        # The question just asked is answered above, never queued again (that could loop); and a
        # detector failure says nothing new, so it does not undo answers already given.
        asks = [c for c in asks if not (asking == ANSWER and c == category)]
        if turn.failed:
            asks = [c for c in asks if c not in progress.answers]
        if asks:
            progress = queue_questions(progress, asks, _quote(turn))
    if reading.kind == OTHER and read and asking is not None and not asks and not about_the_question:
        # A possible flag that brought no new question is no answer either: it counts as one not
        # understood, so no question can come back more than twice.
        not_understood()
    following = next_question(progress, duration, categories, emergency, level)
    return Outcome(progress, duration, level, following, tuple(notes))
