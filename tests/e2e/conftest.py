"""Helpers for whole conversations over HTTP against the real servers (tests/servers.py)."""

from __future__ import annotations

from typing import Optional

import pytest

from bot import routing
from bot.content import get_store
from tests.servers import Conversation, RasaServers, Reply

MAX_QUESTIONS = 15


def answer_until_result(conversation: Conversation, reply: Reply, answer: str = "/deny") -> Reply:
    """Answer every screening question with `answer` until a reply carries a triage result."""
    for _ in range(MAX_QUESTIONS):
        if reply.triage is not None:
            return reply
        assert "/deny" in reply.payloads, f"expected a screening question, got {reply.messages}"
        reply = conversation.send(answer)
    raise AssertionError("the screening did not end")


def start_screening(conversation: Conversation, duration: str = "3 dage") -> Reply:
    """Describe the pain and give the duration: returns the first screening question."""
    reply = conversation.send("jeg har fået ondt i lænden")
    assert "under 6 uger" in reply.payloads, reply.messages
    reply = conversation.send(duration)
    assert reply.payloads == ["/affirm", "/deny", "/dont_know"], reply.messages
    return reply


def reassuring_texts() -> set[str]:
    """Every chat message of a text that must not follow an escalation (invariant 2)."""
    store = get_store()
    ids = {*routing.ROUTES.values(), *routing.NO_RED_FLAG_RESULT} - routing.NEUTRAL_AFTER_ESCALATION
    return {message for text_id in ids for message in store.messages(text_id)}


def assert_no_reassurance(reply: Reply) -> None:
    allowed = routing.NEUTRAL_AFTER_ESCALATION | {routing.EMERGENCY, routing.URGENT, routing.WHAT_TO_SAY}
    assert set(reply.content_ids) <= allowed, reply.content_ids
    leaked = reassuring_texts() & set(reply.texts)
    assert not leaked, leaked


def assert_escalated(reply: Reply, level: str, flag: Optional[str] = None) -> None:
    assert reply.triage is not None, reply.messages
    assert reply.triage["triage"] == level, reply.triage
    if flag:
        assert flag in reply.triage["flags"], reply.triage
    assert ("112" if level == "emergency" else "læge") in reply.text


@pytest.fixture
def chat(action_server_up: RasaServers):
    """A new conversation (a new sender id) per call, opened with /greet like the widget does
    (so the welcome is out of the way) unless `opened=False`."""

    def new(opened: bool = True, clinic: Optional[dict[str, str]] = None) -> Conversation:
        conversation = action_server_up.conversation(clinic=clinic)
        if opened:
            assert routing.WELCOME in conversation.send("/greet").content_ids
        return conversation

    return new
