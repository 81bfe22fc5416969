"""The screening form's actions: read each answer, decide the next question, ask it.

The rules of the screening live in `bot.screening`; these actions only move slots. The form
requests `pain_duration` first, then `screening_answer` once per red-flag category of
content/redflags.yml (so editors can change the questions without retraining). A "ja" ends the
form at once (no slot left to request), and action_triage escalates in the same reply.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import phrases
from actions.common import detection, escalated_level, latest_intent, ruled_out_in_conversation
from bot import screening
from bot.redflags.catalogue import get_catalogue
from bot.triage import NONE

logger = logging.getLogger(__name__)

FORM = "screening_form"
DURATION_SLOT = "pain_duration"
ANSWER_SLOT = "screening_answer"
# Actions the form runs itself around a patient turn; anything else after the latest message
# means the form is coming back from an interruption and the message was handled already.
_FORM_MACHINERY = {"action_listen", "action_extract_slots", FORM, f"validate_{FORM}"}


def progress_of(tracker: Tracker) -> screening.Progress:
    return screening.Progress(
        dict(tracker.get_slot("screening_answers") or {}),
        tuple(tracker.get_slot("screening_simplified") or ()),
    )


def is_new_turn(tracker: Tracker) -> bool:
    """True when the latest user message has not been handled by anything but the form yet."""
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return True
        if kind == "bot" or (kind == "action" and event.get("name") not in _FORM_MACHINERY):
            return False
    return False


class ValidateScreeningForm(Action):
    """Reads the patient's turn into the screening slots and sets the next slot to request.

    Returns no events for a red flag or a question: the form is then rejected and the rules
    escalate or answer (and come back to the form for questions).
    """

    def name(self) -> str:
        return f"validate_{FORM}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        categories = list(get_catalogue().categories)
        progress = screening.apply_negations(progress_of(tracker), ruled_out_in_conversation(tracker), categories)
        duration: Optional[str] = tracker.get_slot(DURATION_SLOT)
        requested = tracker.get_slot("requested_slot")

        if requested is None or is_new_turn(tracker):
            asking = {DURATION_SLOT: "duration", ANSWER_SLOT: "answer"}.get(requested)
            category = tracker.get_slot("screening_category")
            message = tracker.latest_message or {}
            reading = screening.read_turn(
                message.get("text") or "",
                latest_intent(tracker),
                asking,
                category,
                detection(tracker)["ruled_out"],
            )
            if reading.kind == screening.INTERRUPT and requested is not None:
                return []
            if reading.kind == screening.DURATION and asking != "answer":
                duration = reading.value
            elif reading.kind == screening.ANSWER and category in categories:
                progress = screening.record_answer(progress, category, reading.value).progress
            elif reading.kind == screening.NOT_UNDERSTOOD and requested is not None:
                dispatcher.utter_message(
                    text=phrases.DURATION_NOT_UNDERSTOOD if asking == "duration" else phrases.ANSWER_NOT_UNDERSTOOD
                )

        return [
            SlotSet(DURATION_SLOT, duration),
            SlotSet("screening_answers", dict(progress.answers)),
            SlotSet("screening_simplified", list(progress.simplified)),
            SlotSet(ANSWER_SLOT, None),
            SlotSet("requested_slot", self._next_slot(tracker, duration, progress, categories)),
        ]

    @staticmethod
    def _next_slot(
        tracker: Tracker, duration: Optional[str], progress: screening.Progress, categories: list[str]
    ) -> Optional[str]:
        if escalated_level(tracker) != NONE:
            return None  # already escalated: no more questions, the result repeats the escalation
        if duration is None:
            return DURATION_SLOT
        if screening.next_category(progress, categories):
            return ANSWER_SLOT
        return None


class ActionAskPainDuration(Action):
    """Asks how long the pain has lasted, with the three duration buttons."""

    def name(self) -> str:
        return "action_ask_pain_duration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=phrases.ASK_DURATION, buttons=phrases.DURATION_BUTTONS)
        return []


class ActionAskScreeningAnswer(Action):
    """Asks the next red-flag question with Ja / Nej / Ved ikke buttons; after a first "ved ikke"
    the same question in simpler words, with why it matters."""

    def name(self) -> str:
        return "action_ask_screening_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        catalogue = get_catalogue()
        progress = progress_of(tracker)
        category = screening.next_category(progress, list(catalogue.categories))
        if category is None:
            return []
        entry: Any = catalogue.categories[category]
        if tracker.get_slot("screening_category") is None:
            dispatcher.utter_message(text=phrases.SCREENING_INTRO)
        if category in progress.simplified:
            dispatcher.utter_message(text=entry.why)
            dispatcher.utter_message(text=entry.simpler, buttons=phrases.ANSWER_BUTTONS)
        else:
            dispatcher.utter_message(text=entry.question, buttons=phrases.ANSWER_BUTTONS)
        return [SlotSet("screening_category", category)]
