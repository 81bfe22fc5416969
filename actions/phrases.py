"""The short conversational phrases the actions send (explanations come from content/).

They live here rather than in domain.yml because only actions use them: Rasa's validator would
flag domain responses that no rule uses, and changing them here needs no retraining.
"""

from __future__ import annotations

from bot import screening
from bot.triage import EMERGENCY

Buttons = list[dict[str, str]]

ASK_DURATION = "Hvor længe har du haft ondt?"
DURATION_BUTTONS: Buttons = [
    {"title": "Under 6 uger", "payload": "under 6 uger"},
    {"title": "6–12 uger", "payload": "6-12 uger"},
    {"title": "Mere end 12 uger", "payload": "mere end 12 uger"},
]
DURATION_NOT_UNDERSTOOD = 'Det forstod jeg ikke helt. Skriv fx "3 dage" eller "2 uger", eller vælg en knap.'
DURATION_VAGUE = "Kan du sige det lidt mere præcist? Vælg gerne den knap, der passer bedst."
DURATION_SET_ASIDE = "Det er helt i orden. Så går vi videre."

SCREENING_INTRO = (
    "Nu stiller jeg nogle korte spørgsmål for at se, om du skal til lægen med det samme. "
    "Svar ja, nej eller ved ikke."
)
ANSWER_BUTTONS: Buttons = [
    {"title": "Ja", "payload": "/affirm"},
    {"title": "Nej", "payload": "/deny"},
    {"title": "Ved ikke", "payload": "/dont_know"},
]
ANSWER_NOT_UNDERSTOOD = "Det forstod jeg ikke helt. Svar gerne ja, nej eller ved ikke."
ANSWER_SET_ASIDE = "Det er i orden. Så skriver jeg, at du ikke ved det. Vi går videre."

# What the validation says before the next question (bot.screening.NOTE_*).
SCREENING_NOTES: dict[str, str] = {
    screening.NOTE_DURATION_UNCLEAR: DURATION_NOT_UNDERSTOOD,
    screening.NOTE_DURATION_VAGUE: DURATION_VAGUE,
    screening.NOTE_DURATION_SET_ASIDE: DURATION_SET_ASIDE,
    screening.NOTE_ANSWER_UNCLEAR: ANSWER_NOT_UNDERSTOOD,
    screening.NOTE_ANSWER_SET_ASIDE: ANSWER_SET_ASIDE,
}

# A question about something the patient wrote (a possible red flag), or denied, in their own words.
QUOTED_QUESTION = "Du skrev: «{quote}». {question}"
DENIED_QUESTION = "Du skrev: «{quote}». For en sikkerheds skyld: {question}"
# Before questions that come because the red-flag check failed (no words to quote).
CHECK_INTRO = "Jeg vil lige spørge dig om noget vigtigt."
# After an urgent escalation the emergency questions still come: "ring 112" may be needed.
MORE_QUESTIONS_INTRO = "Jeg har lige et par spørgsmål mere, som er vigtige."

SHORT_REMINDERS = {
    EMERGENCY: "Husk at ringe 112 nu, hvis du ikke allerede har gjort det.",
}
SHORT_REMINDER_URGENT = "Husk at kontakte lægen nu, hvis du ikke allerede har gjort det."

# Answers to questions after an escalation (bot.routing.AFTER_ESCALATION); never that a scan or a
# doctor is unnecessary (DESIGN.md invariant 2).
AFTER_ESCALATION_SCAN = "Om du skal scannes, afgør lægen, når lægen har undersøgt dig."
AFTER_ESCALATION_ASK_DOCTOR = "Det kan lægen svare bedst på. Spørg, når du taler med lægen."

INSIST_SCAN = (
    "Jeg forstår godt, at du gerne vil være sikker. Det er en god idé at tale med din læge om det. "
    "I kan sammen se på, om en scanning kan hjælpe dig."
)

# Before the handover summary the patient asked for (the widget shows it as a card "Til lægen").
HANDOVER_LEAD = "Her er et kort resumé, du kan vise lægen eller læse op, når du ringer."
HANDOVER_SO_FAR = "Her er et resumé af det, du har svaret indtil nu. Når spørgsmålene er færdige, får du det hele."

RESTART = "Vi starter forfra. Det, du har skrevet indtil nu, er glemt i samtalen."

READ_MORE_BUTTON: Buttons = [{"title": "Læs mere", "payload": "/affirm"}]
ACKNOWLEDGE = "Okay. Spørg endelig, hvis der er noget, du vil vide mere om."
TOPIC_BUTTONS: Buttons = [
    {"title": "Skal jeg scannes?", "payload": "/ask_scan"},
    {"title": "Hvad kan jeg selv gøre?", "payload": "/ask_self_help"},
    {"title": "Hvornår skal jeg til lægen?", "payload": "/ask_when_doctor"},
]
