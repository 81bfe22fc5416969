"""bot/sqlite.py: the tracker store's SQLite commits without a disk flush, deletions with one."""

from __future__ import annotations

import sqlalchemy as sa

from bot import retention, sqlite


def _pragma(connection: sa.engine.Connection, name: str) -> object:
    return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_sqlite_connections_use_a_write_ahead_log_and_no_flush_per_commit(tmp_path):
    sqlite.install()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as connection:
        assert _pragma(connection, "journal_mode") == "wal"
        assert _pragma(connection, "synchronous") == 1  # NORMAL


def test_a_deletion_reaches_the_disk_before_it_returns(tmp_path):
    sqlite.install()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as connection:
        with sqlite.durable(connection):
            assert _pragma(connection, "synchronous") == 2  # FULL
        assert _pragma(connection, "synchronous") == 1


def test_deleting_a_conversation_works_in_wal_mode(tmp_path):
    sqlite.install()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, timestamp REAL)")
        connection.exec_driver_sql("INSERT INTO events (sender_id, timestamp) VALUES ('a', 1), ('a', 2), ('b', 3)")
    assert retention.delete_engine(engine, "a") == 2
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT sender_id FROM events").scalars().all() == ["b"]
