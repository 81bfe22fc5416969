"""Learn that Rasa swallowed a failure while it handled one message.

Rasa 3.6 offers no hook for this: when an action fails (the action server is down) it logs an error
and goes on, often into a fallback loop of "Det forstod jeg ikke"; when the tracker store's database
is unavailable it answers from an empty conversation (a welcome instead of the next question). The
channel gives the patient the safe reply instead, so it watches two of Rasa's loggers while it
handles a message. Kept here, small, and pinned to Rasa's exact wording by a test.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Optional

PROCESSOR_LOGGER = "rasa.core.processor"
TRACKER_STORE_LOGGER = "rasa.core.tracker_store"
# The start of what rasa/core/processor.py logs when an action raised (Rasa 3.6).
ACTION_FAILED = "Encountered an exception while running action '"

_failures: ContextVar[Optional[list[str]]] = ContextVar("rygbot_failures", default=None)


class _Watch(logging.Filter):
    """Notes failures for the message being handled; blocks nothing. The tracker store's errors quote
    the failed SQL with its parameters (the sender id, the message text), so only their first
    sentence is kept in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        failures = _failures.get()
        if failures is not None and record.levelno >= logging.ERROR and _is_failure(record):
            failures.append(record.name)
        if record.name == TRACKER_STORE_LOGGER and record.levelno >= logging.WARNING:
            first = record.getMessage().split(" Please investigate", 1)[0].split("\n", 1)[0][:300]
            record.msg, record.args, record.exc_info, record.exc_text = first + " (details withheld)", (), None, None
        return True


def _is_failure(record: logging.LogRecord) -> bool:
    if record.name == PROCESSOR_LOGGER:
        return record.getMessage().startswith(ACTION_FAILED)
    return record.name == TRACKER_STORE_LOGGER


_WATCH = _Watch()


def install() -> None:
    """Attach the watch to Rasa's loggers (once; adding the same filter again changes nothing)."""
    for name in (PROCESSOR_LOGGER, TRACKER_STORE_LOGGER):
        logging.getLogger(name).addFilter(_WATCH)


@contextmanager
def watching() -> Iterator[list[str]]:
    """The failures Rasa logs while the block runs (in this task only), as a list that fills up."""
    failures: list[str] = []
    token = _failures.set(failures)
    try:
        yield failures
    finally:
        _failures.reset(token)
