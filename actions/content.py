"""Answers from content/: the patient's questions at any time, and "Læs mere".

After an escalation only neutral texts are sent as usual (`bot.routing.NEUTRAL_AFTER_ESCALATION`);
every other question gets a short answer that keeps the escalation in front (`bot.routing.
after_escalation`): a scan is for the doctor to decide, where to go, what to say, or "ask the
doctor", each with a one-line reminder and the triage payload (DESIGN.md invariant 2).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import phrases
from actions.common import (
    ESCALATION_TEXTS,
    clinic_values,
    contact,
    escalated_level,
    latest_intent,
    offer_read_more,
    send_content,
    send_reminder,
    send_safe_fallback,
    utter_text,
)
from bot import routing, safety
from bot.content import get_store
from bot.redflags.catalogue import get_catalogue
from bot.triage import NONE

logger = logging.getLogger(__name__)

INTENT_TEXTS: dict[str, str] = {**routing.ROUTES, "english": routing.ENGLISH}


class ActionAnswer(Action):
    """Answers a question intent with the text `bot.routing` names for it."""

    def name(self) -> str:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        intent = latest_intent(tracker)
        text_id = INTENT_TEXTS.get(intent or "")
        if text_id is None:
            dispatcher.utter_message(response="utter_rephrase")
            return []
        escalated = escalated_level(tracker) != NONE
        after = routing.after_escalation(intent or "", text_id)
        if escalated and after:
            return _answer_after_escalation(dispatcher, tracker, after)
        if intent == "insist_scan":
            dispatcher.utter_message(text=phrases.INSIST_SCAN)
        in_screening = tracker.active_loop_name is not None
        try:
            more = send_content(dispatcher, text_id, clinic_values(tracker), whole=text_id == routing.ENGLISH)
        except Exception as error:  # noqa: BLE001 - a broken text must not silence the bot
            logger.error("Text %s unavailable (%s); sent the safe reply", text_id, type(error).__name__)
            send_safe_fallback(dispatcher, tracker)
            return []
        if in_screening and intent == "ask_why_questions":
            _explain_current_question(dispatcher, tracker)
        if escalated:
            return send_reminder(dispatcher, tracker)
        # Inside the screening the buttons belong to the question, so no "Læs mere" there.
        return offer_read_more(dispatcher, [more] if more and not in_screening else [])


def _answer_after_escalation(dispatcher: CollectingDispatcher, tracker: Tracker, answer: str) -> list[EventType]:
    """A question after an escalation: a short answer, the reminder line and the triage payload."""
    if answer == routing.AFTER_ESCALATION_WHERE:
        # When, where, "do I really have to?": the opening of the escalation text says it all.
        level = escalated_level(tracker)
        text_id = ESCALATION_TEXTS[level]
        try:
            utter_text(dispatcher, [get_store().messages(text_id, clinic_values(tracker))[0]], {"content_id": text_id})
        except Exception as error:  # noqa: BLE001 - the built-in text says the same
            logger.error("Text %s unavailable (%s); sent the built-in text", text_id, type(error).__name__)
            utter_text(dispatcher, [safety.escalation_text(level, contact(tracker))])
        return send_reminder(dispatcher, tracker, line=False)
    if answer == routing.AFTER_ESCALATION_WHAT_TO_SAY:
        try:
            send_content(dispatcher, routing.WHAT_TO_SAY, clinic_values(tracker), whole=True)
        except Exception as error:  # noqa: BLE001 - the reminder below still says who to call
            logger.error("Text %s unavailable (%s)", routing.WHAT_TO_SAY, type(error).__name__)
        return send_reminder(dispatcher, tracker)
    scan = answer == routing.AFTER_ESCALATION_SCAN
    dispatcher.utter_message(text=phrases.AFTER_ESCALATION_SCAN if scan else phrases.AFTER_ESCALATION_ASK_DOCTOR)
    return send_reminder(dispatcher, tracker)


def _explain_current_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Why the question just asked matters (its `why` in content/redflags.yml)."""
    category = tracker.get_slot("screening_category")
    entry = get_catalogue().categories.get(category or "")
    if entry is not None and category not in (tracker.get_slot("screening_answers") or {}):
        dispatcher.utter_message(text=entry.why)


class ActionAcknowledge(Action):
    """Ja / nej / ved ikke outside the screening: "Læs mere" when a text has parts left,
    a reminder after an escalation, otherwise a short answer with the main topics."""

    def name(self) -> str:
        return "action_acknowledge"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        pending: list[dict[str, Any]] = list(tracker.get_slot("read_more") or [])
        if latest_intent(tracker) == "affirm" and pending:
            return self._read_more(dispatcher, tracker, pending)
        if escalated_level(tracker) != NONE:
            return send_reminder(dispatcher, tracker)
        dispatcher.utter_message(text=phrases.ACKNOWLEDGE, buttons=phrases.TOPIC_BUTTONS)
        return [SlotSet("read_more", None)]

    @staticmethod
    def _read_more(
        dispatcher: CollectingDispatcher, tracker: Tracker, pending: list[dict[str, Any]]
    ) -> list[EventType]:
        entry, rest = pending[0], pending[1:]
        try:
            messages = get_store().messages(entry["id"], clinic_values(tracker))
        except Exception as error:  # noqa: BLE001
            logger.error("Text %s unavailable (%s); sent the safe reply", entry.get("id"), type(error).__name__)
            send_safe_fallback(dispatcher, tracker)
            return [SlotSet("read_more", None)]
        utter_text(dispatcher, messages[int(entry.get("next", 1)) :], {"content_id": entry["id"]})
        return offer_read_more(dispatcher, rest)
