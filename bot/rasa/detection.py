"""The red-flag detection as it travels in Rasa's parse data, from the NLU component to the actions.

No Rasa import here, so the action server does not load Rasa to read it.
"""

from __future__ import annotations

from typing import Any

from bot.redflags import Detection

RED_FLAG_INTENT = "red_flag"
# The parse-data key (tracker.latest_message[DETECTION_KEY] in the actions).
DETECTION_KEY = "red_flags"
# Match.status of a mention the patient denied (as opposed to "present" or "excluded").
NEGATED_STATUS = "negated"


def to_parse_data(detection: Detection) -> dict[str, Any]:
    """`{"flags", "level", "negated", "ruled_out"}`: ruled_out are the categories the patient
    denied outright ("ingen feber"). Only those let the screening skip a question; an excluded
    mention ("min mor havde kræft", "jeg løftede en kasse") says nothing about the patient."""
    denied = {m.category for m in detection.matches if m.status == NEGATED_STATUS}
    return {**detection.to_json(), "ruled_out": [c for c in detection.negated if c in denied]}
