"""The screening form's actions: read each answer, decide the next question, ask it.

The rules of the screening live in `bot.screening` (`advance`); these actions only move slots and
send what it decides. The form requests `pain_duration` for the duration question and
`screening_answer` once per red-flag question of content/redflags.yml (so editors can change the
questions without retraining); `screening_category` says which question is asked. Possible flags
(the detector's `ask`) are asked first, quoting the patient. A "ja" escalates at once, here in the
validation; the form then goes on with the emergency questions still open after an urgent
escalation, and ends after an emergency one (action_triage follows every end of the form).
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import phrases
from actions.common import (
    ScreeningNow,
    denials_in_conversation,
    escalated_level,
    events_this_turn,
    latest_turn,
    send_escalation,
)
from bot import screening
from bot.quoting import shorten
from bot.redflags.catalogue import get_catalogue
from bot.triage import LEVELS, NONE

logger = logging.getLogger(__name__)

FORM = "screening_form"
DURATION_SLOT = "pain_duration"
DURATION_SAID_SLOT = "pain_duration_said"
ANSWER_SLOT = "screening_answer"
# Actions the form runs itself around a patient turn; anything else after the latest message
# means the form is coming back from an interruption and the message was handled already.
_FORM_MACHINERY = {"action_listen", "action_extract_slots", FORM, f"validate_{FORM}"}
# The introductions, each shown once (slot screening_intros).
INTRO_START = "start"
INTRO_ESCALATED = "escalated"
INTRO_CHECK = "check"


def progress_of(tracker: Tracker) -> screening.Progress:
    return screening.Progress(
        answers=dict(tracker.get_slot("screening_answers") or {}),
        simplified=tuple(tracker.get_slot("screening_simplified") or ()),
        unclear=tuple(tracker.get_slot("screening_unclear") or ()),
        queue=tuple(tracker.get_slot("screening_queue") or ()),
        quotes=dict(tracker.get_slot("screening_quotes") or {}),
    )


def progress_slots(progress: screening.Progress) -> list[EventType]:
    return [
        SlotSet("screening_answers", dict(progress.answers)),
        SlotSet("screening_simplified", list(progress.simplified)),
        SlotSet("screening_unclear", list(progress.unclear)),
        SlotSet("screening_queue", list(progress.queue)),
        SlotSet("screening_quotes", dict(progress.quotes)),
    ]


def is_new_turn(tracker: Tracker) -> bool:
    """True when the latest user message has not been handled by anything but the form yet."""
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return True
        if kind == "bot" or (kind == "action" and event.get("name") not in _FORM_MACHINERY):
            return False
    return False


def escalated_this_turn(tracker: Tracker) -> bool:
    """True when action_escalate answered the latest message (its possible flags are still to ask)."""
    return any(e.get("event") == "action" and e.get("name") == "action_escalate" for e in events_this_turn(tracker))


class ValidateScreeningForm(Action):
    """Reads the patient's turn into the screening slots and sets the next slot to request.

    Returns no events for a red flag or a question: the form is then rejected and the rules
    escalate or answer (and come back to the form).
    """

    def name(self) -> str:
        return f"validate_{FORM}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        catalogue = get_catalogue()
        categories = list(catalogue.categories)
        requested = tracker.get_slot("requested_slot")
        new_turn = is_new_turn(tracker)
        escalated = escalated_level(tracker)
        escalated_flags = list(tracker.get_slot("red_flags") or [])
        outcome = screening.advance(
            progress_of(tracker),
            tracker.get_slot(DURATION_SLOT),
            latest_turn(tracker),
            asking={DURATION_SLOT: screening.DURATION, ANSWER_SLOT: screening.ANSWER}.get(requested),
            category=tracker.get_slot("screening_category"),
            read=requested is None or new_turn,
            queue=new_turn or escalated_this_turn(tracker),
            categories=categories,
            level_of=catalogue.level_of,
            escalated=escalated,
            escalated_flags=escalated_flags,
        )
        if outcome.interrupted:
            return []

        for note in outcome.notes:
            dispatcher.utter_message(text=phrases.SCREENING_NOTES[note])
        said = _duration_said(tracker, requested, new_turn, outcome)
        events: list[EventType] = []
        if LEVELS.index(outcome.level) > LEVELS.index(escalated):
            logger.info("Escalated by an answer: level=%s", outcome.level)
            flags = [*escalated_flags, *screening.answered_flags(outcome.progress, categories)]
            now = ScreeningNow(dict(outcome.progress.answers), outcome.duration, said)
            events += send_escalation(dispatcher, tracker, outcome.level, flags, now)
        asked = outcome.next if outcome.next in categories else None
        return [
            *events,
            SlotSet(DURATION_SLOT, outcome.duration),
            SlotSet(DURATION_SAID_SLOT, said),
            *progress_slots(outcome.progress),
            SlotSet(ANSWER_SLOT, None),
            SlotSet("screening_category", asked),
            SlotSet("requested_slot", _slot_for(outcome.next, categories)),
        ]


def _duration_said(tracker: Tracker, requested: Optional[str], new_turn: bool, outcome: screening.Outcome) -> Optional[str]:
    """The patient's answer to the duration question as stored (for the handover summary): the
    latest message when it answered it, else what was kept before. None when it was set aside."""
    kept = tracker.get_slot(DURATION_SAID_SLOT)
    if requested != DURATION_SLOT or not new_turn or outcome.duration is None:
        return kept if outcome.duration is not None else None
    if screening.NOTE_DURATION_SET_ASIDE in outcome.notes:
        return None
    text = ((tracker.latest_message or {}).get("text") or "").strip()
    return text if text and not text.startswith("/") else None


def _slot_for(question: Optional[str], categories: list[str]) -> Optional[str]:
    if question == screening.DURATION_QUESTION:
        return DURATION_SLOT
    return ANSWER_SLOT if question in categories else None


class ActionAskPainDuration(Action):
    """Asks how long the pain has lasted, with the three duration buttons."""

    def name(self) -> str:
        return "action_ask_pain_duration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=phrases.ASK_DURATION, buttons=phrases.DURATION_BUTTONS)
        return []


class ActionAskScreeningAnswer(Action):
    """Asks the red-flag question of `screening_category` with Ja / Nej / Ved ikke buttons.

    A possible flag is asked quoting the patient ("Du skrev: «…». …"), a flag the patient denied in
    their own words is confirmed the same way ("… For en sikkerheds skyld: …"); after a first "ved
    ikke" the question comes in simpler words, with why it matters. An introduction comes once:
    before the first ordinary question, after an escalation, and before questions asked because
    the red-flag check failed.
    """

    def name(self) -> str:
        return "action_ask_screening_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        category = tracker.get_slot("screening_category")
        entry: Any = get_catalogue().categories.get(category or "")
        if entry is None:
            return []
        progress = progress_of(tracker)
        quote = progress.quotes.get(category)  # None: not a possible flag; "": the check failed
        intros = list(tracker.get_slot("screening_intros") or [])
        if escalated_level(tracker) != NONE:
            if INTRO_ESCALATED not in intros:
                dispatcher.utter_message(text=phrases.MORE_QUESTIONS_INTRO)
                intros.append(INTRO_ESCALATED)
        elif quote is None and INTRO_START not in intros:
            dispatcher.utter_message(text=phrases.SCREENING_INTRO)
            intros.append(INTRO_START)
        if quote == "" and INTRO_CHECK not in intros:
            dispatcher.utter_message(text=phrases.CHECK_INTRO)
            intros.append(INTRO_CHECK)

        if category in progress.simplified:
            dispatcher.utter_message(text=entry.why)
            dispatcher.utter_message(text=entry.simpler, buttons=phrases.ANSWER_BUTTONS)
            return [SlotSet("screening_intros", intros)]
        denied = denials_in_conversation(tracker).get(category) if quote is None else None
        if quote:
            text = phrases.QUOTED_QUESTION.format(quote=quote, question=entry.question)
        elif denied:
            text = phrases.DENIED_QUESTION.format(quote=shorten(denied), question=entry.question)
        else:
            text = entry.question
        dispatcher.utter_message(text=text, buttons=phrases.ANSWER_BUTTONS)
        return [SlotSet("screening_intros", intros)]
