"""The clinic statistics on a hand-made tracker store (bot/stats): what is counted, what is hidden."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.stats import statistics
from bot.stats.collect import consultations
from bot.stats.report import SMALL, html_page, render
from bot.stats.web import page
from tests.databases import postgres_cluster, postgres_missing_reason

DAY = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc).timestamp()
SECRET_WORDS = "min hemmelige beskrivelse"


def user(intent: str, clinic: str = "Lægehuset") -> tuple[str, dict]:
    return "user", {"event": "user", "text": SECRET_WORDS, "parse_data": {"intent": {"name": intent}},
                    "metadata": {"clinic": {"name": clinic}}}


def bot_custom(custom: dict) -> tuple[str, dict]:
    return "bot", {"event": "bot", "text": SECRET_WORDS, "data": {"custom": custom}}


def action(name: str) -> tuple[str, dict]:
    return "action", {"event": "action", "name": name}


def slot(name: str, value) -> tuple[str, dict]:
    return "slot", {"event": "slot", "name": name, "value": value}


BENIGN = [
    user("greet"), bot_custom({"content_id": "velkommen"}), user("describe_pain"), action("screening_form"),
    slot("requested_slot", "pain_duration"), user("inform_duration"), slot("screening_category", "bladder_bowel"),
    slot("requested_slot", "screening_answer"), user("deny"), bot_custom({"content_id": "hvorfor-ikke-scanning"}),
    bot_custom({"triage": "none", "flags": []}),
]
EMERGENCY = [user("greet"), user("red_flag"), bot_custom({"triage": "emergency", "flags": ["bladder_bowel"]})]
STOPPED_AT_FEVER = [
    user("greet"), user("describe_pain"), action("screening_form"), slot("screening_category", "infection"),
    slot("requested_slot", "screening_answer"),
]
OPENED_ONLY = [user("greet")]


def store(tmp_path: Path, conversations: list[tuple[str, list[tuple[str, dict]], float]]) -> str:
    """A SQLite file with Rasa's events table holding these (sender, events, start) conversations."""
    return fill(f"sqlite:///{tmp_path / 'tracker.db'}", conversations)


def fill(url: str, conversations: list[tuple[str, list[tuple[str, dict]], float]]) -> str:
    """Rasa's events table (its columns) at `url`, holding these conversations."""
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    events = sa.Table(
        "events", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("sender_id", sa.String(255)),
        sa.Column("type_name", sa.String(255)), sa.Column("timestamp", sa.Float), sa.Column("intent_name", sa.String),
        sa.Column("action_name", sa.String), sa.Column("data", sa.Text),
    )
    meta.create_all(engine)
    with engine.begin() as connection:
        for sender, steps, start in conversations:
            for index, (kind, data) in enumerate(steps):
                connection.execute(events.insert().values(
                    sender_id=sender, type_name=kind, timestamp=start + index * 30, data=json.dumps(data)))
    engine.dispose()
    return url


def test_a_consultation_is_read_from_its_events_without_its_texts():
    rows = [("a", kind, DAY + i, data) for i, (kind, data) in enumerate(BENIGN)]
    [found] = consultations(rows)
    assert found.reached_result and found.level == "none"
    assert found.messages == 3 and found.turns == 4
    assert found.content_ids == {"velkommen", "hvorfor-ikke-scanning"}
    assert found.clinic == "Lægehuset"
    assert not hasattr(found, "text")


def test_start_forfra_begins_a_new_consultation():
    rows = [("a", kind, DAY + i, data) for i, (kind, data) in enumerate([*EMERGENCY, ("restart", {}), *OPENED_ONLY])]
    assert [c.stop for c in consultations(rows)] == ["result", "welcome"]


def test_counts_outcomes_flags_and_where_patients_stopped(tmp_path):
    url = store(tmp_path, [
        *((f"benign-{i}", BENIGN, DAY + i * 600) for i in range(6)),
        ("emergency", EMERGENCY, DAY),
        ("fever", STOPPED_AT_FEVER, DAY),
        ("opened", OPENED_ONLY, DAY),
    ])
    total = statistics(url)["total"]
    assert total["opened"] == 9
    assert total["started"] == 8
    assert total["result"] == 7
    assert total["outcomes"] == {"emergency": SMALL, "urgent": 0, "none": 6}
    assert total["red_flags"] == {"bladder_bowel": SMALL}
    assert total["stopped"] == {"result": 7, "question:infection": SMALL}
    assert total["content_read"]["hvorfor-ikke-scanning"] == 6
    assert total["median_turns"] == 3
    assert total["median_minutes"] == 5.0


def test_counts_below_five_are_shown_as_less_than_five_also_the_medians(tmp_path):
    url = store(tmp_path, [(f"b{i}", BENIGN, DAY) for i in range(3)])
    total = statistics(url)["total"]
    assert total["started"] == SMALL and total["result"] == SMALL
    assert total["median_turns"] == SMALL and total["median_minutes"] == SMALL


def test_period_and_clinic_filters(tmp_path):
    other = [user("greet", "Andet Hus"), user("describe_pain", "Andet Hus")]
    url = store(tmp_path, [
        *((f"b{i}", BENIGN, DAY) for i in range(5)),
        *((f"o{i}", other, DAY) for i in range(5)),
        *((f"late{i}", BENIGN, DAY + 3 * 86400) for i in range(5)),
    ])
    assert statistics(url)["total"]["opened"] == 15
    assert statistics(url, clinic="lægehuset")["total"]["opened"] == 10
    assert statistics(url, until=dt.date(2026, 11, 30))["total"]["opened"] == 10
    only_late = statistics(url, since=dt.date(2026, 12, 1), clinic="Lægehuset")
    assert only_late["total"]["opened"] == 5
    assert [d["date"] for d in only_late["days"]] == ["2026-12-03"]


def test_no_patient_text_in_any_format(tmp_path):
    url = store(tmp_path, [(f"b{i}", BENIGN, DAY) for i in range(6)])
    data = statistics(url)
    for fmt in ("json", "table", "html"):
        assert SECRET_WORDS not in render(data, fmt)


def test_html_report_has_both_charts():
    url_free = statistics("sqlite:////nonexistent/rygbot.db")
    text = html_page(url_free)
    assert 'class="chart chart-outcomes"' in text and 'class="chart chart-funnel"' in text
    assert "<script" not in text


def test_a_missing_store_gives_empty_statistics_and_creates_nothing(tmp_path):
    missing = tmp_path / "none.db"
    assert statistics(f"sqlite:///{missing}")["total"]["opened"] == 0
    assert not missing.exists()


def test_the_page_needs_the_token(tmp_path):
    url = store(tmp_path, [("b", BENIGN, DAY)])
    assert page("", url, "Bearer x", {}).status == 404
    assert page("s3cret", url, None, {}).status == 401
    assert page("s3cret", url, "Bearer wrong", {}).status == 401
    assert page("s3cret", url, None, {"token": "wrong"}).status == 401
    assert page("s3cret", url, "Bearer s3cret", {}).status == 200
    shown = page("s3cret", url, None, {"token": "s3cret", "format": "json"})
    assert shown.status == 200 and json.loads(shown.body)["total"]["opened"] == SMALL
    assert page("s3cret", url, "Bearer s3cret", {"since": "igår"}).status == 400


def test_postgresql_gives_the_same_statistics_as_sqlite(tmp_path):
    reason = postgres_missing_reason()
    if reason:
        pytest.skip(reason)
    conversations = [
        *((f"benign-{i}", BENIGN, DAY + i * 600) for i in range(6)),
        ("emergency", EMERGENCY, DAY),
        ("fever", STOPPED_AT_FEVER, DAY),
    ]
    expected = statistics(store(tmp_path, conversations), clinic="Lægehuset")
    with postgres_cluster() as url:
        assert statistics(fill(url, conversations), clinic="Lægehuset") == expected
