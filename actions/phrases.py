"""The short conversational phrases the actions send (explanations come from content/).

They live here rather than in domain.yml because only actions use them: Rasa's validator would
flag domain responses that no rule uses, and changing them here needs no retraining.
"""

from __future__ import annotations

from bot.triage import EMERGENCY

Buttons = list[dict[str, str]]

ASK_DURATION = "Hvor længe har du haft ondt?"
DURATION_BUTTONS: Buttons = [
    {"title": "Under 6 uger", "payload": "under 6 uger"},
    {"title": "6–12 uger", "payload": "6-12 uger"},
    {"title": "Mere end 12 uger", "payload": "mere end 12 uger"},
]
DURATION_NOT_UNDERSTOOD = 'Det forstod jeg ikke helt. Skriv fx "3 dage" eller "2 uger", eller vælg en knap.'

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

ESCALATION_REMINDER = "Det, du har fortalt mig, skal en læge se på nu. Derfor gentager jeg det vigtigste:"
SHORT_REMINDERS = {
    EMERGENCY: "Husk at ringe 112 nu, hvis du ikke allerede har gjort det.",
}
SHORT_REMINDER_URGENT = "Husk at kontakte lægen nu, hvis du ikke allerede har gjort det."

INSIST_SCAN = (
    "Jeg forstår godt, at du gerne vil være sikker. Det er en god idé at tale med din læge om det. "
    "I kan sammen se på, om en scanning kan hjælpe dig."
)

RESTART = "Vi starter forfra. Det, du har skrevet indtil nu, er glemt i samtalen."

READ_MORE_BUTTON: Buttons = [{"title": "Læs mere", "payload": "/affirm"}]
ACKNOWLEDGE = "Okay. Spørg endelig, hvis der er noget, du vil vide mere om."
TOPIC_BUTTONS: Buttons = [
    {"title": "Skal jeg scannes?", "payload": "/ask_scan"},
    {"title": "Hvad kan jeg selv gøre?", "payload": "/ask_self_help"},
    {"title": "Hvornår skal jeg til lægen?", "payload": "/ask_when_doctor"},
]
