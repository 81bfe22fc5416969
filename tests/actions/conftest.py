"""Run the real actions against a real rasa_sdk Tracker and CollectingDispatcher, with the real
content/ and red-flag catalogue (no model, no servers)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Optional

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.rasa.detection import detection_data
from bot.redflags import detect
from tests.servers import Reply


def user_event(
    text: str, intent: str, metadata: Optional[dict] = None, detection: Optional[dict[str, Any]] = None
) -> dict[str, Any]:
    """A user event as Rasa sends it to the action server, with the detector's parse data
    (`detection` overrides parts of it, e.g. `{"ask": ["infection"]}`)."""
    parse_data = {
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [],
        "text": text,
        "metadata": metadata or {},
        "red_flags": {**detection_data(detect(text)), **(detection or {})},
    }
    return {"event": "user", "text": text, "parse_data": parse_data, "metadata": metadata or {}}


def make_tracker(
    text: str = "",
    intent: str = "describe_pain",
    slots: Optional[dict[str, Any]] = None,
    history: Optional[list[dict[str, Any]]] = None,
    active_loop: Optional[str] = None,
    metadata: Optional[dict] = None,
    after: Optional[list[dict[str, Any]]] = None,
    detection: Optional[dict[str, Any]] = None,
) -> Tracker:
    """A tracker whose latest message is `text` (with `intent`); `after` are events after it."""
    latest = user_event(text, intent, metadata, detection)
    events = [*(history or []), latest, *(after or [])]
    return Tracker(
        "test-sender",
        dict(slots or {}),
        latest["parse_data"],
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


@dataclass
class Outcome(Reply):
    """What an action sent (the same helpers as a reply over HTTP) and the events it returned."""

    events: list[dict[str, Any]] = field(default_factory=list)

    def slot(self, name: str) -> Any:
        values = [e["value"] for e in self.events if e.get("event") == "slot" and e.get("name") == name]
        assert values, f"slot {name} was not set"
        return values[-1]

    def sets(self, name: str) -> bool:
        return any(e.get("event") == "slot" and e.get("name") == name for e in self.events)


def as_sent(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The dispatcher's messages as Rasa's REST channel sends them (OutputChannel.send_response with
    CollectingOutputChannel): a text with buttons whole, any other text one message per paragraph,
    then the custom payload as a message of its own."""
    sent: list[dict[str, Any]] = []
    for message in messages:
        rest = {key: value for key, value in message.items() if value and key not in ("text", "custom", "template")}
        text = message.get("text")
        if text and not rest.get("buttons"):
            sent += [{**rest, "text": part} for part in text.strip().split("\n\n")]
        elif text or rest:
            sent.append({**rest, "text": text})
        if message.get("custom"):
            sent.append({"custom": message["custom"]})
    return sent


@pytest.fixture
def run():
    def _run(action: Action, tracker: Tracker) -> Outcome:
        dispatcher = CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, tracker, {}))
        return Outcome(as_sent(dispatcher.messages), events)

    return _run
