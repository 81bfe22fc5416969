"""`content check`: everything an editor must fix before a change goes live, in Danish.

Checks every text (fields, id, sources, placeholders, HTML, LIX), that every id the assistant
uses exists, regions.yml, and the red-flag catalogue through its own parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from bot.content.lix import MAX_LIX, Readability, lix, readability
from bot.content.markdown import plain_units
from bot.content.placeholders import examples, fill
from bot.content.regions import parse_regions
from bot.content.store import REGIONS_FILE, TEXTS_DIR
from bot.content.texts import PENDING_REVIEW, Problem, Text, display_path, validate_text
from bot.redflags.catalogue import CATALOGUE_FILE, CATEGORY_NAMES, TEXT_FIELDS, parse_catalogue
from bot.reloading import ContentError
from bot.routing import CONTENT_IDS_USED


@dataclass(frozen=True)
class TextRow:
    """One line of the LIX table."""

    id: str
    readability: Readability
    reviewed: str


@dataclass(frozen=True)
class RedFlagRow:
    """LIX of one red-flag category's patient texts (information for the editors, not a rule)."""

    name: str
    question: float
    why: float
    simpler: float


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: list[TextRow] = field(default_factory=list)
    redflag_rows: list[RedFlagRow] = field(default_factory=list)
    redflag_count: int = 0
    region_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def text_readability(text: Text) -> Readability:
    """Readability of what the patient reads: the body, placeholders filled."""
    values = examples()
    return readability(plain_units(fill(text.body, values, values)))


def run_check(content_dir: Path, used_ids: Optional[Iterable[str]] = None) -> CheckResult:
    """Check the content folder; `used_ids` defaults to the ids in `bot.routing`."""
    used_ids = CONTENT_IDS_USED if used_ids is None else used_ids
    content_dir = Path(content_dir)
    result = CheckResult()
    texts = _check_texts(content_dir / TEXTS_DIR, result)
    _check_used_ids(content_dir / TEXTS_DIR, texts, set(used_ids), result)
    _check_regions(content_dir / REGIONS_FILE, result)
    _check_redflags(content_dir / CATALOGUE_FILE, result)
    return result


def _check_texts(texts_dir: Path, result: CheckResult) -> dict[str, Path]:
    """Validate each text; return id -> file of the valid texts."""
    if not texts_dir.is_dir():
        result.problems.append(f"{display_path(texts_dir)}: Mappen med tekster mangler.")
        return {}
    found: dict[str, Path] = {}
    for path in sorted(texts_dir.glob("*.md")):
        text, problems = validate_text(path)
        result.problems.extend(str(p) for p in problems)
        if text is None:
            continue
        found[text.id] = path  # unique, since a valid text's id is its file name
        score = text_readability(text)
        reviewed = text.reviewed_on.isoformat() if text.reviewed_on else PENDING_REVIEW
        result.rows.append(TextRow(text.id, score, reviewed))
        if score.lix > MAX_LIX:
            result.problems.append(str(Problem(
                path,
                text.body_line,
                f"LIX er {score.lix:.1f}, men må højst være {MAX_LIX}. Brug kortere sætninger og færre lange ord.",
            )))
        if not text.sources:
            result.warnings.append(
                f"{display_path(path)}: Har ingen kilder. Det er kun i orden, hvis teksten intet fagligt siger."
            )
    pending = [row.id for row in result.rows if row.reviewed == PENDING_REVIEW]
    if pending:
        result.warnings.append(
            f"{len(pending)} tekster afventer faglig gennemgang (kolonnen 'Gennemgået'). "
            "Skriv datoen i 'reviewed_on', når de er gennemgået."
        )
    return found


def _check_used_ids(texts_dir: Path, texts: dict[str, Path], used: set[str], result: CheckResult) -> None:
    for text_id in sorted(used):
        if text_id not in texts and not (texts_dir / f"{text_id}.md").exists():
            result.problems.append(
                f"{display_path(texts_dir / (text_id + '.md'))}: Teksten mangler. "
                f"Botten bruger id'et '{text_id}' (se bot/routing.py). Opret filen."
            )
    for text_id in sorted(set(texts) - used):
        result.warnings.append(
            f"{display_path(texts[text_id])}: Botten bruger ikke teksten '{text_id}' (den står ikke i bot/routing.py)."
        )


def _check_regions(path: Path, result: CheckResult) -> None:
    if not path.is_file():
        result.problems.append(f"{display_path(path)}: Filen med regionernes lægevagt mangler.")
        return
    try:
        result.region_count = len(parse_regions(path))
    except ContentError as error:
        result.problems.extend(str(error).splitlines())


def _check_redflags(path: Path, result: CheckResult) -> None:
    """Parse the catalogue with its own parser, then check each category's patient texts."""
    where = display_path(path)
    if not path.is_file():
        result.problems.append(f"{where}: Filen med røde flag mangler.")
        return
    try:
        catalogue = parse_catalogue(path)
    except ContentError as error:
        result.problems.extend(str(error).splitlines())
        return
    categories = catalogue.categories
    result.redflag_count = len(categories)
    for name in CATEGORY_NAMES:
        category = categories.get(name)
        if category is None:
            result.problems.append(f"{where}: Kategorien '{name}' mangler. Kategoriernes navne må ikke ændres.")
            continue
        texts = {f: str(getattr(category, f, "") or "").strip() for f in TEXT_FIELDS}
        for field_name, value in texts.items():
            if not value:
                result.problems.append(f"{where}: Kategorien '{name}' mangler teksten '{field_name}'. Skriv den.")
        row = RedFlagRow(name, *(lix(texts[f]) for f in TEXT_FIELDS))
        result.redflag_rows.append(row)
        hard = [f for f in TEXT_FIELDS if getattr(row, f) > MAX_LIX]
        if hard:
            result.warnings.append(
                f"{where}: '{name}' har LIX over {MAX_LIX} i {', '.join(hard)}. "
                "Overvej kortere sætninger (klinisk gennemgang)."
            )
