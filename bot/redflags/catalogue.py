"""The red-flag catalogue: content/redflags.yml (categories) and content/redflags-language.yml
(negation, spellings, numbers), validated with Danish messages and reloaded live when edited."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Iterable, Literal, Optional

import yaml

from bot import yaml_lines
from bot.categories import CATEGORY_NAMES, EMERGENCY_CATEGORIES  # noqa: F401 - the catalogue's names
from bot.redflags.normalise import WordOrder
from bot.redflags.syntax import NUMBER, Choice, Phrase, PhraseError, clean, parse_phrase
from bot.reloading import ContentError, Reloading
from bot.settings import get_settings
from bot.triage import EMERGENCY, URGENT, Level

logger = logging.getLogger(__name__)

CATALOGUE_FILE = "redflags.yml"
LANGUAGE_FILE = "redflags-language.yml"

CATEGORY_LEVELS = (EMERGENCY, URGENT)
TEXT_FIELDS = ("question", "why", "simpler")
DEFAULT_REACH = 6

# What a context reading does to a mention it applies to (DESIGN.md "Understanding free text").
Outcome = Literal["ask", "ignore", "flag"]
ASK: Final = "ask"  # possible flag: ask the category's question at once
IGNORE: Final = "ignore"  # not a flag for this patient now
KEEP: Final = "flag"  # the reading changes nothing: still a flag (earlier cancer is a flag however long ago)
OUTCOMES: tuple[Outcome, ...] = (ASK, IGNORE, KEEP)
# Where a reading's cue must stand: before the mention in the same clause, or near it in the sentence.
Place = Literal["before", "sentence_before", "near", "message"]
BEFORE_MENTION: Final = "before"
SENTENCE_BEFORE: Final = "sentence_before"  # before the mention anywhere in the same sentence
NEAR_MENTION: Final = "near"
IN_MESSAGE: Final = "message"  # anywhere in the message: "jeg skriver for min mor" frames all of it
PLACES: tuple[Place, ...] = (BEFORE_MENTION, SENTENCE_BEFORE, NEAR_MENTION, IN_MESSAGE)


@dataclass(frozen=True)
class Pattern:
    """One phrase as written, where it stands, and its parsed form."""

    text: str
    line: int
    phrase: Phrase
    reach: int = DEFAULT_REACH
    # This phrase's own context rules, over its category's: a fever years ago is over, while
    # an organ transplant years ago still weakens the immune system ({pattern: …, context: …}).
    context: tuple[tuple[str, Outcome], ...] = ()


@dataclass(frozen=True)
class Category:
    name: str
    level: Level
    question: str
    why: str
    simpler: str
    patterns: tuple[Pattern, ...]
    exclude: tuple[Pattern, ...] = ()
    context: dict[str, Outcome] = field(default_factory=dict)


@dataclass(frozen=True)
class Reading:
    """One context reading (someone else, long ago, planned, question, figurative, explained …):
    cue phrases, where they must stand relative to a mention, and what they do to it by default."""

    name: str
    outcome: Outcome
    place: Place
    reach: int
    cues: tuple[Pattern, ...]
    resets: frozenset[str] = frozenset()  # words between cue and mention that cancel the reading
    # Readings this one cancels where both apply: "har ikke gjort noget for det" beats "var syg".
    overrules: frozenset[str] = frozenset()
    # A before-cue may also follow the mention at once: after a time word the subject comes after
    # the verb ("i går faldt min søster").
    right_after: bool = False


@dataclass(frozen=True)
class Language:
    """How patients' language is read: negation, uncertainty, spellings and number ranges."""

    before: tuple[Pattern, ...]
    after: tuple[Pattern, ...]
    hypothetical: tuple[Pattern, ...]
    uncertain: tuple[Pattern, ...]
    scope_end: tuple[Pattern, ...]
    clause_start: frozenset[str]
    gap_stop: frozenset[str]
    numbers: dict[str, tuple[float, float]]
    spellings: dict[str, str]
    readings: tuple[Reading, ...] = ()
    # Words for "I": a question without one asks about a flag in general ("giver ryggen feber?").
    first_person: frozenset[str] = frozenset()
    # Inverted word order put straight before matching ("i dag kan jeg ikke" -> "jeg kan ikke").
    word_order: Optional[WordOrder] = None


@dataclass(frozen=True)
class Catalogue:
    categories: dict[str, Category]
    language: Language
    level_of: dict[str, Level]

    def outcome(self, category: str, reading: str, pattern: Optional[Pattern] = None) -> Outcome:
        """What `reading` does to a mention of `category` found by `pattern`: the pattern's own rule,
        else the category's, else the reading's default."""
        own = dict(pattern.context).get(reading) if pattern else None
        own = own or (self.categories[category].context.get(reading) if category in self.categories else None)
        if own:
            return own
        return next((r.outcome for r in self.language.readings if r.name == reading), ASK)


def parse_catalogue(path: Path | str) -> Catalogue:
    """Read and validate redflags.yml at `path` and redflags-language.yml beside it.

    Raises `ContentError` with a Danish message naming the file, the line and what to fix.
    """
    path = Path(path)
    language_path = path.with_name(LANGUAGE_FILE)
    language = _parse_language(language_path, _load(language_path))
    data = _load(path)
    if not isinstance(data, dict):
        raise ContentError(f"{path}: filen skal have én blok pr. kategori, fx 'bladder_bowel:'.")
    for name in data:
        if name not in CATEGORY_NAMES:
            raise ContentError(
                f"{path}, linje {_line(name)}: ukendt kategori '{name}'. "
                f"Navnene ligger fast: {', '.join(CATEGORY_NAMES)}."
            )
    missing = [name for name in CATEGORY_NAMES if name not in data]
    if missing:
        raise ContentError(f"{path}: kategorien '{missing[0]}' mangler. Alle ni kategorier skal stå i filen.")
    categories = {name: _parse_category(path, name, data[name], language) for name in data}
    levels = [category.level for category in categories.values()]
    if levels != sorted(levels, key=CATEGORY_LEVELS.index):
        raise ContentError(
            f"{path}: de akutte kategorier (level: emergency) skal stå før de hastende (level: urgent), "
            "for det er rækkefølgen bot'en spørger i."
        )
    return Catalogue(categories, language, {name: category.level for name, category in categories.items()})


def _load(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{path}: filen findes ikke.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(f"{path}: filen kan ikke læses som UTF-8-tekst ({error}).") from None
    try:
        return yaml_lines.load(text)
    except yaml.YAMLError as error:
        line = yaml_lines.error_line(error)
        where = f", linje {line}" if line else ""
        problem = yaml_lines.error_problem(error)
        raise ContentError(
            f"{path}{where}: filen kan ikke læses ({problem}). Tjek indrykning, kolon og anførselstegn."
        ) from None


_line = yaml_lines.line_of


def _parse_category(path: Path, name: str, entry: Any, language: Language) -> Category:
    where = f"{path}, linje {_line(name)} ({name})"
    if not isinstance(entry, dict):
        raise ContentError(f"{where}: skriv level, question, why, simpler og patterns under kategorien.")
    unknown = set(entry) - {"level", *TEXT_FIELDS, "patterns", "exclude", "context"}
    if unknown:
        key = sorted(unknown)[0]
        raise ContentError(
            f"{path}, linje {_line(key)} ({name}): ukendt felt '{key}'. "
            "Tilladte felter: level, question, why, simpler, patterns, exclude, context."
        )
    level = entry.get("level")
    if level not in CATEGORY_LEVELS:
        raise ContentError(f"{where}: 'level' skal være 'emergency' eller 'urgent', ikke '{level}'.")
    texts = {}
    for text_field in TEXT_FIELDS:
        value = entry.get(text_field)
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{where}: feltet '{text_field}' mangler eller er tomt. Skriv en dansk sætning.")
        texts[text_field] = " ".join(value.split())
    for text_field in ("question", "simpler"):
        if not texts[text_field].endswith("?"):
            raise ContentError(f"{where}: '{text_field}' skal være et ja/nej-spørgsmål og slutte med '?'.")
    if not entry.get("patterns"):
        raise ContentError(f"{where}: 'patterns' mangler. Skriv mindst én vending, der finder det røde flag.")
    patterns = _parse_patterns(path, f"{name}.patterns", entry["patterns"], language, with_context=True)
    exclude = _parse_patterns(path, f"{name}.exclude", entry.get("exclude") or [], language)
    context = _parse_category_context(f"{where} context", entry.get("context") or {}, language)
    return Category(name, level, texts["question"], texts["why"], texts["simpler"], patterns, exclude, context)


def _parse_category_context(where: str, items: Any, language: Language) -> dict[str, Outcome]:
    known = [reading.name for reading in language.readings]
    if not isinstance(items, dict):
        raise ContentError(f"{where}: skriv læsning: ask, ignore eller flag, fx 'long_ago: ignore'.")
    for reading, outcome in items.items():
        if reading not in known:
            raise ContentError(f"{where}: ukendt læsning '{reading}'. Brug en af: {', '.join(known)}.")
        if outcome not in OUTCOMES:
            raise ContentError(f"{where}: '{reading}' skal være 'ask', 'ignore' eller 'flag', ikke '{outcome}'.")
    return {str(reading): OUTCOMES[OUTCOMES.index(outcome)] for reading, outcome in items.items()}


def _parse_patterns(
    path: Path, field: str, items: Any, language: Optional[Language], with_context: bool = False
) -> tuple[Pattern, ...]:
    if not isinstance(items, list):
        raise ContentError(f"{path}, linje {_line(items)} ({field}): skriv en liste med én vending pr. linje.")
    return tuple(_parse_pattern(path, field, item, language, with_context) for item in items)


def _parse_pattern(
    path: Path, field: str, item: Any, language: Optional[Language], with_context: bool = False
) -> Pattern:
    reach, context = DEFAULT_REACH, {}
    if isinstance(item, dict) and with_context and language is not None:
        if "pattern" not in item or set(item) - {"pattern", "context"}:
            raise ContentError(f"{path} ({field}): skriv {{pattern: vending, context: {{long_ago: flag}}}}.")
        where = f"{path}, linje {_line(item['pattern'])} ({field}) context"
        context = _parse_category_context(where, item.get("context") or {}, language)
        item = item["pattern"]
    elif isinstance(item, dict):
        if "cue" not in item:
            raise ContentError(f"{path} ({field}): skriv {{cue: vending, reach: antal ord}}.")
        reach = item.get("reach", DEFAULT_REACH)
        if not isinstance(reach, int) or isinstance(reach, bool) or not 0 <= reach <= 20:
            raise ContentError(f"{path}, linje {_line(item['cue'])} ({field}): 'reach' skal være et tal fra 0 til 20.")
        item = item["cue"]
    line = _line(item)
    if not isinstance(item, str):
        raise ContentError(
            f"{path} ({field}): '{item}' er ikke en vending. Sæt den i anførselstegn (især no, yes, on og off)."
        )
    try:
        phrase = parse_phrase(item)
    except PhraseError as error:
        raise ContentError(f"{path}, linje {line} ({field}): vendingen \"{item}\" kan ikke læses: {error}.") from None
    if language is not None:
        for name in _number_names(phrase):
            if name not in language.numbers:
                raise ContentError(
                    f"{path}, linje {line} ({field}): talintervallet '#{name}' findes ikke. "
                    f"Brug et af: {', '.join('#' + n for n in language.numbers)} (se {LANGUAGE_FILE})."
                )
    return Pattern(str(item), line, phrase, reach, tuple(context.items()))


def _number_names(phrase: Phrase) -> Iterable[str]:
    for slot in phrase:
        if isinstance(slot, Choice):
            for option in slot.options:
                yield from (word.value for word in option if word.kind == NUMBER)


def _parse_language(path: Path, data: Any) -> Language:
    if not isinstance(data, dict):
        raise ContentError(f"{path}: filen skal have afsnittene negation, gap_stop, numbers og spellings.")
    negation = data.get("negation")
    if not isinstance(negation, dict):
        raise ContentError(f"{path}: afsnittet 'negation:' mangler.")
    numbers = _parse_numbers(path, data.get("numbers") or {})
    partial = Language((), (), (), (), (), frozenset(), frozenset(), numbers, {})

    def phrases(key: str) -> tuple[Pattern, ...]:
        return _parse_patterns(path, f"negation.{key}", negation.get(key) or [], partial)

    return Language(
        before=phrases("before"),
        after=phrases("after"),
        hypothetical=phrases("hypothetical"),
        uncertain=phrases("uncertain"),
        scope_end=phrases("scope_end"),
        clause_start=_word_set(path, "negation.clause_start", negation.get("clause_start") or []),
        gap_stop=_word_set(path, "gap_stop", data.get("gap_stop") or []),
        numbers=numbers,
        spellings=_parse_spellings(path, data.get("spellings") or {}),
        readings=_parse_readings(path, data.get("context") or {}, partial),
        first_person=_word_set(path, "first_person", data.get("first_person") or []),
        word_order=_parse_word_order(path, data.get("word_order") or {}),
    )


def _parse_word_order(path: Path, data: Any) -> Optional[WordOrder]:
    if not data:
        return None
    if not isinstance(data, dict) or set(data) != {"verbs", "subjects", "negations"}:
        raise ContentError(f"{path} (word_order): skriv verbs, subjects og negations, hver som en liste af ord.")
    return WordOrder(
        *(_word_set(path, f"word_order.{key}", data[key] or []) for key in ("verbs", "subjects", "negations"))
    )


def _parse_readings(path: Path, data: Any, language: Language) -> tuple[Reading, ...]:
    if not isinstance(data, dict):
        raise ContentError(f"{path}: afsnittet 'context:' skal have én blok pr. læsning.")
    readings = []
    for name, entry in data.items():
        where = f"{path}, linje {_line(name)} (context.{name})"
        if not isinstance(entry, dict) or not entry.get("cues"):
            raise ContentError(f"{where}: skriv outcome, place, reach og cues under læsningen.")
        outcome, place, reach = entry.get("outcome", ASK), entry.get("place", BEFORE_MENTION), entry.get("reach", 6)
        if outcome not in OUTCOMES:
            raise ContentError(f"{where}: 'outcome' skal være 'ask', 'ignore' eller 'flag', ikke '{outcome}'.")
        if place not in PLACES:
            raise ContentError(f"{where}: 'place' skal være {', '.join(PLACES)}, ikke '{place}'.")
        if not isinstance(reach, int) or isinstance(reach, bool) or not 0 <= reach <= 20:
            raise ContentError(f"{where}: 'reach' skal være et tal fra 0 til 20.")
        cues = _parse_patterns(path, f"context.{name}.cues", entry["cues"], language)
        resets = _word_set(path, f"context.{name}.resets", entry.get("resets") or [])
        overrules = _word_set(path, f"context.{name}.overrules", entry.get("overrules") or [])
        right_after = entry.get("right_after", False)
        if not isinstance(right_after, bool):
            raise ContentError(f"{where}: 'right_after' skal være true eller false.")
        readings.append(Reading(str(name), outcome, place, reach, cues, resets, overrules, right_after))
    unknown = {name for reading in readings for name in reading.overrules} - {reading.name for reading in readings}
    if unknown:
        raise ContentError(
            f"{path} (context): 'overrules' nævner en læsning der ikke findes: {', '.join(sorted(unknown))}."
        )
    return tuple(readings)


def _word_set(path: Path, field: str, items: Any) -> frozenset[str]:
    if not isinstance(items, list):
        raise ContentError(f"{path} ({field}): skriv en liste med ét ord pr. linje.")
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ContentError(
                f"{path} ({field}): '{item}' er ikke et ord. Ord som no, yes, on og off skal stå i anførselstegn."
            )
    return frozenset(clean(item.strip()) for item in items)


def _parse_numbers(path: Path, items: Any) -> dict[str, tuple[float, float]]:
    if not isinstance(items, dict):
        raise ContentError(f"{path} (numbers): skriv navn: [fra, til], fx 'feber: [38.0, 43.0]'.")
    numbers = {}
    for name, bounds in items.items():
        if isinstance(bounds, dict) and list(bounds) == ["år_siden"]:
            bounds = _years_ago(bounds["år_siden"])
        if (
            not isinstance(bounds, list)
            or len(bounds) != 2
            or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
            or bounds[0] > bounds[1]
        ):
            raise ContentError(
                f"{path}, linje {_line(name)} (numbers.{name}): skriv [fra, til] med to tal, det mindste først."
            )
        numbers[clean(str(name))] = (float(bounds[0]), float(bounds[1]))
    return numbers


def _years_ago(bounds: Any) -> Any:
    """`{år_siden: [1, 90]}`: the calendar years from 90 to 1 year before this year, e.g. 1936-2025."""
    if not isinstance(bounds, list) or len(bounds) != 2 or not all(isinstance(b, int) for b in bounds):
        return None
    this_year = dt.date.today().year
    return [this_year - max(bounds), this_year - min(bounds)]


def _parse_spellings(path: Path, items: Any) -> dict[str, str]:
    if not isinstance(items, dict):
        raise ContentError(f"{path} (spellings): skriv 'skrevet form: rigtig form', én pr. linje.")
    spellings = {}
    for written, correct in items.items():
        if not isinstance(written, str) or not isinstance(correct, str) or not correct.strip():
            raise ContentError(f"{path}, linje {_line(written)} (spellings): '{written}' skal have en rigtig form.")
        spellings[clean(written.strip())] = clean(correct.strip())
    return spellings


_reloaders: dict[Path, Reloading[Catalogue]] = {}
_reloaders_lock = threading.Lock()


def default_path() -> Path:
    return get_settings().content_dir / CATALOGUE_FILE


def get_catalogue(path: Path | str | None = None) -> Catalogue:
    """The current catalogue at `path` (default: content/redflags.yml), reparsed when either file changes.

    A broken edit keeps the last good version; raises `ContentError` only if none ever parsed.
    """
    path = default_path() if path is None else path if isinstance(path, Path) else Path(path)
    reloading = _reloaders.get(path)
    if reloading is None:
        with _reloaders_lock:
            reloading = _reloaders.setdefault(path, _reloading(path))
    return reloading.get()


def _reloading(path: Path) -> Reloading[Catalogue]:
    files = (path, path.with_name(LANGUAGE_FILE))
    return Reloading(lambda: files, lambda _files: parse_catalogue(path))


def last_error(path: Path | str | None = None) -> Optional[Exception]:
    """The error of the latest failed reload at `path`, for tools that show it."""
    reloading = _reloaders.get(Path(path) if path is not None else default_path())
    return reloading.last_error if reloading else None
