"""bot/launcher.py: settings to Rasa's endpoints, and `python -m bot run` / `chat` end to end."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from bot import launcher
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_tracker_store_is_the_default_under_var(tmp_path):
    config = launcher.tracker_store_config("sqlite:///var/rygbot.db")
    assert config == {"type": "SQL", "dialect": "sqlite", "db": str(ROOT / "var" / "rygbot.db")}
    absolute = launcher.tracker_store_config(f"sqlite:///{tmp_path}/x.db")
    assert absolute["db"] == f"{tmp_path}/x.db"


def test_postgres_tracker_store_from_url():
    config = launcher.tracker_store_config("postgresql://rygbot:s%40cret@db.example:5432/rygbot")
    assert config == {
        "type": "SQL", "dialect": "postgresql", "url": "db.example", "port": 5432,
        "db": "rygbot", "username": "rygbot", "password": "s@cret",
    }


def test_postgres_connection_options_reach_rasa():
    config = launcher.tracker_store_config("postgresql://rygbot@db.example/rygbot?sslmode=verify-full")
    assert config["query"] == {"sslmode": "verify-full"}


def test_redis_lock_store_only_when_configured():
    assert launcher.lock_store_config("") is None
    assert launcher.lock_store_config("redis://:pw@cache:6380/2") == {
        "type": "redis", "url": "cache", "port": 6380, "db": 2, "password": "pw", "key_prefix": "rygbot",
    }


def test_endpoints_file_points_to_the_action_server(tmp_path):
    path = launcher.write_endpoints(tmp_path / "endpoints.yml", 5099, f"sqlite:///{tmp_path}/t.db", "redis://cache")
    config = yaml.safe_load(path.read_text())
    assert config["action_endpoint"]["url"] == "http://127.0.0.1:5099/webhook"
    assert config["tracker_store"]["dialect"] == "sqlite"
    assert config["lock_store"]["type"] == "redis"


def test_fingerprint_changes_with_the_training_data(tmp_path):
    for name in ("domain.yml", "config.yml", "bot/rasa/redflag_component.py", "data/nlu/a.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    before = launcher.fingerprint(tmp_path)
    assert launcher.fingerprint(tmp_path) == before
    (tmp_path / "data/nlu/a.yml").write_text("y")
    assert launcher.fingerprint(tmp_path) != before


def _env(**overrides: str) -> dict[str, str]:
    return {
        **launcher.rasa_env(), "RYGBOT_HOST": "", "RYGBOT_ACTION_HOST": "", "RYGBOT_CORS_ORIGINS": "",
        "RYGBOT_RASA_API_TOKEN": "", "RYGBOT_RETENTION_DAYS": "", **overrides,
    }


def _listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as in /proc/net/tcp) that listen on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def _old_conversation(db: Path, age_days: float) -> str:
    """A conversation in Rasa's own SQL tracker store whose last message is `age_days` old."""
    import asyncio
    import uuid
    from concurrent.futures import ThreadPoolExecutor

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    sender = str(uuid.uuid4())
    event = UserUttered("hej", timestamp=time.time() - age_days * 24 * 60 * 60)
    with ThreadPoolExecutor(1) as pool:  # a browser test may leave an event loop running in this thread
        pool.submit(asyncio.run, store.save(DialogueStateTracker.from_events(sender, [event]))).result()
    store.engine.dispose()
    return sender


@pytest.mark.slow
def test_run_starts_both_servers_prints_the_demo_page_and_stops_on_sigterm(trained_model, tmp_path):
    """Also: both servers listen on loopback only, and conversations past the retention are purged at start."""
    import sqlite3

    _old_conversation(tmp_path / "tracker.db", 31)
    kept = _old_conversation(tmp_path / "tracker.db", 29)
    rasa_port, action_port = free_port(), free_port()
    env = _env(
        RYGBOT_RASA_PORT=str(rasa_port), RYGBOT_ACTION_PORT=str(action_port),
        RYGBOT_TRACKER_STORE_URL=f"sqlite:///{tmp_path}/tracker.db",
    )
    log = (tmp_path / "run.log").open("w+")
    process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while "Stop med Ctrl-C" not in (tmp_path / "run.log").read_text() and time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
            time.sleep(1)
        output = (tmp_path / "run.log").read_text()
        assert f"http://127.0.0.1:{rasa_port}/demo" in output, output[-3000:]
        loopback = {"0100007F", "00000000000000000000000001000000"}
        assert _listening_addresses(rasa_port) and _listening_addresses(rasa_port) <= loopback
        assert _listening_addresses(action_port) and _listening_addresses(action_port) <= loopback
        with sqlite3.connect(tmp_path / "tracker.db") as db:
            assert {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")} == {kept}
        os.killpg(process.pid, signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert not re.search(r"Traceback", output)
    finally:
        launcher.stop(process)
        log.close()


@pytest.mark.slow
def test_terminal_chat_talks_to_the_running_bot(rasa_servers):
    env = _env(RYGBOT_RASA_PORT=str(rasa_servers.rasa_port))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"], cwd=ROOT, env=env, input="jeg har 39 i feber\n/quit\n",
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "bot> " in result.stdout
    assert '"triage": "urgent"' in result.stdout


def test_rasa_http_api_is_off_unless_a_token_is_set(tmp_path):
    import dataclasses

    from bot.settings import get_settings

    settings = dataclasses.replace(get_settings(), rasa_api_token="", cors_origins=("https://klinik.example",))
    command = launcher.rasa_command(tmp_path / "m.tar.gz", 5005, tmp_path / "e.yml", settings)
    assert "--enable-api" not in command
    assert command[command.index("--cors") + 1] == "https://klinik.example"
    assert command[command.index("--credentials") + 1].endswith("credentials.yml")
    with_token = launcher.rasa_command(
        tmp_path / "m.tar.gz", 5005, tmp_path / "e.yml", dataclasses.replace(settings, rasa_api_token="s3cret")
    )
    assert with_token[-3:] == ["--enable-api", "--auth-token", "s3cret"]
