"""The three answers to a screening question. Their own module so that both the screening
(`bot.screening`) and the triage (`bot.triage`) use them without importing each other."""

from __future__ import annotations

YES = "yes"
NO = "no"
UNSURE = "unsure"
ANSWERS: tuple[str, ...] = (YES, NO, UNSURE)
