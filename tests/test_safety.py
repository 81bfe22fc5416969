"""The built-in safe texts: they always say who to call, in Danish, without content/."""

import pytest

from bot import safety
from bot.triage import EMERGENCY, NONE, URGENT

CLINIC = safety.Contact(clinic_name="Lægerne i Søndergade", clinic_phone="86 12 34 56", region="midtjylland")


def test_fallback_names_own_doctor_laegevagt_and_112():
    text = safety.fallback_text(safety.Contact())
    assert "din egen læge" in text
    assert "lægevagten" in text and "1813" in text and "1818" in text
    assert "112" in text


def test_fallback_uses_the_clinic_phone_and_the_region_number():
    text = safety.fallback_text(safety.Contact(clinic_phone="86 12 34 56", region="hovedstaden"))
    assert "86 12 34 56" in text
    assert "lægevagten på tlf. 1813" in text


def test_laegevagt_number_from_content_wins_over_the_builtin_text():
    contact = safety.Contact(region="midtjylland", laegevagt_phone="70 11 31 31")
    assert "lægevagten på tlf. 70 11 31 31" in safety.fallback_text(contact)


def test_emergency_escalation_says_ring_112_now():
    text = safety.escalation_text(EMERGENCY, CLINIC)
    assert text.startswith("**Ring 112 nu.**")
    assert "86 12 34 56" not in text


def test_urgent_escalation_says_contact_the_doctor_now_with_the_clinic_number():
    text = safety.escalation_text(URGENT, CLINIC)
    assert text.startswith("**Kontakt din læge nu.**")
    assert "Lægerne i Søndergade, tlf. 86 12 34 56" in text
    assert "lægevagten" in text and "112" in text


def test_no_red_flag_gets_the_plain_fallback():
    assert safety.escalation_text(NONE, CLINIC) == safety.fallback_text(CLINIC)


@pytest.mark.parametrize("level", [EMERGENCY, URGENT, NONE])
def test_safe_texts_never_say_that_a_doctor_or_scan_is_unnecessary(level):
    text = safety.escalation_text(level, CLINIC).lower()
    assert "ikke nødvendig" not in text and "scanning" not in text


def test_triage_payload_has_the_contract_shape():
    assert safety.triage_payload(EMERGENCY, ["bladder_bowel"]) == {"triage": "emergency", "flags": ["bladder_bowel"]}
    assert safety.triage_payload("bogus", []) == {"triage": "none", "flags": []}


def test_long_message_note_gives_the_limit_in_danish_number_format():
    assert "2.000 tegn" in safety.long_message_note(2000)


def test_redacted_note_lists_what_was_removed_in_danish():
    assert "CPR-nummer og e-mailadresse" in safety.redacted_note(("cpr", "email"))
    assert "CPR-nummer, telefonnummer og e-mailadresse" in safety.redacted_note(("cpr", "phone", "email"))
