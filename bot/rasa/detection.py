"""The red-flag detection as it travels to Rasa and on to the actions.

The channel detects once per message, on the whole unredacted text, and hands the result to Rasa in
the UserMessage metadata under METADATA_KEY (a key only the channel sets); RedFlagClassifier puts it
into the parse data under DETECTION_KEY, where the actions read it (`tracker.latest_message`). Only
when the metadata has no detection (`rasa shell`, story tests) does the component detect itself.

No Rasa import here, so the action server does not load Rasa to read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from bot.categories import EMERGENCY_CATEGORIES
from bot.redflags.status import NEGATED
from bot.triage import LEVELS, NONE

if TYPE_CHECKING:
    from bot.redflags import Detection

# The parse-data key (tracker.latest_message[DETECTION_KEY] in the actions).
DETECTION_KEY = "red_flags"
# The UserMessage metadata key: set by the rygbot channel only, overwriting anything a client sent.
METADATA_KEY = "rygbot_red_flags"
_LIST_KEYS = ("flags", "negated", "ask", "ruled_out")


def to_parse_data(detection: Detection) -> dict[str, Any]:
    """`{"flags", "level", "negated", "ask", "ruled_out"}`: ruled_out are the categories the patient
    denied outright ("ingen feber"). Only those are confirmed in a question rather than asked
    plainly; an excluded mention ("min mor havde kræft", "jeg løftede en kasse") says nothing about
    the patient."""
    denied = {m.category for m in detection.matches if m.status == NEGATED}
    return {**detection.to_json(), "ruled_out": [c for c in detection.negated if c in denied]}


def detection_data(detection: Detection) -> dict[str, Any]:
    """What travels in the metadata and the parse data: `to_parse_data` plus `failed` (the detector
    failed: its `ask` then holds the emergency categories, never "nothing")."""
    return {**to_parse_data(detection), "failed": bool(detection.failed)}


def empty_data(*, failed: bool = False) -> dict[str, Any]:
    """Nothing found (a button payload); with `failed`, the detection of a detector that could not
    run at all, which asks the emergency questions."""
    ask = list(EMERGENCY_CATEGORIES) if failed else []
    return {"flags": [], "level": NONE, "negated": [], "ask": ask, "ruled_out": [], "failed": failed}


def from_metadata(metadata: Any) -> Optional[dict[str, Any]]:
    """The channel's detection from a message's metadata, or None when there is none (or it is not
    well formed: the component then detects itself)."""
    found = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    if not isinstance(found, dict) or found.get("level") not in LEVELS:
        return None
    data: dict[str, Any] = {"level": found["level"], "failed": found.get("failed") is True}
    for key in _LIST_KEYS:
        value = found.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return None
        data[key] = list(value)
    return data
