"""Safe Danish replies that must reach the patient even when Rasa, the action server or content/ fail.

DESIGN.md invariant 5: never silence. These texts live in code, not in content/, so a broken content
file cannot take them down. They only say who to call; they give no other clinical advice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from bot.triage import EMERGENCY, NONE, URGENT

EMERGENCY_NUMBER = "112"

# Lægevagten numbers named in DESIGN.md; content/regions.yml has every region's number.
LAEGEVAGT_NUMBERS: dict[str, str] = {"hovedstaden": "1813", "sjaelland": "1818"}

EMPTY_MESSAGE_REPLY = (
    "Jeg kunne ikke læse din besked. Skriv gerne med almindelige ord, hvordan din ryg har det."
)

LONG_MESSAGE_NOTE = (
    "Din besked var meget lang, så jeg har kun læst de første {limit} tegn. "
    "Skriv gerne kort det vigtigste igen, hvis noget mangler."
)

REDACTED_NOTE = (
    "Jeg har fjernet {what} fra din besked for at passe på dine oplysninger. "
    "Du behøver ikke skrive den slags her."
)

_REDACTED_WORDS = {
    "cpr": "CPR-nummer",
    "phone": "telefonnummer",
    "email": "e-mailadresse",
    "address": "adresse",
    "name": "navn",
}

_EMERGENCY_SIGNS = (
    "Ring 112 med det samme, hvis du ikke kan tisse eller holde på urin eller afføring, "
    "ikke kan mærke skridtet, eller hvis dine ben bliver mere og mere svage eller lammede."
)


@dataclass(frozen=True)
class Contact:
    """Who the patient can call: the clinic from the widget's settings and the regional lægevagt."""

    clinic_name: str = ""
    clinic_phone: str = ""
    region: str = ""
    laegevagt_phone: str = ""


def _own_doctor(contact: Contact) -> str:
    if contact.clinic_name and contact.clinic_phone:
        return f"din egen læge ({contact.clinic_name}, tlf. {contact.clinic_phone})"
    if contact.clinic_phone:
        return f"din egen læge på tlf. {contact.clinic_phone}"
    return "din egen læge"


def _laegevagt(contact: Contact) -> str:
    phone = contact.laegevagt_phone or LAEGEVAGT_NUMBERS.get(contact.region, "")
    if phone:
        return f"lægevagten på tlf. {phone}"
    return "lægevagten (1813 i Region Hovedstaden, 1818 i Region Sjælland, ellers lægevagten i din region)"


def fallback_text(contact: Contact) -> str:
    """What the patient reads when the bot cannot answer and nothing alarming was detected."""
    return (
        "Beklager, jeg kan ikke svare lige nu. Prøv igen om lidt.\n\n"
        f"Har du brug for hjælp nu, så kontakt {_own_doctor(contact)}. "
        f"Uden for lægens åbningstid kan du ringe til {_laegevagt(contact)}.\n\n"
        f"{_EMERGENCY_SIGNS}"
    )


def escalation_text(level: str, contact: Contact) -> str:
    """The escalation for a triage level; `none` gets the plain fallback."""
    if level == EMERGENCY:
        return (
            f"**Ring {EMERGENCY_NUMBER} nu.**\n\n"
            "Det, du skriver, kan være tegn på noget alvorligt, som skal undersøges med det samme. "
            "Vent ikke på, at det går over."
        )
    if level == URGENT:
        return (
            "**Kontakt din læge nu.**\n\n"
            "Det, du skriver, skal en læge se på hurtigt. "
            f"Ring til {_own_doctor(contact)}. "
            f"Uden for lægens åbningstid: ring til {_laegevagt(contact)}.\n\n"
            f"Ring {EMERGENCY_NUMBER}, hvis du får det meget værre."
        )
    return fallback_text(contact)


def long_message_note(limit: int) -> str:
    """Tells the patient that only the start of a very long message was read."""
    return LONG_MESSAGE_NOTE.format(limit=f"{limit:,}".replace(",", "."))


def redacted_note(kinds: tuple[str, ...]) -> str:
    """Tells the patient which kinds of personal data were removed before the text was stored."""
    words = [word for kind, word in _REDACTED_WORDS.items() if kind in kinds]
    if len(words) > 1:
        what = ", ".join(words[:-1]) + " og " + words[-1]
    else:
        what = words[0] if words else "personlige oplysninger"
    return REDACTED_NOTE.format(what=what)


def triage_payload(level: str, flags: Iterable[str]) -> dict[str, Any]:
    """The custom payload (DESIGN.md contract) the widget turns into a banner."""
    return {"triage": level if level in (EMERGENCY, URGENT) else NONE, "flags": list(flags)}
