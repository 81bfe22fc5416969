"""The short soak of `make test` (`make soak` runs the long one): concurrent whole consultations
against the real servers, each reply checked against its own conversation."""

from __future__ import annotations

import pytest

from bot import loadtest

pytestmark = pytest.mark.slow

USERS = 8
SECONDS = 60  # issue 10: a one-minute version runs in make test


def test_short_soak_has_no_errors_and_no_crossed_or_lost_replies(action_server_up):
    result = loadtest.soak(action_server_up.base_url, USERS, SECONDS, pid=action_server_up._rasa.pid)
    print(result)
    assert (result["errors"], result["crossed"], result["lost"]) == (0, 0, 0), result
    assert result["consultations"] >= USERS, result
    assert result["rss_kib"]["start"] and result["rss_kib"]["end"]


def test_soak_refuses_anything_but_loopback():
    with pytest.raises(SystemExit, match="loopback only"):
        loadtest.soak("http://192.0.2.1:5005", 1, 1)
