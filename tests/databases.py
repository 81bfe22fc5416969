"""Real databases for the tracker store tests: a SQLite file, and a throwaway PostgreSQL cluster.

The PostgreSQL cluster runs from Debian's packages (initdb, pg_ctl) on a free loopback port with
trust authentication, in a temporary folder; PostgreSQL will not run as root, so as root it runs as
the `postgres` user. Tests that need it are skipped, saying why, where PostgreSQL is not installed.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tests.servers import free_port

POSTGRES_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
POSTGRES_USER = "rygbot"


def postgres_bin(name: str) -> str | None:
    for folder in POSTGRES_BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    return shutil.which(name)


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
    folder = Path(tempfile.mkdtemp(prefix="rygbot-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    data = folder / "data"
    try:
        subprocess.run(
            [*as_user, postgres_bin("initdb"), "-D", str(data), "-A", "trust", "-U", POSTGRES_USER],
            check=True, capture_output=True,
        )
        options = f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [*as_user, postgres_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
            check=True, capture_output=True,
        )
        yield f"postgresql://{POSTGRES_USER}@127.0.0.1:{port}/postgres"
    finally:
        if data.exists():
            subprocess.run(
                [*as_user, postgres_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
            )
        shutil.rmtree(folder, ignore_errors=True)
