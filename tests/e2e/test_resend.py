"""A resent message is answered once (bot/rasa/resend.py), on the real servers: the widget's
"Prøv igen" after a lost reply must not answer the next screening question unasked."""

from __future__ import annotations

import uuid

import pytest

from bot.loadtest import post
from tests.e2e.conftest import start_screening

pytestmark = pytest.mark.slow


def _questions(chat, answers: int) -> list[list[dict]]:
    """The replies to `answers` times "Nej" in a screening without resends."""
    conversation = chat()
    start_screening(conversation)
    return [post(conversation.webhook_url, conversation.sender, "/deny") for _ in range(answers)]


def test_a_resent_answer_gets_the_same_reply_and_the_screening_goes_on_in_order(chat):
    expected = _questions(chat, 2)
    conversation = chat()
    start_screening(conversation)
    url, sender, message_id = conversation.webhook_url, conversation.sender, uuid.uuid4().hex

    answered = post(url, sender, "/deny", message_id=message_id)
    again = post(url, sender, "/deny", message_id=message_id, resend=True)
    following = post(url, sender, "/deny", message_id=uuid.uuid4().hex)

    assert again == answered
    assert _texts(answered) == _texts(expected[0])
    assert _texts(following) == _texts(expected[1])


def test_a_resent_message_that_never_arrived_is_handled(chat):
    expected = _questions(chat, 1)
    conversation = chat()
    start_screening(conversation)
    reply = post(conversation.webhook_url, conversation.sender, "/deny", message_id=uuid.uuid4().hex, resend=True)
    assert _texts(reply) == _texts(expected[0])


def _texts(replies: list[dict]) -> list[str]:
    return [m["text"] for m in replies if m.get("text")]
