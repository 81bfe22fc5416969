"""SQLite as the tracker store of a Rasa server: a write-ahead log, and commits without a disk flush.

Rasa's SQL tracker store commits once per turn, on its event loop. In SQLite's default journal mode
each commit waits for the disk (fsync: ~10 ms on these machines, more when the disk is busy), and
every conversation waits with it. In WAL mode with synchronous=NORMAL a commit is a write to the
log, flushed to disk at checkpoints. The database stays consistent after a crash of the process or
the machine; only the last commits before a power cut can be lost (SQLite: "Write-Ahead Logging",
"PRAGMA synchronous"). A patient's deletion of their conversation is flushed at once (`durable`).
The tracker store keeps its connections open (`bot.rasa.speedups`), since closing the last
connection to a database in WAL mode checkpoints it.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from typing import Any, Iterator

import sqlalchemy as sa


def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def install() -> None:
    """Every SQLite connection this process opens from now on uses WAL with synchronous=NORMAL."""
    if not sa.event.contains(sa.engine.Engine, "connect", _on_connect):
        sa.event.listen(sa.engine.Engine, "connect", _on_connect)


@contextmanager
def durable(connection: sa.engine.Connection) -> Iterator[sa.engine.Connection]:
    """Within the block, commits on this connection reach the disk before they return (SQLite)."""
    if connection.dialect.name != "sqlite":
        yield connection
        return
    previous = int(connection.exec_driver_sql("PRAGMA synchronous").scalar())
    connection.exec_driver_sql("PRAGMA synchronous=FULL")
    try:
        yield connection
    finally:
        connection.exec_driver_sql(f"PRAGMA synchronous={previous}")
