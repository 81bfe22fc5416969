"""The handover summary ("Til lægen"): what the patient can show or read out to the doctor.

Pure: built from what the conversation already holds (the triage level, the screening answers,
the duration as the patient said it, the description as Rasa stored it, already redacted by the
channel), so it stores nothing new. GPs want the outcome and urgency first and short lists of
negative answers, so the text gives: the outcome and what to do, with date and time; how long and
the patient's own words; every "ja" and "ved ikke" with the question's wording; then the rest on
one line ("Nej til: …"); and who made it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence

from bot.answers import NO, UNSURE, YES
from bot.quoting import shorten
from bot.screening import OVER_12_WEEKS, UNDER_6_WEEKS, UNKNOWN_DURATION, WEEKS_6_TO_12
from bot.triage import EMERGENCY, LEVELS, NONE, URGENT

TIMEZONE = "Europe/Copenhagen"
DESCRIPTION_CHARS = 400
# Some short names hold commas ("fald, ulykke eller slag"), so the compact lines use semicolons.
LIST_SEPARATOR = "; "
DURATION_CHARS = 80

TITLE = "Til lægen – resumé fra rygbot"
SOURCE = "Lavet af rygbot, en chatbot. Ikke en lægelig vurdering."
# Outcome and what to do, first (the fixed category levels of DESIGN.md).
OUTCOMES: dict[str, str] = {
    EMERGENCY: "Resultat: Ring 112 nu. Det kan være tegn på alvorlig sygdom, som skal undersøges med det samme.",
    URGENT: "Resultat: Kontakt din læge nu. En læge skal se på det i dag.",
    NONE: "Resultat: Ingen tegn på alvorlig sygdom i svarene. Kontakt lægen, hvis det bliver værre "
          "eller ikke er bedre om nogle uger.",
}
UNFINISHED = "Resultat: Spørgsmålene er ikke færdige endnu."
AFTER_HOURS = "Har lægen lukket, så ring til lægevagten{phone}."
DURATIONS: dict[str, str] = {
    UNDER_6_WEEKS: "under 6 uger",
    WEEKS_6_TO_12: "6–12 uger",
    OVER_12_WEEKS: "mere end 12 uger",
    UNKNOWN_DURATION: "ved ikke",
}
# Short names of the red-flag categories (DESIGN.md's fixed names) for the compact lines.
LABELS: dict[str, str] = {
    "bladder_bowel": "problemer med at tisse eller holde på urin eller afføring",
    "saddle_numbness": "nedsat følelse i skridtet",
    "neuro_deficit": "svaghed i ben eller fod",
    "infection": "feber eller meget syg",
    "trauma": "fald, ulykke eller slag",
    "spinal_procedure": "operation, bedøvelse eller stik i ryggen",
    "cancer": "kræft",
    "weight_loss": "vægttab uden grund",
    "fracture_risk": "knogleskørhed eller prednisolon",
}
_MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
           "oktober", "november", "december")


@dataclass(frozen=True)
class Consultation:
    """What the summary is built from. `answers`: category -> yes | no | unsure; `flags`: every
    category escalated (also from free text); `questions`: category -> the question's wording, in
    screening order; `duration`: the bucket (bot.screening), `duration_said`: the patient's answer;
    `description`: the patient's description as stored; `finished`: the screening gave a result."""

    level: str
    questions: Mapping[str, str]
    answers: Mapping[str, str] = field(default_factory=dict)
    flags: Sequence[str] = ()
    duration: Optional[str] = None
    duration_said: Optional[str] = None
    description: Optional[str] = None
    finished: bool = True
    laegevagt_phone: str = ""


@dataclass(frozen=True)
class Handover:
    level: str
    flags: list[str]
    unsure: list[str]
    duration: Optional[str]
    text: str

    def payload(self) -> dict[str, Any]:
        """The custom payload of DESIGN.md's contract."""
        return {"handover": {"level": self.level, "flags": self.flags, "unsure": self.unsure,
                             "duration": self.duration, "text": self.text}}


def danish_time(moment: dt.datetime) -> str:
    """`1. december 2026 kl. 15.32` in Danish time."""
    try:
        from zoneinfo import ZoneInfo

        local = moment.astimezone(ZoneInfo(TIMEZONE))
    except Exception:  # noqa: BLE001 - no time zone data: say UTC rather than nothing
        local = moment.astimezone(dt.timezone.utc)
        return f"{local.day}. {_MONTHS[local.month - 1]} {local.year} kl. {local:%H.%M} (UTC)"
    return f"{local.day}. {_MONTHS[local.month - 1]} {local.year} kl. {local:%H.%M}"


def build(consultation: Consultation, now: Optional[dt.datetime] = None) -> Handover:
    """The summary of a consultation at `now` (default: this moment)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    level = consultation.level if consultation.level in LEVELS else NONE
    order = list(consultation.questions)
    answers = consultation.answers
    yes = [c for c in order if answers.get(c) == YES]
    unsure = [c for c in order if answers.get(c) == UNSURE]
    denied = [c for c in order if answers.get(c) == NO and c not in consultation.flags]
    written = [c for c in dict.fromkeys(consultation.flags) if c not in yes and c not in unsure]
    flags = list(dict.fromkeys([*consultation.flags, *yes]))
    not_asked = [c for c in order if c not in answers and c not in flags]

    lines = [TITLE, danish_time(now), ""]
    lines.append(OUTCOMES[level] if consultation.finished or level != NONE else UNFINISHED)
    if level == URGENT:
        phone = f" ({consultation.laegevagt_phone})" if consultation.laegevagt_phone else ""
        lines.append(AFTER_HOURS.format(phone=phone))
    lines.append("")

    said = shorten(consultation.duration_said or "", DURATION_CHARS)
    if said:
        lines.append(f"Hvor længe: «{said}»")
    elif consultation.duration in DURATIONS and consultation.duration != UNKNOWN_DURATION:
        lines.append(f"Hvor længe: {DURATIONS[consultation.duration]}")
    else:
        lines.append("Hvor længe: ikke oplyst")
    description = shorten(consultation.description or "", DESCRIPTION_CHARS)
    if description:
        lines.append(f"Patientens egne ord: «{description}»")
    lines.append("")

    if yes:
        lines.append("Svaret ja til:")
        lines += [f"- {consultation.questions[c]}" for c in yes]
    if unsure:
        lines.append("Svaret ved ikke til:")
        lines += [f"- {consultation.questions[c]}" for c in unsure]
    if written:
        lines.append("Skrevet i chatten: " + LIST_SEPARATOR.join(_label(c) for c in written) + ".")
    if denied:
        lines.append("Nej til: " + LIST_SEPARATOR.join(_label(c) for c in denied) + ".")
    if not_asked:
        lines.append("Ikke spurgt om: " + LIST_SEPARATOR.join(_label(c) for c in not_asked) + ".")
    if yes or unsure or written or denied or not_asked:
        lines.append("")
    lines.append(SOURCE)

    duration = said or None
    return Handover(level=level, flags=flags, unsure=unsure, duration=duration, text="\n".join(lines))


def _label(category: str) -> str:
    return LABELS.get(category, category.replace("_", " "))
