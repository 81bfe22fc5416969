"""Which content text answers which patient question, and every content id the assistant uses.

`python -m bot content check` verifies that each id here exists in content/.
"""

from __future__ import annotations

from typing import Optional

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

# After an escalation: what to say to the doctor (or to 112).
WHAT_TO_SAY = "det-kan-du-sige"

CONTENT_IDS_USED: frozenset[str] = frozenset(
    {*ROUTES.values(), WELCOME, EMERGENCY, URGENT, LONG_LASTING, ENGLISH, WHAT_TO_SAY, *NO_RED_FLAG_RESULT}
)

# The only texts sent after an escalation (DESIGN.md invariant 2): they neither reassure nor say
# that a scan or a doctor is unnecessary. Any other question gets a reminder of the escalation.
NEUTRAL_AFTER_ESCALATION: frozenset[str] = frozenset({"om-rygbot", "privatliv", "hvorfor-spoergsmaal", ENGLISH})

# After an escalation every other question gets a short answer that keeps the escalation in front
# (with a one-line reminder and the triage payload), never the usual text:
AFTER_ESCALATION_SCAN = "scan"  # a scan: the doctor decides
AFTER_ESCALATION_WHERE = "where"  # when, where, "skal jeg virkelig?": the escalation's first part again
AFTER_ESCALATION_WHAT_TO_SAY = "what_to_say"  # what to say: the WHAT_TO_SAY text
AFTER_ESCALATION_ASK_DOCTOR = "ask_doctor"  # anything else: ask the doctor
AFTER_ESCALATION: dict[str, str] = {
    "ask_scan": AFTER_ESCALATION_SCAN,
    "insist_scan": AFTER_ESCALATION_SCAN,
    "ask_scan_findings": AFTER_ESCALATION_SCAN,
    "ask_when_scan": AFTER_ESCALATION_SCAN,
    "ask_when_doctor": AFTER_ESCALATION_WHERE,
    "ask_what_doctor_does": AFTER_ESCALATION_WHAT_TO_SAY,
}


def after_escalation(intent: str, text_id: str) -> Optional[str]:
    """How to answer a question (its intent and usual text) after an escalation: None to send the
    usual text (a neutral one), else one of the AFTER_ESCALATION_* answers."""
    if text_id in NEUTRAL_AFTER_ESCALATION:
        return None
    return AFTER_ESCALATION.get(intent, AFTER_ESCALATION_ASK_DOCTOR)


# The safety net (when to contact the doctor after all): repeated when the patient comes back
# after a result without red flags, and sent after the answer on long-lasting pain.
SAFETY_NET = "hvornaar-kontakte-laegen"
