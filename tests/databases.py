"""Real databases for the tracker store tests: a SQLite file, and a throwaway PostgreSQL cluster.

The PostgreSQL cluster is `make run-cluster`'s (`bot.cluster.Postgres`: Debian's initdb and pg_ctl,
trust authentication on loopback; as root it runs as the `postgres` user), on a free port in a
temporary folder, without fsync. Tests that need it are skipped, saying why, where PostgreSQL is
not installed.
"""

from __future__ import annotations

import os
import pwd
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bot.cluster import Postgres, postgres_bin


def postgres_missing_reason() -> str | None:
    if not postgres_bin("initdb") or not postgres_bin("pg_ctl"):
        return "PostgreSQL is not installed (Debian: apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres user to run PostgreSQL as"
    return None


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Start a throwaway cluster; yield its SQLAlchemy URL; stop and remove it."""
    folder = Path(tempfile.mkdtemp(prefix="rygbot-pg-"))  # under /tmp: the postgres user reaches it
    server = Postgres(folder, durable=False)
    try:
        server.start()
        yield server.url
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
