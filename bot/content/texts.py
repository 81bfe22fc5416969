"""One text in `content/da/<id>.md`: YAML front matter between `---` lines, then Markdown.

Validation collects every problem with its line, in Danish, so `content check` can list them all;
the store loads a text only when it has none.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from bot import yaml_lines
from bot.content.placeholders import PLACEHOLDERS, find_placeholders
from bot.reloading import ContentError

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
HTML_TAG_RE = re.compile(r"</?[A-Za-z][^>]*>|<!--")
PENDING_REVIEW = "afventer"
REQUIRED_FIELDS = ("id", "title", "version", "reviewed_on", "reviewed_by", "sources")
FENCE = "---"


@dataclass(frozen=True)
class Problem:
    """A content problem: which file, which line (if known), and what to fix, in Danish."""

    path: Path
    line: Optional[int]
    message: str

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line:
            where = f"{where}, linje {self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Text:
    """A validated text. `reviewed_on` is a date, or None while it awaits a clinician's review."""

    id: str
    title: str
    body: str
    version: str
    reviewed_on: Optional[dt.date]
    reviewed_by: str
    sources: tuple[Source, ...]
    body_line: int = 1  # the file line where the body starts, for messages about the body


def display_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it (shorter messages)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def parse_text(path: Path) -> Text:
    """Load one text, raising `ContentError` listing every problem when it is invalid."""
    text, problems = validate_text(path)
    if problems or text is None:
        raise ContentError("\n".join(str(p) for p in problems))
    return text


def validate_text(path: Path) -> tuple[Optional[Text], list[Problem]]:
    """Parse and check one text file; return the text (None when unusable) and its problems."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")  # -sig: tolerate the BOM some editors write
    except UnicodeDecodeError:
        return None, [Problem(path, None, "Filen er ikke gemt som UTF-8. Gem den som UTF-8.")]
    except OSError as error:
        return None, [Problem(path, None, f"Filen kan ikke læses ({error.strerror}).")]

    lines = raw.splitlines()
    if not lines or lines[0].strip() != FENCE:
        return None, [Problem(path, 1, "Filen skal starte med en linje med '---' og så felterne (id, title, ...).")]
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        return None, [Problem(path, 1, "Felterne øverst skal afsluttes med en linje med '---'.")]

    header = "\n".join(lines[1:end])
    try:
        fields = yaml_lines.load(header) or {}
    except yaml.YAMLError as error:
        line = (yaml_lines.error_line(error) or 1) + 1
        reason = yaml_lines.error_problem(error)
        return None, [
            Problem(path, line, f"Felterne kan ikke læses ({reason}). Tjek kolon, citationstegn og indrykning.")
        ]
    if not isinstance(fields, dict):
        return None, [Problem(path, 2, "Felterne øverst skal være 'navn: værdi' på hver sin linje.")]

    # The header starts on the file's line 2, after the opening '---'.
    field_lines = {str(key): yaml_lines.line_of(key) + 1 for key in fields if yaml_lines.line_of(key)}
    body_lines = lines[end + 1:]
    lead = next((i for i, line in enumerate(body_lines) if line.strip()), len(body_lines))
    body_line = end + 2 + lead
    body = "\n".join(body_lines[lead:]).rstrip()
    checker = _FieldChecker(path, fields, field_lines)
    text = checker.check(body, body_line)
    problems = checker.problems + _body_problems(path, body, body_line, lines)
    return (None if problems else text), problems


class _FieldChecker:
    """Checks the front matter field by field, collecting problems."""

    def __init__(self, path: Path, fields: dict, field_lines: dict[str, int]):
        self.path = path
        self.fields = fields
        self.lines = field_lines
        self.problems: list[Problem] = []

    def problem(self, field: Optional[str], message: str) -> None:
        self.problems.append(Problem(self.path, self.lines.get(field, 2) if field else 1, message))

    def string(self, field: str) -> str:
        value = self.fields.get(field)
        if field not in self.fields:
            self.problem(None, f"Feltet '{field}' mangler. Tilføj '{field}: ...' mellem linjerne med '---'.")
            return ""
        if isinstance(value, (dict, list)) or value is None or not str(value).strip():
            self.problem(field, f"Feltet '{field}' er tomt. Skriv en tekst efter '{field}:'.")
            return ""
        return " ".join(str(value).split())

    def check(self, body: str, body_line: int) -> Text:
        for unknown in sorted(set(self.fields) - set(REQUIRED_FIELDS), key=str):
            self.problem(unknown, f"Feltet '{unknown}' kendes ikke. Tilladte felter: {', '.join(REQUIRED_FIELDS)}.")
        text_id = self.string("id")
        if text_id and not ID_RE.match(text_id):
            self.problem("id", f"Id'et '{text_id}' må kun have små bogstaver a-z, tal og bindestreger (ingen æ, ø, å).")
        elif text_id and text_id != self.path.stem:
            self.problem(
                "id",
                f"Id'et '{text_id}' passer ikke til filnavnet. "
                f"Filen skal hedde '{text_id}.md', eller id'et skal være '{self.path.stem}'.",
            )
        title = self.string("title")
        version = self.string("version")
        reviewed_by = self.string("reviewed_by")
        reviewed_on = self._reviewed_on()
        sources = self._sources()
        if not body.strip():
            self.problems.append(Problem(self.path, body_line, "Teksten er tom. Skriv teksten under linjen med '---'."))
        return Text(text_id, title, body, version, reviewed_on, reviewed_by, sources, body_line)

    def _reviewed_on(self) -> Optional[dt.date]:
        if "reviewed_on" not in self.fields:
            self.problem(
                None,
                "Feltet 'reviewed_on' mangler. "
                f"Skriv datoen for den faglige gennemgang (ÅÅÅÅ-MM-DD) eller '{PENDING_REVIEW}'.",
            )
            return None
        value = self.fields["reviewed_on"]
        if isinstance(value, dt.date):
            return value
        if str(value).strip().lower() == PENDING_REVIEW:
            return None
        self.problem("reviewed_on", f"'reviewed_on' skal være en dato som 2026-01-31 eller '{PENDING_REVIEW}'.")
        return None

    def _sources(self) -> tuple[Source, ...]:
        if "sources" not in self.fields:
            self.problem(None, "Feltet 'sources' mangler. Tilføj mindst én kilde med 'title' og 'url'.")
            return ()
        value = self.fields["sources"]
        if not isinstance(value, list):
            self.problem(
                "sources",
                "'sources' skal være en liste af kilder ('- title: ...' og 'url: https://...'), "
                "eller [] hvis teksten intet fagligt siger.",
            )
            return ()
        sources = []
        for number, entry in enumerate(value, start=1):
            if not isinstance(entry, dict):
                self.problem("sources", f"Kilde nr. {number} skal have 'title' og 'url'.")
                continue
            title = " ".join(str(entry.get("title") or "").split())
            url = str(entry.get("url") or "").strip()
            if not title:
                self.problem("sources", f"Kilde nr. {number} mangler en titel ('title').")
            if not URL_RE.match(url):
                self.problem(
                    "sources",
                    f"Kilde nr. {number} skal have en webadresse, der starter med https:// eller http:// ('url').",
                )
            if title and URL_RE.match(url):
                sources.append(Source(title, url))
        return tuple(sources)


def _body_problems(path: Path, body: str, body_line: int, lines: list[str]) -> list[Problem]:
    """Unknown placeholders anywhere in the file, and HTML in the body (the chat shows it raw)."""
    problems = []
    known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    for number, line in enumerate(lines, start=1):
        for name, _ in find_placeholders(line):
            if name not in PLACEHOLDERS:
                problems.append(Problem(path, number, f"Pladsholderen '{{{name}}}' kendes ikke. Brug en af: {known}."))
    for offset, line in enumerate(body.splitlines()):
        if HTML_TAG_RE.search(line):
            problems.append(Problem(
                path,
                body_line + offset,
                "HTML er ikke tilladt i teksten. Brug **fed**, lister med '- ' og [links](https://...).",
            ))
    return problems
