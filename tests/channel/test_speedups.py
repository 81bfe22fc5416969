"""bot/rasa/speedups.py: each replacement does what Rasa's own code does, only cheaper."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import jsonschema
import pytest
import sqlalchemy as sa
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

from bot.rasa import speedups

VALID = {
    "events": [{"event": "slot", "name": "requested_slot", "value": "screening_answer", "timestamp": None}],
    "responses": [{"text": "Har du feber?", "buttons": [{"title": "Ja", "payload": "/affirm"}]}],
}


@pytest.fixture(autouse=True)
def installed():
    speedups.install()


def test_a_valid_action_response_passes_without_checking_the_schema_again(monkeypatch):
    def no_schema_check(*args, **kwargs):
        raise AssertionError("the schema was checked again")

    monkeypatch.setattr(type(speedups.response_validators()[0]), "check_schema", no_schema_check)
    assert RemoteAction("validate_screening_form", None)._validate_action_result(VALID)


def _events(*events: dict) -> dict:
    return {"events": list(events), "responses": []}


RESPONSES = [
    VALID,
    {},
    {"events": [], "responses": [{"text": "x"}, {"custom": {"triage": "none", "flags": []}}]},
    _events(*[{"event": cls.type_name} for cls in all_subclasses(Event)]),
    _events({"event": "slot", "name": "triage_level", "value": "urgent", "timestamp": 1.5}),
    _events({"event": "user", "text": "nej", "parse_data": {"intent": {"name": "deny", "confidence": 1.0}}}),
    _events({"event": "bot", "text": "Hej", "data": {"custom": {"content_id": "velkommen"}}, "metadata": {}}),
    _events({"event": "action", "name": "action_listen", "policy": None, "confidence": None}),
    _events({"event": "active_loop", "name": None}, {"event": "followup", "name": "action_listen"}),
    # Not valid:
    _events({"event": "no_such_event"}),
    _events({"event": "slot", "value": 1}),
    _events({"event": "slot", "name": 3, "value": 1}),
    _events({"name": "x"}),
    _events({"event": "user", "parse_data": "not an object"}),
    _events({"event": "slot", "name": "x", "value": 1, "timestamp": "now"}),
    _events("slot"),
    {"events": {"event": "slot"}},
    {"events": [], "responses": ["text"]},
    [],
]


@pytest.mark.parametrize("response", RESPONSES)
def test_a_response_is_valid_exactly_when_rasas_schema_says_so(response):
    schema = RemoteAction.action_response_format_spec()
    rasas_own = jsonschema.validators.validator_for(schema)(schema)
    assert speedups.is_valid_response(response) == rasas_own.is_valid(response)


def test_an_invalid_action_response_is_refused_with_rasas_own_error():
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        RemoteAction("validate_screening_form", None)._validate_action_result({"events": [{"event": "no_such_event"}]})


def test_every_event_name_resolves_to_the_class_rasa_finds():
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is speedups._RASA_RESOLVE_BY_TYPE(cls.type_name)
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")


def test_a_sqlite_tracker_store_keeps_its_connections_and_stores_as_before(tmp_path):
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    assert isinstance(store.engine.pool, sa.pool.QueuePool)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    tracker = DialogueStateTracker.from_events("a", [UserUttered("nej", {"name": "deny"}), SlotSet("x", 1)])
    _run(store.save(tracker))
    assert [e.as_dict()["event"] for e in _run(store.retrieve("a")).events] == ["user", "slot"]


def _run(coroutine):
    """Run a coroutine on a loop of its own, also when a test before left one running here."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_other_databases_get_rasas_engine_settings():
    url = "postgresql://rygbot@db.example/rygbot"
    assert speedups._create_engine_kwargs(url) == speedups._RASA_ENGINE_KWARGS(url)
