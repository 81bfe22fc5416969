"""The screening form's validation: read each answer, decide the next question, and ask it.

The rules of the screening live in `bot.screening` (`advance`); this action only moves slots and
sends what it decides. The form requests `pain_duration` for the duration question and
`screening_answer` once per red-flag question of content/redflags.yml (so editors can change the
questions without retraining); `screening_category` says which question is asked. Possible flags
(the detector's `ask`) are asked first, quoting the patient. A "ja" escalates at once, here in the
validation; the form then goes on with the emergency questions still open after an urgent
escalation, and ends after an emergency one (action_triage follows every end of the form).

The validation asks the next question itself, so a screening turn costs Rasa one call to the action
server: the domain has no `action_ask_*`/`utter_ask_*` for the form's slots, and Rasa's form then
asks nothing more (it allows the asking to be done by a custom action). It returns only the slots
that changed, which keeps the stored conversation short.
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
    changed_slots,
    combined_level,
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


def progress_values(progress: screening.Progress) -> dict[str, Any]:
    return {
        "screening_answers": dict(progress.answers),
        "screening_simplified": list(progress.simplified),
        "screening_unclear": list(progress.unclear),
        "screening_queue": list(progress.queue),
        "screening_quotes": dict(progress.quotes),
    }


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
    """Reads the patient's turn into the screening slots, sets the next slot to request and asks
    its question.

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
        events += changed_slots(tracker, {
            DURATION_SLOT: outcome.duration,
            DURATION_SAID_SLOT: said,
            **progress_values(outcome.progress),
            "screening_category": asked,
        })
        if not events:
            # Rasa rejects the form when its validation sets no slot: the turn was read all the same.
            events.append(SlotSet(ANSWER_SLOT, None))
        events.append(SlotSet("requested_slot", _slot_for(outcome.next, categories)))
        level = combined_level(escalated, outcome.level)  # as this turn leaves it
        return events + ask(dispatcher, tracker, outcome.next, outcome.progress, level)


def _duration_said(
    tracker: Tracker, requested: Optional[str], new_turn: bool, outcome: screening.Outcome
) -> Optional[str]:
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


def ask(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    question: Optional[str],
    progress: screening.Progress,
    level: str,
) -> list[EventType]:
    """Ask the next question: how long the pain has lasted (with the duration buttons), or the
    red-flag question of a category (with Ja / Nej / Ved ikke); nothing when the form ends.

    A possible flag is asked quoting the patient ("Du skrev: «…». …"), a flag the patient denied in
    their own words is confirmed the same way ("… For en sikkerheds skyld: …"); after a first "ved
    ikke" the question comes in simpler words, with why it matters. An introduction comes once:
    before the first ordinary question, after an escalation (`level`, as this turn leaves it), and
    before questions asked because the red-flag check failed.
    """
    if question == screening.DURATION_QUESTION:
        dispatcher.utter_message(text=phrases.ASK_DURATION, buttons=phrases.DURATION_BUTTONS)
        return []
    entry: Any = get_catalogue().categories.get(question) if question else None
    if question is None or entry is None:
        return []
    quote = progress.quotes.get(question)  # None: not a possible flag; "": the check failed
    intros = list(tracker.get_slot("screening_intros") or [])
    if level != NONE:
        if INTRO_ESCALATED not in intros:
            dispatcher.utter_message(text=phrases.MORE_QUESTIONS_INTRO)
            intros.append(INTRO_ESCALATED)
    elif quote is None and INTRO_START not in intros:
        dispatcher.utter_message(text=phrases.SCREENING_INTRO)
        intros.append(INTRO_START)
    if quote == "" and INTRO_CHECK not in intros:
        dispatcher.utter_message(text=phrases.CHECK_INTRO)
        intros.append(INTRO_CHECK)

    if question in progress.simplified:
        dispatcher.utter_message(text=entry.why)
        dispatcher.utter_message(text=entry.simpler, buttons=phrases.ANSWER_BUTTONS)
        return changed_slots(tracker, {"screening_intros": intros})
    denied = denials_in_conversation(tracker).get(question) if quote is None else None
    if quote:
        text = phrases.QUOTED_QUESTION.format(quote=quote, question=entry.question)
    elif denied:
        text = phrases.DENIED_QUESTION.format(quote=shorten(denied), question=entry.question)
    else:
        text = entry.question
    dispatcher.utter_message(text=text, buttons=phrases.ANSWER_BUTTONS)
    return changed_slots(tracker, {"screening_intros": intros})
