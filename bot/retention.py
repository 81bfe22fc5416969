"""`python -m bot purge`: delete conversations older than RYGBOT_RETENTION_DAYS, and one on request.

Rasa's SQL tracker store keeps one row per event in the table `events` (sender_id, timestamp in
seconds since the epoch, ...). A conversation is older than the retention when its newest event
is: then every event of that sender id goes, so nothing of it is left half. Plain SQLAlchemy Core
on the table's name (no Rasa import), so the same statements run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

import sqlalchemy as sa

from bot.settings import PROJECT_ROOT, get_settings
from bot.sqlite import durable

logger = logging.getLogger(__name__)

EVENTS_TABLE = "events"
SECONDS_PER_DAY = 24 * 60 * 60


def engine_for(tracker_store_url: str) -> Optional[sa.engine.Engine]:
    """An engine for the tracker store URL of the settings; None for the in-memory store.

    A relative SQLite path is relative to the project, as in `bot.launcher.tracker_store_config`.
    """
    if not tracker_store_url or tracker_store_url == "memory":
        return None
    url = sa.engine.make_url(tracker_store_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).is_absolute():
        url = url.set(database=str(PROJECT_ROOT / url.database))
    return sa.create_engine(url)


def _events(engine: sa.engine.Engine) -> Optional[sa.Table]:
    """The events table, or None when Rasa has not created it yet (nothing stored)."""
    if not sa.inspect(engine).has_table(EVENTS_TABLE):
        return None
    return sa.Table(EVENTS_TABLE, sa.MetaData(), autoload_with=engine)


def purge_engine(engine: sa.engine.Engine, days: int, now: Optional[float] = None) -> int:
    """Delete every conversation whose newest event is more than `days` days old; return how many."""
    if days < 1:
        raise ValueError("The retention must be at least one day.")
    events = _events(engine)
    if events is None:
        return 0
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    old = (
        sa.select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(sa.func.max(events.c.timestamp) < cutoff)
    )
    with engine.begin() as connection:
        senders = [row[0] for row in connection.execute(old)]
        for start in range(0, len(senders), 500):
            connection.execute(sa.delete(events).where(events.c.sender_id.in_(senders[start : start + 500])))
    return len(senders)


def delete_engine(engine: sa.engine.Engine, sender_id: str) -> int:
    """Delete every event of one conversation, on disk before it returns; return how many rows went."""
    events = _events(engine)
    if events is None:
        return 0
    with engine.connect() as connection, durable(connection), connection.begin():
        return connection.execute(sa.delete(events).where(events.c.sender_id == sender_id)).rowcount


def purge(tracker_store_url: str, days: int, now: Optional[float] = None) -> int:
    """Apply the retention to the tracker store at this URL; return the number of conversations deleted."""
    engine = engine_for(tracker_store_url)
    if engine is None:
        return 0
    try:
        deleted = purge_engine(engine, days, now)
    finally:
        engine.dispose()
    logger.info("Purged %d conversation(s) older than %d days", deleted, days)
    return deleted


def main(argv: Sequence[str]) -> int:
    """`python -m bot purge`: apply RYGBOT_RETENTION_DAYS to RYGBOT_TRACKER_STORE_URL."""
    settings = get_settings()
    if len(argv) > 1:
        print(
            "usage: python -m bot purge   (settings: RYGBOT_RETENTION_DAYS, RYGBOT_TRACKER_STORE_URL)", file=sys.stderr
        )
        return 2
    deleted = purge(settings.tracker_store_url, settings.retention_days)
    print(f"Slettede {deleted} samtale(r), der er ældre end {settings.retention_days} dage.")
    return 0
