"""The nine red-flag categories of DESIGN.md, a fixed contract. Their own module, free of every
dependency, so the channel, the actions and the detector name them from one place."""

from __future__ import annotations

# In screening order: the emergency categories first.
CATEGORY_NAMES: tuple[str, ...] = (
    "bladder_bowel",
    "saddle_numbness",
    "neuro_deficit",
    "infection",
    "trauma",
    "spinal_procedure",
    "cancer",
    "weight_loss",
    "fracture_risk",
)
# Asked about when the detector cannot run: a failure is never read as "nothing".
EMERGENCY_CATEGORIES: tuple[str, ...] = CATEGORY_NAMES[:3]
