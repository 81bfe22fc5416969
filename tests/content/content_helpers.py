"""Helpers for the content tests: write text files and make sure a reload notices them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

TEXT_TEMPLATE = """---
id: {id}
title: En test
version: 1
reviewed_on: 2026-01-31
reviewed_by: praktiserende læge
sources:
  - title: "Vælg Klogt"
    url: https://vaelgklogt.dk/
---
{body}
"""


def make_text(text_id: str, body: str = "Hej. Det er en kort tekst.", replace: Optional[dict[str, str]] = None) -> str:
    """A valid text file's content; `replace` swaps exact pieces of it (old -> new)."""
    text = TEXT_TEMPLATE.format(id=text_id, body=body)
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def rewrite(path: Path, text: str) -> None:
    """Write a file and move its mtime forward, so a reload is seen even on coarse clocks."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    bumped = max(before + 1_000_000_000, path.stat().st_mtime_ns)
    os.utime(path, ns=(bumped, bumped))
