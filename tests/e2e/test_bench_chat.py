"""`make bench-chat` end to end on a tiny setting, against the test servers (no stock bot is built:
that takes a minute). Nothing here is timed; it checks that the figures are measured and shown."""

from __future__ import annotations

import pytest

from benchmarks import bench_chat
from bot import loadtest

pytestmark = pytest.mark.slow


def test_a_round_plays_whole_consultations_and_measures_every_figure(action_server_up):
    servers = action_server_up
    bot = bench_chat.Bot(
        "rygbot", servers.base_url, loadtest.RYGBOT_WEBHOOK_PATH, loadtest.rygbot_consultation,
        [servers._rasa.pid, servers._actions.pid],
    )
    figures = bench_chat.measure(bot, users=2, seconds=3).as_dict()
    assert figures["conversations"] >= 1 and figures["errors"] == 0, figures
    assert figures["turns"] >= 13 and figures["per_second"] > 0
    assert figures["peak_rss_mib"] > 0 and figures["cpu_ms_per_message"] > 0
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]

    text, targets = bench_chat.table({"rygbot": {2: [figures]}, "stock": {2: [figures]}}, {"rygbot": 1.0, "stock": 1.0})
    assert "| 2 | rygbot |" in text and "| 2 | stock |" in text
    assert "| 2 | **ratio** | 1.00 | 1.00 |" in text
    assert targets == [("peak RSS ≤ 1.2× stock (1.00)", True)]


def test_the_stock_conversation_is_as_long_as_a_consultation():
    assert len(loadtest.STOCK_MESSAGES) == 13
    assert list(loadtest.stock_conversation()) == list(loadtest.STOCK_MESSAGES)
