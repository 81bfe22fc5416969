"""The intents the red-flag detector sets in Rasa's NLU. Free of Rasa, so the screening, the
channel's NLU component and the actions name them from one place."""

from __future__ import annotations

from typing import Final

# A flag in the message: escalate.
RED_FLAG_INTENT: Final = "red_flag"
# Categories to ask about at once (the detector's `ask`).
POSSIBLE_RED_FLAG_INTENT: Final = "possible_red_flag"
DETECTOR_INTENTS: tuple[str, ...] = (RED_FLAG_INTENT, POSSIBLE_RED_FLAG_INTENT)
