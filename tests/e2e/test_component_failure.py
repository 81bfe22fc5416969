"""DESIGN.md invariant 5: with the action server down the patient still gets a safe message.

The safe reply comes from the rygbot channel's safety net (bot/rasa/channel.py); this test pins
the contract end to end. It restarts the action server afterwards for the other tests.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_escalated

pytestmark = pytest.mark.slow


@pytest.fixture
def action_server_down(rasa_servers):
    rasa_servers.stop_action_server()
    yield rasa_servers
    rasa_servers.start_action_server()


def test_action_server_down_still_tells_who_to_call(action_server_down):
    reply = action_server_down.conversation().send("skal jeg have en scanning?")
    assert "112" in reply.text
    assert "læge" in reply.text


def test_action_server_down_still_escalates_a_red_flag(action_server_down):
    reply = action_server_down.conversation().send("jeg kan ikke mærke noget i skridtet")
    assert_escalated(reply, "emergency", "saddle_numbness")
