"""Escalation and the screening result: the actions that deliver a triage level.

Every reply here carries the payload `{"triage": level, "flags": [...]}` (DESIGN.md). Escalation
is sticky: `triage_level` only ever goes up until the patient starts over.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    clinic_values,
    combined_level,
    detection,
    escalated_level,
    offer_read_more,
    send_content,
    send_escalation,
    send_safe_fallback,
)
from bot import routing, screening
from bot.redflags.catalogue import get_catalogue
from bot.triage import NONE, URGENT, level_for_answers

logger = logging.getLogger(__name__)

class ActionEscalate(Action):
    """A red flag in the latest message: escalate now (a rule then ends the screening if it was
    running)."""

    def name(self) -> str:
        return "action_escalate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        found = detection(tracker)
        # The intent red_flag comes only from the detector; without flags (e.g. a typed
        # "/red_flag") escalate to urgent rather than not at all.
        level = found["level"] if found["flags"] else URGENT
        level = combined_level(level, escalated_level(tracker))
        flags = [*(tracker.get_slot("red_flags") or []), *found["flags"]]
        logger.info("Escalated: level=%s", level)
        return send_escalation(dispatcher, tracker, level, flags)


class ActionTriage(Action):
    """The result after the screening: escalation, or the texts for pain without red flags."""

    def name(self) -> str:
        return "action_triage"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        catalogue = get_catalogue()
        answers = dict(tracker.get_slot("screening_answers") or {})
        previous = tracker.get_slot("triage_level")
        level = combined_level(level_for_answers(answers, catalogue.level_of), escalated_level(tracker))
        if level != NONE:
            flags = [*(tracker.get_slot("red_flags") or []),
                     *screening.answered_flags(screening.Progress(answers), list(catalogue.categories))]
            logger.info("Screening result: level=%s", level)
            return send_escalation(dispatcher, tracker, level, flags)

        if previous == NONE:
            text_ids: tuple[str, ...] = (routing.SAFETY_NET,)  # the result was given already: only the safety net
        elif screening.is_long_lasting(tracker.get_slot("pain_duration")):
            text_ids = (routing.LONG_LASTING, routing.SAFETY_NET)
        else:
            text_ids = routing.NO_RED_FLAG_RESULT
        logger.info("Screening result: level=none")
        pending = []
        values = clinic_values(tracker)
        try:
            for index, text_id in enumerate(text_ids):
                more = send_content(dispatcher, text_id, values)
                if index == 0:
                    dispatcher.utter_message(json_message={"triage": NONE, "flags": []})
                if more:
                    pending.append(more)
        except Exception as error:  # noqa: BLE001 - a broken text must not silence the result
            logger.error("Result text unavailable (%s); sent the safe reply", type(error).__name__)
            send_safe_fallback(dispatcher, tracker)
        return [SlotSet("triage_level", NONE), *offer_read_more(dispatcher, pending)]
