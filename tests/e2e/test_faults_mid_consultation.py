"""Fault tests in the middle of a consultation: Rasa killed (SIGKILL, as in a crash) and restarted;
the tracker store's database locked.

The conversation lives in the SQL tracker store, not in Rasa's memory, so after the restart (or
once the database is free again) the screening goes on from the question it was at: the same
questions in the same order as a consultation nobody interrupted. While the database is locked
the patient gets the safe message. Own servers (own ports and database), so the other tests'
servers are never killed.
"""

from __future__ import annotations

import sqlite3
import urllib.error
from typing import Iterator

import pytest

from tests.e2e.conftest import start_screening
from tests.servers import Conversation, RasaServers, Reply

pytestmark = pytest.mark.slow

SCREENING_BUTTONS = ["/affirm", "/deny", "/dont_know"]


@pytest.fixture(scope="module")
def own_servers(trained_model, servers_log, tmp_path_factory) -> Iterator[RasaServers]:
    servers = RasaServers(trained_model, tmp_path_factory.mktemp("restart"), servers_log)
    try:
        servers.start()
        yield servers
    finally:
        servers.stop()


def _question(reply: Reply) -> str:
    assert reply.payloads == SCREENING_BUTTONS, reply.messages
    return reply.texts[-1]


def _screening(conversation: Conversation, before_answer=None) -> tuple[list[str], Reply]:
    """Answer "Nej" to every question; `before_answer(n)` runs before the n-th answer."""
    conversation.send("/greet")
    reply = start_screening(conversation)
    questions = []
    for number in range(15):
        if reply.triage is not None:
            return questions, reply
        questions.append(_question(reply))
        if before_answer:
            before_answer(number)
        reply = conversation.send("/deny")
    raise AssertionError("the screening did not end")


def test_rasa_killed_and_restarted_mid_consultation_continues_where_it_was(own_servers):
    uninterrupted, control_result = _screening(own_servers.conversation())
    assert len(uninterrupted) >= 4

    conversation = own_servers.conversation()

    def crash_at_the_third_question(number: int) -> None:
        if number != 2:
            return
        own_servers.kill_rasa()
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            conversation.send("/deny")  # Rasa is down: the widget shows its error and "Prøv igen"
        own_servers.start_rasa()

    questions, result = _screening(conversation, before_answer=crash_at_the_third_question)
    assert questions == uninterrupted
    assert result.triage["triage"] == control_result.triage["triage"] == "none"
    assert result.content_ids == control_result.content_ids


def test_tracker_store_locked_mid_consultation_gives_the_safe_message_then_goes_on(own_servers):
    uninterrupted, _ = _screening(own_servers.conversation())
    conversation = own_servers.conversation()

    def lock_the_database_at_the_second_question(number: int) -> None:
        if number != 1:
            return
        locker = sqlite3.connect(own_servers.tracker_db, timeout=1, isolation_level=None)
        try:
            locker.execute("BEGIN EXCLUSIVE")
            reply = conversation.send("/deny")
        finally:
            locker.close()
        assert reply.payloads == [], reply.messages
        assert "112" in reply.text and "læge" in reply.text

    questions, result = _screening(conversation, before_answer=lock_the_database_at_the_second_question)
    assert questions == uninterrupted
    assert result.triage["triage"] == "none"
