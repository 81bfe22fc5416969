"""What the actions share: reading the tracker, and sending content and escalations.

Every text the patient reads here comes from content/ (through the store) or, when content/ is
unavailable, from the safe texts in `bot.safety`; the actions never go silent (invariant 5).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import phrases
from bot import handover, routing, safety, screening
from bot.content import get_store
from bot.intents import DETECTOR_INTENTS
from bot.rasa.detection import DETECTION_KEY
from bot.redflags.catalogue import get_catalogue
from bot.settings import get_settings
from bot.triage import EMERGENCY, LEVELS, NONE, URGENT, Level, most_severe, parse_level

logger = logging.getLogger(__name__)

ESCALATION_TEXTS = {EMERGENCY: routing.EMERGENCY, URGENT: routing.URGENT}


def warm_up() -> None:
    """Load every text, the regions and the red-flag catalogue now. Never raises: what cannot be
    loaded is reported again when an action needs it, and answered with the safe texts."""
    try:
        store = get_store()
        for text_id in store.ids():
            store.text(text_id)
        store.regions()
        get_catalogue()
    except Exception as error:  # noqa: BLE001 - the actions fall back to the safe texts
        logger.warning("Content not loaded at start (%s); the actions load it when needed", type(error).__name__)


def detection(tracker: Tracker) -> dict[str, Any]:
    """The red-flag detection of the latest message, as RedFlagClassifier put it there."""
    found = (tracker.latest_message or {}).get(DETECTION_KEY) or {}
    return {
        "flags": list(found.get("flags") or []),
        "level": found.get("level") if found.get("level") in LEVELS else NONE,
        "negated": list(found.get("negated") or []),
        "ask": list(found.get("ask") or []),
        "ruled_out": list(found.get("ruled_out") or []),
        "failed": found.get("failed") is True,
    }


def latest_turn(tracker: Tracker) -> screening.Turn:
    """The latest message for the screening: its text as Rasa stored it (redacted by the channel),
    its intent and its red-flag detection."""
    found = detection(tracker)
    return screening.Turn(
        text=(tracker.latest_message or {}).get("text") or "",
        intent=latest_intent(tracker),
        flags=tuple(found["flags"]),
        ask=tuple(found["ask"]),
        ruled_out=tuple(found["ruled_out"]),
        failed=found["failed"],
    )


def denials_in_conversation(tracker: Tracker) -> dict[str, str]:
    """Every category the patient denied outright ("ingen feber") since the conversation began,
    with the words of the first message that denied it."""
    denied: dict[str, str] = {}
    for event in tracker.events_after_latest_restart():
        if event.get("event") != "user":
            continue
        found = (event.get("parse_data") or {}).get(DETECTION_KEY) or {}
        for category in found.get("ruled_out") or []:
            denied.setdefault(category, event.get("text") or "")
    return denied


def latest_intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def events_this_turn(tracker: Tracker) -> list[dict[str, Any]]:
    """The events since the latest user message."""
    events: list[dict[str, Any]] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        events.append(event)
    return events[::-1]


def triage_sent_this_turn(tracker: Tracker) -> str:
    """The highest triage level already sent in reply to the latest message (`none` if none)."""
    levels = []
    for event in events_this_turn(tracker):
        custom = ((event.get("data") or {}).get("custom") or {}) if event.get("event") == "bot" else {}
        if isinstance(custom, dict) and custom.get("triage") in LEVELS:
            levels.append(custom["triage"])
    return most_severe(levels)


def escalated_level(tracker: Tracker) -> Level:
    """The escalation given so far in this conversation: emergency, urgent or none."""
    return parse_level(tracker.get_slot("triage_level"))


def clinic(tracker: Tracker) -> dict[str, str]:
    """The clinic from the widget's metadata (`{"clinic": {...}}`), else the settings."""
    metadata = (tracker.latest_message or {}).get("metadata") or tracker.get_slot("session_started_metadata") or {}
    given = metadata.get("clinic") if isinstance(metadata, dict) else None
    given = given if isinstance(given, dict) else {}
    settings = get_settings()
    return {
        "name": str(given.get("name") or settings.clinic_name),
        "phone": str(given.get("phone") or settings.clinic_phone),
        "region": str(given.get("region") or settings.clinic_region),
    }


def clinic_values(tracker: Tracker) -> dict[str, str]:
    """Placeholder values for the texts: clinic name, phone and the region's lægevagt."""
    place = clinic(tracker)
    try:
        return get_store().clinic_values(place["name"], place["phone"], place["region"])
    except Exception as error:  # noqa: BLE001 - content trouble must not stop an escalation
        logger.error("Clinic values unavailable (%s)", type(error).__name__)
        return {}


def contact(tracker: Tracker) -> safety.Contact:
    """Who to call, for the safe texts that work without content/."""
    place = clinic(tracker)
    phone = ""
    try:
        region = get_store().regions().get(place["region"])
        phone = region.phone if region else ""
    except Exception as error:  # noqa: BLE001
        logger.warning("Region numbers unavailable (%s)", type(error).__name__)
    return safety.Contact(place["name"], place["phone"], place["region"], phone)


def utter_text(
    dispatcher: CollectingDispatcher, messages: Iterable[str], custom: Optional[dict[str, Any]] = None
) -> None:
    """Send chat messages and a custom payload after them as one bot event.

    Rasa's REST channel sends a text one message per paragraph ("\n\n") and the custom payload
    after it, so the patient gets the same messages as from one event each, while the stored
    conversation gets one event instead of several.
    """
    dispatcher.utter_message(text="\n\n".join(m.strip() for m in messages) or None, json_message=custom)


def changed_slots(tracker: Tracker, values: dict[str, Any]) -> list[EventType]:
    """SlotSet events for the values that differ from the tracker's: an unchanged slot set again
    only makes the conversation longer to store, load and send to the action server."""
    return [SlotSet(name, value) for name, value in values.items() if tracker.get_slot(name) != value]


def send_content(
    dispatcher: CollectingDispatcher,
    text_id: str,
    values: Optional[dict[str, str]] = None,
    *,
    whole: bool = False,
) -> Optional[dict[str, Any]]:
    """Send a text from content/ with its `content_id` payload.

    Sends the whole text when `whole`, else its opening message. Returns the "read more"
    entry ({"id", "next"}) when parts are left, None otherwise. Raises when the text cannot be
    loaded; callers fall back to the safe texts.
    """
    messages = get_store().messages(text_id, values)
    shown = messages if whole else messages[:1]
    utter_text(dispatcher, shown, {"content_id": text_id})
    if len(messages) > len(shown):
        return {"id": text_id, "next": len(shown)}
    return None


def offer_read_more(dispatcher: CollectingDispatcher, pending: list[dict[str, Any]]) -> list[EventType]:
    """Store what is left to read and show the "Læs mere" button (payload /affirm)."""
    if pending:
        dispatcher.utter_message(buttons=phrases.READ_MORE_BUTTON)
    return [SlotSet("read_more", pending or None)]


def send_escalation(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    level: str,
    flags: Iterable[str],
    screening_now: Optional["ScreeningNow"] = None,
) -> list[EventType]:
    """Send the escalation for `level` (emergency or urgent) with its triage payload and the
    handover summary, and make it sticky. Uses the safe built-in text when content/ fails.
    `screening_now`: the screening as this turn leaves it, when the tracker does not hold it yet."""
    flags = list(dict.fromkeys(flags))
    text_id = ESCALATION_TEXTS[level]
    try:
        messages = get_store().messages(text_id, clinic_values(tracker))
    except Exception as error:  # noqa: BLE001 - never silence on an escalation (invariant 5)
        logger.error("Escalation text %s unavailable (%s); sent the built-in text", text_id, type(error).__name__)
        messages = []
    utter_text(
        dispatcher, messages or [safety.escalation_text(level, contact(tracker))], safety.triage_payload(level, flags)
    )
    if messages:
        dispatcher.utter_message(json_message={"content_id": text_id})
    send_handover(dispatcher, tracker, level, flags, screening_now)
    return [SlotSet("triage_level", level), SlotSet("red_flags", flags), SlotSet("read_more", None)]


def send_reminder(
    dispatcher: CollectingDispatcher, tracker: Tracker, flags: Optional[Iterable[str]] = None, *, line: bool = True
) -> list[EventType]:
    """After an escalation: the one-line reminder of it (unless `line` is False) and its triage
    payload, so the escalation stays in front without repeating the whole text (invariant 2)."""
    level = escalated_level(tracker)
    if flags is None:
        flags = tracker.get_slot("red_flags") or []
    flags = list(dict.fromkeys(flags))
    if line:
        dispatcher.utter_message(text=phrases.SHORT_REMINDERS.get(level, phrases.SHORT_REMINDER_URGENT))
    dispatcher.utter_message(json_message=safety.triage_payload(level, flags))
    return [SlotSet("red_flags", flags), SlotSet("read_more", None)]


def send_safe_fallback(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The built-in safe reply for when a text cannot be loaded."""
    utter_text(dispatcher, [safety.fallback_text(contact(tracker))])


def combined_level(*levels: Optional[str]) -> str:
    return most_severe(level for level in levels if level in LEVELS)


# --- The handover summary ("Til lægen") ---------------------------------------------------------

# The messages that can hold the patient's own description of the pain.
DESCRIPTION_INTENTS = frozenset({"describe_pain", *DETECTOR_INTENTS})
# A first message that reads as a duration still describes the pain in the patient's words.
DURATION_INTENT = "inform_duration"


@dataclass(frozen=True)
class ScreeningNow:
    """The screening as the current turn leaves it (the validation's outcome, before Rasa has
    applied its slot events)."""

    answers: dict[str, str]
    duration: Optional[str]
    duration_said: Optional[str]


def description(tracker: Tracker) -> Optional[str]:
    """The patient's first own description of the pain since the conversation began, as stored
    (redacted by the channel); button payloads ("/…") are not descriptions. The very first message
    counts also when it reads as a duration: "Jeg har fået ondt i lænden for tre dage siden"."""
    first = True
    for event in tracker.events_after_latest_restart():
        if event.get("event") != "user":
            continue
        text = (event.get("text") or "").strip()
        if not text or text.startswith("/"):
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in DESCRIPTION_INTENTS or (first and intent == DURATION_INTENT):
            return text
        first = False
    return None


def send_handover(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    level: str,
    flags: Optional[Iterable[str]] = None,
    screening_now: Optional[ScreeningNow] = None,
    *,
    finished: bool = True,
) -> None:
    """Send the handover summary as its custom payload (DESIGN.md). Never raises: the summary is
    an extra, and the result it belongs to must go out regardless."""
    try:
        now = screening_now or ScreeningNow(
            answers=dict(tracker.get_slot("screening_answers") or {}),
            duration=tracker.get_slot("pain_duration"),
            duration_said=tracker.get_slot("pain_duration_said"),
        )
        catalogue = get_catalogue()
        summary = handover.build(
            handover.Consultation(
                level=level,
                questions={name: category.question for name, category in catalogue.categories.items()},
                answers=now.answers,
                flags=list(flags if flags is not None else tracker.get_slot("red_flags") or []),
                duration=now.duration,
                duration_said=now.duration_said,
                description=description(tracker),
                finished=finished,
                laegevagt_phone=contact(tracker).laegevagt_phone if level == URGENT else "",
            )
        )
    except Exception as error:  # noqa: BLE001
        logger.error("Handover summary unavailable (%s)", type(error).__name__)
        return
    dispatcher.utter_message(json_message=summary.payload())
