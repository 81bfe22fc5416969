"""What the detector decided about one red-flag mention (`Match.status`). Free of spaCy, so the
action server and the CLI can read detections without loading the language pipeline."""

from __future__ import annotations

PRESENT = "present"  # a flag: escalate
ASK = "ask"  # possible: a context reading or the recall layer; ask the category's question
NEGATED = "negated"  # the patient denied it ("ingen feber")
EXCLUDED = "excluded"  # an exclusion of the category covers it ("min mor havde kræft")
CONTEXT = "context"  # a context reading rules it out for this patient now ("opereret i 2009")
