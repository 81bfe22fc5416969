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

from actions import phrases
from actions.common import (
    clinic_values,
    combined_level,
    detection,
    escalated_level,
    offer_read_more,
    send_content,
    send_escalation,
    send_handover,
    send_reminder,
    send_safe_fallback,
    triage_sent_this_turn,
)
from bot import routing, safety, screening
from bot.redflags.catalogue import get_catalogue
from bot.triage import LEVELS, NONE, URGENT, level_for_answers

logger = logging.getLogger(__name__)

class ActionEscalate(Action):
    """A red flag in the latest message: escalate now. The rules then run the screening form,
    which asks the emergency questions still open after an urgent escalation."""

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
    """The result when the screening ends: the escalation (a new one in full; one already given
    as a one-line reminder, or not again when it went out in this same reply), or the texts for
    pain without red flags."""

    def name(self) -> str:
        return "action_triage"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        catalogue = get_catalogue()
        answers = dict(tracker.get_slot("screening_answers") or {})
        previous = tracker.get_slot("triage_level")
        escalated = escalated_level(tracker)
        level = combined_level(level_for_answers(answers, catalogue.level_of), escalated)
        if level != NONE:
            flags = [*(tracker.get_slot("red_flags") or []),
                     *screening.answered_flags(screening.Progress(answers), list(catalogue.categories))]
            if LEVELS.index(level) > LEVELS.index(escalated):
                logger.info("Screening result: level=%s", level)
                return send_escalation(dispatcher, tracker, level, flags)
            if LEVELS.index(triage_sent_this_turn(tracker)) >= LEVELS.index(level):
                return []  # the escalation, with its summary, went out in this reply
            events = send_reminder(dispatcher, tracker, flags)
            send_handover(dispatcher, tracker, level, list(dict.fromkeys(flags)))
            return events

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
                    dispatcher.utter_message(json_message=safety.triage_payload(NONE, []))
                if more:
                    pending.append(more)
        except Exception as error:  # noqa: BLE001 - a broken text must not silence the result
            logger.error("Result text unavailable (%s); sent the safe reply", type(error).__name__)
            send_safe_fallback(dispatcher, tracker)
        # Before "Læs mere": the widget hangs buttons sent on their own on the message before them.
        send_handover(dispatcher, tracker, NONE, [])
        return [SlotSet("triage_level", NONE), *offer_read_more(dispatcher, pending)]


class ActionHandover(Action):
    """The handover summary when the patient asks for it ("Hvad skal jeg sige til lægen?"). After
    an escalation it comes with the text on what to say when calling, and the reminder."""

    def name(self) -> str:
        return "action_handover"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        level = escalated_level(tracker)
        finished = tracker.get_slot("triage_level") in LEVELS and tracker.active_loop_name is None
        if level != NONE:
            try:
                send_content(dispatcher, routing.WHAT_TO_SAY, clinic_values(tracker), whole=True)
            except Exception as error:  # noqa: BLE001 - the summary and the reminder still go out
                logger.error("Text %s unavailable (%s)", routing.WHAT_TO_SAY, type(error).__name__)
        dispatcher.utter_message(text=phrases.HANDOVER_LEAD if finished or level != NONE else phrases.HANDOVER_SO_FAR)
        send_handover(dispatcher, tracker, level, finished=finished)
        if level != NONE:
            return send_reminder(dispatcher, tracker)
        return []
