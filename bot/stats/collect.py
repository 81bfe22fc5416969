"""Read consultations out of Rasa's SQL tracker store, as facts without any patient text.

Rasa keeps one row per event in the table `events` (sender_id, type_name, timestamp, data as
JSON). Plain SQLAlchemy Core on the table's name, no Rasa import, so SQLite and PostgreSQL both
work. A consultation is one sender id from its first event to a restart ("start forfra" begins a
new one). From the events only intents, action names, slot names and the bot's custom payloads
are read; the texts are never looked at. What the patient was asked last is the slot the form
requested (`requested_slot`: `pain_duration`, or `screening_answer` about `screening_category`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Optional

import sqlalchemy as sa

from bot.triage import LEVELS, most_severe, parse_level

EVENTS_TABLE = "events"
TIMEZONE = "Europe/Copenhagen"
# The screening form (domain.yml) and the slots it requests: the duration, then one answer per question.
FORM = "screening_form"
REQUESTED_SLOT = "requested_slot"
DURATION_SLOT = "pain_duration"
ANSWER_SLOT = "screening_answer"
# The widget opens every chat with this payload; it is not the patient saying anything.
OPENING_INTENT = "greet"

# Where a consultation stopped, in the order a consultation goes.
STOP_WELCOME = "welcome"
STOP_DESCRIPTION = "description"
STOP_DURATION = "duration"
STOP_QUESTION = "question"  # "question:<category>"
STOP_RESULT = "result"


@dataclass
class Consultation:
    """What one consultation did. `stop`: where it ended (see STOP_*)."""

    sender: str
    started_at: float
    ended_at: float
    clinic: str = ""
    wrote: bool = False
    screening: bool = False
    questions: int = 0
    turns: int = 0  # every user event, the widget's opening included
    messages: int = 0  # what the patient wrote or clicked
    level: Optional[str] = None
    flags: set[str] = field(default_factory=set)
    content_ids: set[str] = field(default_factory=set)
    asked: Optional[str] = None

    @property
    def reached_result(self) -> bool:
        return self.level is not None

    @property
    def stop(self) -> str:
        if self.reached_result:
            return STOP_RESULT
        if self.asked == STOP_DURATION:
            return STOP_DURATION
        if self.asked:
            return f"{STOP_QUESTION}:{self.asked}"
        return STOP_DESCRIPTION if self.wrote else STOP_WELCOME

    @property
    def minutes(self) -> float:
        return max(0.0, self.ended_at - self.started_at) / 60

    def day(self) -> dt.date:
        return local_time(self.started_at).date()


def local_time(timestamp: float) -> dt.datetime:
    moment = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc)
    try:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo(TIMEZONE))
    except Exception:  # noqa: BLE001 - no time zone data: days in UTC
        return moment


def read_events(engine: sa.engine.Engine, since: Optional[float] = None) -> Iterator[tuple[str, str, float, dict]]:
    """(sender_id, type_name, timestamp, data) in order, from `since` (seconds) on; nothing when
    Rasa has not created the table yet."""
    if not sa.inspect(engine).has_table(EVENTS_TABLE):
        return
    events = sa.table(
        EVENTS_TABLE, sa.column("id"), sa.column("sender_id"), sa.column("type_name"), sa.column("timestamp"),
        sa.column("data"),
    )
    query = sa.select(events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.data)
    if since is not None:
        query = query.where(events.c.timestamp >= since)
    query = query.order_by(events.c.sender_id, events.c.timestamp, events.c.id)
    with engine.connect() as connection:
        for sender, kind, timestamp, data in connection.execute(query):
            try:
                parsed = json.loads(data) if data else {}
            except ValueError:
                parsed = {}
            yield sender, kind, float(timestamp or 0), parsed if isinstance(parsed, dict) else {}


def consultations(rows: Iterable[tuple[str, str, float, dict]]) -> list[Consultation]:
    """Group ordered event rows into consultations."""
    found: list[Consultation] = []
    current: Optional[Consultation] = None
    category: Optional[str] = None
    for sender, kind, timestamp, data in rows:
        if current is None or current.sender != sender or kind == "restart":
            if current is not None and current.turns:
                found.append(current)
            current, category = Consultation(sender, timestamp, timestamp), None
            if kind == "restart":
                continue
        current.ended_at = max(current.ended_at, timestamp)
        if kind == "user":
            _read_user(current, data)
        elif kind == "bot":
            _read_bot(current, data)
        elif kind == "slot" and data.get("name") == "screening_category":
            category = data.get("value") if isinstance(data.get("value"), str) else None
        elif kind == "slot" and data.get("name") == REQUESTED_SLOT and not current.reached_result:
            # The form asks its questions itself (no action events): what it requests is asked.
            if data.get("value") == DURATION_SLOT:
                current.asked = STOP_DURATION
            elif data.get("value") == ANSWER_SLOT and category:
                current.asked = category
                current.questions += 1
        elif kind == "action" and data.get("name") == FORM:
            current.screening = True
    if current is not None and current.turns:
        found.append(current)
    return found


def _read_user(consultation: Consultation, data: dict[str, Any]) -> None:
    consultation.turns += 1
    intent = ((data.get("parse_data") or {}).get("intent") or {}).get("name")
    if intent != OPENING_INTENT or consultation.turns > 1:
        consultation.wrote = True
        consultation.messages += 1
    metadata = data.get("metadata") or {}
    clinic = metadata.get("clinic") if isinstance(metadata, dict) else None
    if not consultation.clinic and isinstance(clinic, dict) and isinstance(clinic.get("name"), str):
        consultation.clinic = clinic["name"]


def _read_bot(consultation: Consultation, data: dict[str, Any]) -> None:
    custom = (data.get("data") or {}).get("custom")
    if not isinstance(custom, dict):
        return
    if custom.get("triage") in LEVELS:
        consultation.level = most_severe([parse_level(consultation.level), parse_level(custom["triage"])])
        consultation.flags.update(f for f in custom.get("flags") or [] if isinstance(f, str))
    if isinstance(custom.get("content_id"), str):
        consultation.content_ids.add(custom["content_id"])
