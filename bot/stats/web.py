"""The statistics page on Rasa's port (`/stats`), for the clinic: who may see it, and what it shows.

Served only when RYGBOT_STATS_TOKEN is set; otherwise the page does not exist (404). With the
setting, the caller gives the token as `Authorization: Bearer TOKEN` or `?token=TOKEN` (for a
bookmark); without it, or with a wrong one: 401. Query: since, until (YYYY-MM-DD), clinic, format
(html, the default, or json).
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Mapping, Optional

from bot.stats import statistics
from bot.stats.report import render

NOT_FOUND = 404
UNAUTHORISED = 401
BAD_REQUEST = 400
CONTENT_TYPES = {"html": "text/html; charset=utf-8", "json": "application/json"}
# The page has no scripts and loads nothing; it may not be framed or cached.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
}


@dataclass(frozen=True)
class Page:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


def authorised(expected: str, header: Optional[str], query_token: Optional[str]) -> bool:
    """True when the caller gave the configured token (compared in constant time)."""
    if not expected:
        return False
    given = ""
    if header and header.lower().startswith("bearer "):
        given = header[7:].strip()
    elif query_token:
        given = query_token
    return bool(given) and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _date(value: Optional[str]) -> Optional[dt.date]:
    return dt.date.fromisoformat(value) if value else None


def page(
    expected_token: str, tracker_store_url: str, header: Optional[str], query: Mapping[str, Optional[str]]
) -> Page:
    """The response to GET /stats."""
    if not expected_token:
        return Page(NOT_FOUND, "Not found")
    if not authorised(expected_token, header, query.get("token")):
        return Page(UNAUTHORISED, "Adgang kræver statistik-nøglen (RYGBOT_STATS_TOKEN).")
    fmt = query.get("format") or "html"
    try:
        since, until = _date(query.get("since")), _date(query.get("until"))
    except ValueError:
        return Page(BAD_REQUEST, "since og until skal være datoer som 2026-12-01.")
    if fmt not in CONTENT_TYPES:
        return Page(BAD_REQUEST, "format skal være html eller json.")
    data = statistics(tracker_store_url, since, until, query.get("clinic") or None)
    return Page(200, render(data, fmt), CONTENT_TYPES[fmt])
