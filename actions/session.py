"""Starting a conversation: the welcome from content/, also after "start forfra"."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, FollowupAction, Restarted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import phrases
from actions.common import clinic_values, escalated_level, send_content, send_safe_fallback
from bot import routing
from bot.triage import NONE

logger = logging.getLogger(__name__)


def send_welcome(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Who the bot is, what it helps with, 112 in an emergency, and privacy (content/velkommen)."""
    try:
        send_content(dispatcher, routing.WELCOME, clinic_values(tracker), whole=True)
    except Exception as error:  # noqa: BLE001 - a broken welcome must not hide who to call
        logger.error("Welcome text unavailable (%s); sent the safe reply", type(error).__name__)
        send_safe_fallback(dispatcher, tracker)


class ActionSessionStart(Action):
    """A new conversation (or one idle past the session expiry) begins with the welcome.

    An escalation carries over into the new session (invariant 2: sticky for the conversation,
    which only "start forfra" ends); everything else starts afresh.
    """

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        send_welcome(dispatcher, tracker)
        carried: list[EventType] = []
        level = escalated_level(tracker)
        if level != NONE:
            dispatcher.utter_message(text=phrases.SHORT_REMINDERS.get(level, phrases.SHORT_REMINDER_URGENT))
            carried = [SlotSet("triage_level", level), SlotSet("red_flags", tracker.get_slot("red_flags") or [])]
        return [SessionStarted(), *carried, ActionExecuted("action_listen")]


class ActionRestart(Action):
    """ "Start forfra": forget everything, including an escalation, and welcome again."""

    def name(self) -> str:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=phrases.RESTART)
        send_welcome(dispatcher, tracker)
        # A new session right away (no second welcome on the next message), then wait for the
        # patient: after a restart no rule applies, so nothing else may be predicted.
        return [Restarted(), SessionStarted(), FollowupAction("action_listen")]
