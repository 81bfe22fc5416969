"""A real Sanic server with the rygbot channel and a stand-in for Rasa's agent, on a free port.

The channel runs exactly as under `rasa run` (Rasa's own `register` and CORS setup); only the agent
that answers is scripted, so each test can make Rasa answer, stay silent, fail or hang.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import pytest
from rasa.core.channels.channel import UserMessage, register
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.server import configure_cors
from rasa.shared.core.domain import Domain
from sanic import Sanic

from bot.rasa.channel import RygbotInput

ALLOWED_ORIGIN = "https://klinik.example"
SENDER = "5b0f3c1e-7a2d-4e8b-9c4f-1d2e3f4a5b6c"
_names = itertools.count()


@dataclass
class FakeAgent:
    """Answers like Rasa's agent: writes replies to the message's output channel."""

    script: Callable[[UserMessage], Any] = lambda message: [{"text": "Hej fra rasa"}]
    received: list[UserMessage] = field(default_factory=list)
    # Rasa's own in-memory stores, so the delete route works on the real classes.
    tracker_store: InMemoryTrackerStore = field(default_factory=lambda: InMemoryTrackerStore(Domain.empty()))
    lock_store: InMemoryLockStore = field(default_factory=InMemoryLockStore)

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        result = self.script(message)
        if asyncio.iscoroutine(result):
            result = await result
        for reply in result or []:
            if "custom" in reply:
                await message.output_channel.send_custom_json(message.sender_id, reply["custom"])
            else:
                await message.output_channel.send_text_message(message.sender_id, reply["text"])


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class ChannelServer:
    base_url: str
    agent: FakeAgent
    allowed_origin: str = ALLOWED_ORIGIN
    sender: str = SENDER

    def request(
        self, path: str, data: Optional[bytes] = None, headers: Optional[dict] = None, method: Optional[str] = None
    ) -> Reply:
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return Reply(answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    def chat(self, message: Any, sender: Optional[str] = None, **extra: Any) -> Reply:
        body = json.dumps({"sender": sender or self.sender, "message": message, **extra}).encode()
        return self.request("/webhooks/rygbot/webhook", body, {"Content-Type": "application/json"})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# One server per test process: Sanic 21.12 cannot start a second app in the same process
# (its TouchUp rewrite of the request-streaming code fails with KeyError: 'read').
@pytest.fixture(scope="session")
def _running_server():
    app = Sanic(f"rygbot_channel_test_{next(_names)}", configure_logging=False)
    configure_cors(app, [ALLOWED_ORIGIN])
    register([RygbotInput()], app, route="/webhooks/")
    app.ctx.agent = FakeAgent()
    port = _free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(
            app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
        )
        loop.run_until_complete(server.startup())
        loop.run_until_complete(server.before_start())  # sanic-cors installs its middleware here
        loop.run_until_complete(server.after_start())
        ready.set()
        loop.run_forever()
        loop.run_until_complete(server.close())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(20), "channel test server did not start"
    yield ChannelServer(f"http://127.0.0.1:{port}", app.ctx.agent)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture
def server(_running_server):
    """The session's server with a fresh agent script for each test."""
    _running_server.agent.script = FakeAgent.script
    _running_server.agent.received.clear()
    return _running_server
