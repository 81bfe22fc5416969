"""Retention and deletion on Rasa's own SQL tracker store, in real SQLite and PostgreSQL databases;
and the privacy text, which must say what the code does."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import retention
from bot.content.store import Store
from bot.input_guard import redact
from bot.settings import PROJECT_ROOT, get_settings
from tests.databases import postgres_cluster, postgres_missing_reason

DAY = 24 * 60 * 60
NOW = 1_800_000_000.0


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> Iterator[str]:
    """A tracker store URL as in RYGBOT_TRACKER_STORE_URL, on a real, empty database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    reason = postgres_missing_reason()
    if reason:
        pytest.skip(reason)
    with postgres_cluster() as url:
        yield url


def _await(coroutine):
    """Run a coroutine to the end in its own thread (a browser test may leave a loop running here)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _rasa_store(url: str) -> SQLTrackerStore:
    """Rasa's SQLTrackerStore on this URL, so the table is exactly the one Rasa writes."""
    parts = sa.engine.make_url(url)
    if parts.get_backend_name() == "sqlite":
        return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=parts.database)
    return SQLTrackerStore(
        Domain.empty(), dialect="postgresql", host=parts.host, port=parts.port, db=parts.database,
        username=parts.username,
    )


def _save(store: SQLTrackerStore, *ages_in_days: float) -> str:
    """Store a conversation with one user and one bot event per age (days before NOW)."""
    sender = str(uuid.uuid4())
    events = []
    for age in ages_in_days:
        events += [UserUttered("hej", timestamp=NOW - age * DAY), BotUttered("Hej!", timestamp=NOW - age * DAY + 1)]
    _await(store.save(DialogueStateTracker.from_events(sender, events)))
    return sender


def _senders(url: str) -> set[str]:
    engine = retention.engine_for(url)
    try:
        with engine.connect() as connection:
            return {row[0] for row in connection.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}
    finally:
        engine.dispose()


def test_purge_deletes_conversations_whose_last_message_is_older_than_the_retention(store_url):
    store = _rasa_store(store_url)
    _save(store, 45, 31)  # last message 31 days old: purged
    recent_but_long = _save(store, 60, 2)  # started long ago, still going: kept whole
    within = _save(store, 29)
    store.engine.dispose()
    assert retention.purge(store_url, 30, now=NOW) == 1
    assert _senders(store_url) == {recent_but_long, within}
    engine = retention.engine_for(store_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": recent_but_long})
        assert rows.scalar() == 4
    engine.dispose()


def test_purge_follows_the_retention_days(store_url):
    store = _rasa_store(store_url)
    _save(store, 29)
    kept = _save(store, 5)
    store.engine.dispose()
    assert retention.purge(store_url, 10, now=NOW) == 1
    assert _senders(store_url) == {kept}


def test_delete_removes_every_event_of_one_conversation_only(store_url):
    store = _rasa_store(store_url)
    mine, other = _save(store, 1, 0), _save(store, 0)
    store.engine.dispose()
    engine = retention.engine_for(store_url)
    assert retention.delete_engine(engine, mine) == 4
    engine.dispose()
    assert _senders(store_url) == {other}


def test_purge_before_rasa_created_the_table_does_nothing(store_url):
    assert retention.purge(store_url, 30) == 0


def test_retention_below_one_day_is_refused(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(ValueError):
        retention.purge_engine(engine, 0)


def test_purge_command_applies_the_settings(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = _rasa_store(url)
    now = time.time()
    old = str(uuid.uuid4())
    _await(store.save(DialogueStateTracker.from_events(old, [UserUttered("hej", timestamp=now - 8 * DAY)])))
    fresh = str(uuid.uuid4())
    _await(store.save(DialogueStateTracker.from_events(fresh, [UserUttered("hej", timestamp=now - 6 * DAY)])))
    store.engine.dispose()
    env = {"PATH": "/usr/bin:/bin", "RYGBOT_TRACKER_STORE_URL": url, "RYGBOT_RETENTION_DAYS": "7"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "purge"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Slettede 1 samtale(r), der er ældre end 7 dage." in result.stdout
    assert _senders(url) == {fresh}


# --- The privacy text says what the code does ----------------------------------------------------


@pytest.fixture
def retention_days(monkeypatch):
    def use(days: str) -> Store:
        monkeypatch.setenv("RYGBOT_RETENTION_DAYS", days)
        get_settings.cache_clear()
        return Store(get_settings().content_dir)

    yield use
    get_settings.cache_clear()


@pytest.mark.parametrize("days", ["30", "45"])
def test_privacy_text_gives_the_retention_days_of_the_setting(retention_days, days):
    store = retention_days(days)
    text = "\n".join(store.messages("privatliv"))
    assert f"slettet {days} dage efter din sidste besked" in text
    assert not re.search(r"\b(?!%s\b)\d+ dage" % days, text), "another number of days in the privacy text"


def test_privacy_text_names_the_delete_button_the_widget_has(retention_days):
    text = "\n".join(retention_days("30").messages("privatliv"))
    label = re.search(r'button\("([^"]+)", "rb-delete"', (PROJECT_ROOT / "widget" / "widget.js").read_text()).group(1)
    assert label == "Slet samtalen"
    assert f"**{label}**" in text


def test_privacy_text_names_exactly_what_the_guard_removes(retention_days):
    text = "\n".join(retention_days("30").messages("privatliv"))
    assert "fjerner jeg CPR-numre, telefonnumre, mailadresser og adresser" in text
    assert "dit navn, når du skriver «jeg hedder» eller skriver under med det" in text
    _, kinds = redact("010203-1234 12345678 a@b.dk Søndergade 14. Jeg hedder Anne Hansen. Mvh. Anne")
    assert set(kinds) == {"cpr", "phone", "email", "address", "name"}
    # A name anywhere else is just a capitalised word: the text says it cannot always be found.
    assert redact("Anne Hansen har ondt i ryggen") == ("Anne Hansen har ondt i ryggen", ())
    assert "Dem kan jeg ikke altid finde og fjerne" in text
