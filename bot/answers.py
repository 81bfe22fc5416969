"""The three answers to a screening question. Their own module so that both the screening
(`bot.screening`) and the triage (`bot.triage`) use them without importing each other."""

from __future__ import annotations

from typing import Final, Literal

Answer = Literal["yes", "no", "unsure"]

YES: Final = "yes"
NO: Final = "no"
UNSURE: Final = "unsure"
