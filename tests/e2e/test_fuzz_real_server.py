"""The generated webhook bodies of tests/channel/test_fuzz.py against the real Rasa server and
action server: a smaller run (each turn goes through Rasa's NLU, policies and actions)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from tests.channel.test_fuzz import FUZZ, bodies
from tests.servers import post_json

pytestmark = pytest.mark.slow

EXAMPLES = 150


def test_real_server_never_answers_5xx_and_always_a_reply_or_a_clear_4xx(action_server_up):
    @settings(FUZZ, max_examples=EXAMPLES)
    @given(body=bodies)
    def check(body: bytes) -> None:
        status, answer = post_json(action_server_up.webhook_url, body)
        assert status < 500, (status, body[:200])
        if status == 200:
            assert any(isinstance(m.get("text"), str) and m["text"].strip() for m in answer), answer
        else:
            assert isinstance(answer.get("error"), str) and isinstance(answer.get("message"), str), answer

    check()
