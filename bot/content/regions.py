"""The five Danish regions and their lægevagt number, from `content/regions.yml`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import yaml

from bot.reloading import ContentError
from bot.content.texts import display_path

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
        data = yaml.safe_load(raw)
        node = yaml.compose(raw)
    except OSError as error:
        raise ContentError(f"{where}: Filen kan ikke læses ({error.strerror}).") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", linje {mark.line + 1}" if mark else ""
        raise ContentError(f"{where}{line}: Filen kan ikke læses. Tjek kolon, citationstegn og indrykning.") from error
    if not isinstance(data, dict):
        raise ContentError(f"{where}: Filen skal have en region pr. nøgle: {', '.join(REGION_KEYS)}.")
    lines = _key_lines(node)

    def at(*keys: str) -> str:
        line = lines.get(keys) or lines.get(keys[:1])
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
            problems.append(f"{at(key, 'phone')}: Regionen '{key}' skal have lægevagtens telefonnummer i 'phone', fx \"1813\" eller \"70 11 31 31\".")
        regions[key] = Region(name, phone)
    for key in data:
        if key not in REGION_KEYS:
            problems.append(f"{at(str(key))}: Regionen '{key}' kendes ikke. Nøglerne er: {', '.join(REGION_KEYS)}.")
    if problems:
        raise ContentError("\n".join(problems))
    return regions


def _key_lines(node: object) -> dict[tuple[str, ...], int]:
    """File line (from 1) of each region key and of each field inside it."""
    lines: dict[tuple[str, ...], int] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        lines[(key.value,)] = key.start_mark.line + 1
        if isinstance(value, yaml.MappingNode):
            for field, _ in value.value:
                if isinstance(field, yaml.ScalarNode):
                    lines[(key.value, field.value)] = field.start_mark.line + 1
    return lines


def laegevagt_list(regions: dict[str, Region]) -> str:
    """Every region's number in one phrase, for when the clinic's region is unknown."""
    parts = [f"{r.phone} ({r.name})" for r in regions.values()]
    listed = ", ".join(parts[:-1]) + f" eller {parts[-1]}" if len(parts) > 1 else "".join(parts)
    return f"nummeret for din region: {listed}"
