"""Clinic statistics from the tracker store: `python -m bot stats` and the server's /stats page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Optional

from bot.stats.collect import consultations, read_events
from bot.stats.report import report, select

# Events this long before `since` are read too, so a consultation that began the day before is
# still seen whole (it is then left out by its start day).
_MARGIN_SECONDS = 2 * 24 * 60 * 60


def statistics(
    tracker_store_url: str,
    since: Optional[dt.date] = None,
    until: Optional[dt.date] = None,
    clinic: Optional[str] = None,
) -> dict[str, Any]:
    """The statistics of the tracker store at this URL (bot.stats.report.report's object)."""
    from bot.retention import engine_for

    engine = engine_for(tracker_store_url)
    database = engine.url.database if engine is not None and engine.url.get_backend_name() == "sqlite" else None
    if engine is None or database and not Path(database).exists():
        return report([], since, until, clinic)  # nothing stored yet; do not create the file
    start = None
    if since is not None:
        start = dt.datetime.combine(since, dt.time(), dt.timezone.utc).timestamp() - _MARGIN_SECONDS
    try:
        found = consultations(read_events(engine, start))
    finally:
        engine.dispose()
    return report(select(found, since, until, clinic), since, until, clinic)
