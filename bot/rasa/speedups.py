"""Three of Rasa 3.6's costs per turn, removed without changing what Rasa does.

Rasa is pinned (constraints.txt), and tests/channel/test_speedups.py checks each replacement against
Rasa's own behaviour. `install()` is called once, when the rygbot channel starts in `rasa run`.

- Rasa validates every action server response with `jsonschema.validate`, which first checks the
  response schema itself against the JSON Schema meta-schema: about 25 ms per action call with
  jsonschema 4.17, more than the rest of a turn (RasaHQ/rasa#11717). Here validators checked and
  built once validate each response against the same schema, each event against the one
  alternative of the schema's `oneOf` that has its name (the alternatives differ in the `event`
  constant, so no other can match). A response that does not fit goes on to Rasa's own check,
  which refuses it with Rasa's own error.
- Rasa finds an event's class by its name by walking every subclass of `Event` (with an abstractness
  check of each), for every event it reads back from the tracker store or the action server: about
  a tenth of a turn. Here the classes are looked up in a table built from the same walk, rebuilt
  when a name is not in it; unknown names go on to Rasa's own lookup.
- SQLAlchemy 1.4 opens and closes a new SQLite connection for every tracker store session (NullPool),
  and closing the last connection to a database in WAL mode checkpoints it. Here SQLite tracker
  stores keep their connections in a pool, with `bot.sqlite`'s settings (WAL, synchronous=NORMAL).
"""

from __future__ import annotations

import copy
import logging
from functools import lru_cache
from typing import Any, Optional, Union

import rasa.core.tracker_store
import sqlalchemy as sa
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

from bot import sqlite

logger = logging.getLogger(__name__)

_RASA_VALIDATION = RemoteAction._validate_action_result
_RASA_RESOLVE_BY_TYPE = Event.resolve_by_type
_RASA_ENGINE_KWARGS = rasa.core.tracker_store.create_engine_kwargs
_event_classes: dict[str, type[Event]] = {}


@lru_cache(maxsize=1)
def response_validators() -> tuple[Validator, dict[str, Validator]]:
    """Rasa's action response schema, checked once and split in two: the response with its events'
    `oneOf` left out, and per event name the alternative of that `oneOf` with that name."""
    schema = copy.deepcopy(RemoteAction.action_response_format_spec())
    alternatives = schema["properties"]["events"]["items"].pop("oneOf")
    cls = validator_for(schema)
    cls.check_schema(schema)
    by_event: dict[str, Validator] = {}
    for alternative in alternatives:
        cls.check_schema(alternative)
        by_event[alternative["properties"]["event"]["const"]] = cls(alternative)
    return cls(schema), by_event


def is_valid_response(result: Any) -> bool:
    """True when `result` fits Rasa's action response schema."""
    response, by_event = response_validators()
    if not response.is_valid(result):
        return False
    for event in result.get("events") or []:
        alternative = by_event.get(event["event"])
        if alternative is None or not alternative.is_valid(event):
            return False
    return True


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    if is_valid_response(result):
        return True
    return _RASA_VALIDATION(self, result)


def _resolve_by_type(type_name: str, default: Optional[type[Event]] = None) -> Optional[type[Event]]:
    found = _event_classes.get(type_name)
    if found is None:
        _event_classes.clear()
        for cls in all_subclasses(Event):
            _event_classes.setdefault(cls.type_name, cls)  # the first one, as Rasa's loop returns
        found = _event_classes.get(type_name)
    return found if found is not None else _RASA_RESOLVE_BY_TYPE(type_name, default)


def _create_engine_kwargs(url: Union[str, sa.engine.URL]) -> dict[str, Any]:
    kwargs = _RASA_ENGINE_KWARGS(url)
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        kwargs = {**kwargs, "poolclass": sa.pool.QueuePool, "connect_args": {"check_same_thread": False}}
    return kwargs


def install() -> None:
    """Apply the three replacements in this process (idempotent)."""
    response_validators()
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
    rasa.core.tracker_store.create_engine_kwargs = _create_engine_kwargs
    sqlite.install()
    logger.debug("Rasa speed-ups installed")
