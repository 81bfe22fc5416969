"""The five Danish regions and their lægevagt number, from `content/regions.yml`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import yaml

from bot import yaml_lines
from bot.content.texts import display_path
from bot.reloading import ContentError

REGION_KEYS: tuple[str, ...] = ("hovedstaden", "sjaelland", "syddanmark", "midtjylland", "nordjylland")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ]{2,14}[0-9]$")


class Region(NamedTuple):
    """A region's name and the phone number of its lægevagt (out-of-hours doctor)."""

    name: str
    phone: str


def parse_regions(path: Path) -> dict[str, Region]:
    """Load regions.yml; raise `ContentError` listing every problem (file and line, in Danish)."""
    problems = []
    where = display_path(path)
    try:
        raw = Path(path).read_text(encoding="utf-8")
        data = yaml_lines.load(raw)
    except OSError as error:
        raise ContentError(f"{where}: Filen kan ikke læses ({error.strerror}).") from error
    except yaml.YAMLError as error:
        error_line = yaml_lines.error_line(error)
        line = f", linje {error_line}" if error_line else ""
        raise ContentError(f"{where}{line}: Filen kan ikke læses. Tjek kolon, citationstegn og indrykning.") from error
    if not isinstance(data, dict):
        raise ContentError(f"{where}: Filen skal have en region pr. nøgle: {', '.join(REGION_KEYS)}.")
    def at(key: str, field: str = "") -> str:
        entry = data.get(key)
        found = next((f for f in entry if f == field), None) if field and isinstance(entry, dict) else None
        line = yaml_lines.line_of(found) or yaml_lines.line_of(next((k for k in data if k == key), None))
        return f"{where}, linje {line}" if line else where

    regions = {}
    for key in REGION_KEYS:
        entry = data.get(key)
        if not isinstance(entry, dict):
            problems.append(f"{at(key)}: Regionen '{key}' mangler 'name' og 'phone'.")
            continue
        name = " ".join(str(entry.get("name") or "").split())
        phone = " ".join(str(entry.get("phone") or "").split())
        if not name:
            problems.append(f"{at(key, 'name')}: Regionen '{key}' mangler et navn ('name').")
        if not PHONE_RE.match(phone):
            problems.append(
                f"{at(key, 'phone')}: Regionen '{key}' skal have lægevagtens telefonnummer i 'phone', "
                "fx \"1813\" eller \"70 11 31 31\"."
            )
        regions[key] = Region(name, phone)
    for key in data:
        if key not in REGION_KEYS:
            problems.append(f"{at(str(key))}: Regionen '{key}' kendes ikke. Nøglerne er: {', '.join(REGION_KEYS)}.")
    if problems:
        raise ContentError("\n".join(problems))
    return regions


def laegevagt_list(regions: dict[str, Region]) -> str:
    """Every region's number in one phrase, for when the clinic's region is unknown."""
    parts = [f"{r.phone} ({r.name})" for r in regions.values()]
    listed = ", ".join(parts[:-1]) + f" eller {parts[-1]}" if len(parts) > 1 else "".join(parts)
    return f"nummeret for din region: {listed}"
