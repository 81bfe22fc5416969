"""Which content text answers which patient question, and every content id the assistant uses.

`python -m bot content check` verifies that each id here exists in content/.
"""

from __future__ import annotations

# Intent -> id of the text in content/da/ that answers it.
ROUTES: dict[str, str] = {
    "ask_scan": "hvorfor-ikke-scanning",
    "insist_scan": "hvorfor-ikke-scanning",
    "ask_scan_findings": "hvad-viser-en-scanning",
    "ask_when_scan": "hvornaar-scanning",
    "ask_self_help": "hvad-kan-jeg-selv-goere",
    "ask_painkillers": "smertestillende",
    "ask_work": "arbejde-og-sygemelding",
    "ask_exercise": "motion-og-bevaegelse",
    "ask_duration": "hvor-lang-tid",
    "ask_when_doctor": "hvornaar-kontakte-laegen",
    "ask_what_doctor_does": "hvad-goer-laegen",
    "ask_why_questions": "hvorfor-spoergsmaal",
    "ask_is_human": "om-rygbot",
    "ask_privacy": "privatliv",
    "ask_recommendation": "om-anbefalingen",
}

WELCOME = "velkommen"
EMERGENCY = "akut-112"
URGENT = "kontakt-laegen-nu"
LONG_LASTING = "langvarige-smerter"
ENGLISH = "kun-dansk"

# The texts that make up the `none` result, in the order the bot sends them.
NO_RED_FLAG_RESULT: tuple[str, ...] = (
    "hvorfor-ikke-scanning",
    "hvad-kan-jeg-selv-goere",
    "hvor-lang-tid",
    "hvornaar-kontakte-laegen",
)

CONTENT_IDS_USED: frozenset[str] = frozenset(
    {*ROUTES.values(), WELCOME, EMERGENCY, URGENT, LONG_LASTING, ENGLISH, *NO_RED_FLAG_RESULT}
)

# The only texts sent after an escalation (DESIGN.md invariant 2): they neither reassure nor say
# that a scan or a doctor is unnecessary. Any other question gets a reminder of the escalation.
NEUTRAL_AFTER_ESCALATION: frozenset[str] = frozenset({"om-rygbot", "privatliv", "hvorfor-spoergsmaal", ENGLISH})

# The safety net (when to contact the doctor after all): repeated when the patient comes back
# after a result without red flags, and sent after the answer on long-lasting pain.
SAFETY_NET = "hvornaar-kontakte-laegen"
