"""The `{placeholders}` a text may contain, and filling them without ever failing.

Texts are filled with values from the clinic that embeds the widget. A value that is missing or
empty gets a default written to read well in the sentence, so a patient never sees `{klinik}`
or an error. Filling is one regex pass (no `str.format`), so a value can never expand further.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Mapping, Optional

from bot.settings import DEFAULT_RETENTION_DAYS, get_settings

PLACEHOLDER_RE = re.compile(r"\{([A-Za-z0-9_æøåÆØÅ-]+)\}")
MAX_VALUE_LENGTH = 80

# Characters a value may not carry into the chat: markup the widget would interpret, and braces.
_UNSAFE_VALUE_CHARS = re.compile(r"[<>\[\]*`{}\\_]|[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Placeholder:
    """One placeholder: what it stands for, its default, and an example for LIX and tests."""

    name: str
    description: str
    default: str
    example: str


PLACEHOLDERS: dict[str, Placeholder] = {
    p.name: p
    for p in (
        Placeholder(
            "klinik",
            "Klinikkens navn, fx 'Lægehuset Vestergade'.",
            "din egen læge",
            "Lægehuset Vestergade",
        ),
        Placeholder(
            "klinik_telefon",
            "Klinikkens telefonnummer.",
            "det nummer, der står på dit sundhedskort",
            "12 34 56 78",
        ),
        Placeholder(
            "laegevagt",
            "Lægevagtens nummer i klinikkens region (fra content/regions.yml). "
            "Uden region: alle regioners numre.",
            "nummeret for din region",
            "1813",
        ),
        Placeholder(
            "opbevaringsdage",
            "Hvor mange dage samtalen bliver gemt (RYGBOT_RETENTION_DAYS); klinikken kan ikke ændre det.",
            str(DEFAULT_RETENTION_DAYS),
            str(DEFAULT_RETENTION_DAYS),
        ),
    )
}


def find_placeholders(text: str) -> Iterator[tuple[str, int]]:
    """Yield (name, offset) for every `{name}` in `text`."""
    for match in PLACEHOLDER_RE.finditer(text):
        yield match.group(1), match.start()


def clean_value(value: object) -> Optional[str]:
    """A value made safe for the chat, or None when nothing usable is left."""
    if value is None:
        return None
    text = _UNSAFE_VALUE_CHARS.sub(" ", str(value))
    text = " ".join(text.split())[:MAX_VALUE_LENGTH].strip()
    return text or None


def fill(text: str, values: Optional[Mapping[str, object]], defaults: Mapping[str, str]) -> str:
    """Replace each known `{name}` with its cleaned value, else its default.

    An unknown placeholder is left as it is: `content check` reports it, and the store never
    loads a text that has one.
    """
    values = values or {}

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in defaults:
            return match.group(0)
        return clean_value(values.get(name)) or defaults[name]

    return PLACEHOLDER_RE.sub(replace, text)


def static_defaults() -> dict[str, str]:
    """Each placeholder's default when nothing else (such as the region list) is known; the
    retention days come from the setting, so the privacy text says what the purge does."""
    defaults = {name: p.default for name, p in PLACEHOLDERS.items()}
    defaults["opbevaringsdage"] = str(get_settings().retention_days)
    return defaults


def examples() -> dict[str, str]:
    """Each placeholder's example value."""
    return {name: p.example for name, p in PLACEHOLDERS.items()}
