"""What the detector decided about one red-flag mention (`Match.status`). Free of spaCy, so the
action server and the CLI can read detections without loading the language pipeline."""

from __future__ import annotations

from typing import Final, Literal

Status = Literal["present", "ask", "negated", "excluded", "context"]

PRESENT: Final = "present"  # a flag: escalate
ASK: Final = "ask"  # possible: a context reading or the recall layer; ask the category's question
NEGATED: Final = "negated"  # the patient denied it ("ingen feber")
EXCLUDED: Final = "excluded"  # an exclusion of the category covers it ("min mor havde kræft")
CONTEXT: Final = "context"  # a context reading rules it out for this patient now ("opereret i 2009")
