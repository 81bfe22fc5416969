"""Check and clean a chat request before Rasa sees (and stores) it.

Pure: no Rasa, no I/O, so the rules are tested in milliseconds. The channel (`bot/rasa/channel.py`)
turns a `GuardError` into an HTTP error and a `GuardedMessage` into a Rasa `UserMessage`.

Two texts come out of one message: `text`, cut and with CPR numbers, phone numbers and e-mail
addresses redacted, which Rasa stores; and `detection_text`, cleaned but neither cut nor redacted,
which the red-flag safety net reads, so redaction can never hide a symptom.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping, Optional

MAX_BODY_BYTES = 32 * 1024
MAX_MESSAGE_CHARS = 2000
MAX_CLINIC_NAME_CHARS = 100

# Button payloads such as `/affirm` or `/inform_duration{"duration": "dage"}` pass unchanged.
_PAYLOAD = re.compile(r"/[A-Za-z_]{1,64}(\{[^{}]{0,200}\})?")
# The sender id is the conversation's only secret (DESIGN.md: UUID4), so nothing guessable is taken.
_UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_REGION = re.compile(r"[a-z_]{1,40}")
# The client's id of one message, the same when it resends it (bot/rasa/resend.py): random, no text.
_MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
_PHONE_CHARS = re.compile(r"[^0-9+ ]")

# Bidirectional overrides and zero-width characters hide or reorder text; keep ZWJ for emoji.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"))
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z!][^<>]*>")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t]+")
_READABLE = re.compile(r"[^\W_]")

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# ddmmyy-xxxx, with or without the dash (or a space); the date part must be a plausible date.
_CPR = re.compile(r"(?<![\d-])(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}[- ]?\d{4}(?![\d-])")
# Eight digits, optionally +45/0045 first, written together, in pairs or in two groups of four.
_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)45[ -]?)?(?:\d{8}|\d{2}(?: \d{2}){3}|\d{4} \d{4})(?![\d])"
)
# A street and house number ("Søndergade 14", "Nørre Allé 3, 2. th."), optionally with postcode and
# town, or a postcode and a capitalised town after "bor i" ("bor i 8000 Aarhus C"). A postcode alone
# is not taken: years look the same ("i 2019 Marts").
_STREET = (
    r"(?i:vej|vejen|gade|gaden|allé|alle|stræde|straede|plads|pladsen|vænge|vænget|torv|torvet"
    r"|boulevard|stien|parken|bakken|haven)"
)
# "ad stien 3 gange", "200 m ad vejen": a number that counts something is no house number.
_COUNTED = r"gange?|dage?|døgn|uger?|måneder|år|km|m|meter|min|minutter|timer?|kg|kilo"
_TOWN = r"\d{4}\s+[A-ZÆØÅ][a-zæøå]+(?:\s+[A-ZÆØÅ]\b\.?)?"
_ADDRESS = re.compile(
    rf"\b(?:[A-ZÆØÅ][\w.-]*\s+{_STREET}|[\w-]+{_STREET})\s+\d{{1,4}}[A-Za-z]?\b(?!\s*(?i:{_COUNTED})\b)"
    rf"(?:,?\s*\d{{1,2}}\.?\s*(?i:th|tv|mf|sal)\b\.?)?(?:,?\s*{_TOWN})?"
    rf"|(?<=\b(?i:bor i) ){_TOWN}"
)
# A name after the words people introduce or sign with ("jeg hedder Anne Hansen", "Mvh. Ole"):
# only capitalised words right after the cue, so symptoms after "jeg hedder" are never touched.
_NAME = re.compile(
    r"\b((?i:jeg hedder|mit navn er|my name is|mvh\.?|med venlig hilsen|venlig hilsen|de bedste hilsner|"
    r"bedste hilsner|kærlig hilsen|kh\.?|hilsen)[\s,:]+)([A-ZÆØÅ][a-zæøåé]+(?:[ -][A-ZÆØÅ][a-zæøåé]+){0,2})"
)
_REDACTIONS = (
    ("email", _EMAIL, "[e-mail]"),
    ("cpr", _CPR, "[cpr-nummer]"),
    ("phone", _PHONE, "[telefonnummer]"),
    ("address", _ADDRESS, "[adresse]"),
    ("name", _NAME, r"\1[navn]"),
)


class GuardError(Exception):
    """A request the channel refuses, with the HTTP status and a JSON error for the client."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message

    def to_json(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message}


@dataclass(frozen=True)
class GuardedMessage:
    """A request that passed the guard."""

    sender: str
    text: str
    detection_text: str
    is_payload: bool = False
    was_cut: bool = False
    redacted: tuple[str, ...] = ()
    # The client's message id (None: Rasa makes one), and whether this is a resend of it.
    message_id: Optional[str] = None
    resend: bool = False

    @property
    def is_unreadable(self) -> bool:
        """True when nothing is left to read: empty, only emoji, symbols or markup."""
        return not self.is_payload and not _READABLE.search(self.text)


def parse_body(body: bytes) -> Mapping[str, Any]:
    """Decode a request body into a JSON object, or raise `GuardError` (413 or 400)."""
    if len(body) > MAX_BODY_BYTES:
        raise too_large()
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise GuardError(400, "invalid_json", "The request body must be a JSON object in UTF-8.") from None
    if not isinstance(payload, dict):
        raise GuardError(400, "invalid_json", "The request body must be a JSON object.")
    return payload


def too_large() -> GuardError:
    return GuardError(413, "too_large", f"The request body must be at most {MAX_BODY_BYTES} bytes.")


def clean_text(text: str) -> str:
    """NFC-normalise, drop control, invisible and surrogate characters and HTML tags, tidy spaces."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    text = "".join(
        ch for ch in text.translate(_INVISIBLE) if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cs", "Co")
    )
    text = _TAG.sub(" ", _SCRIPT_OR_STYLE.sub(" ", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def redact(text: str) -> tuple[str, tuple[str, ...]]:
    """Replace e-mail addresses, CPR numbers, phone numbers, street addresses and names given after
    "jeg hedder" or a greeting; return the text and the kinds found. Names elsewhere in the text are
    not found (a name is just a capitalised word)."""
    found = []
    for kind, pattern, placeholder in _REDACTIONS:
        text, count = pattern.subn(placeholder, text)
        if count:
            found.append(kind)
    return text, tuple(found)


def cut(text: str, limit: int = MAX_MESSAGE_CHARS) -> tuple[str, bool]:
    """Cut a text to `limit` characters, at a word boundary when one is near."""
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    space = head.rfind(" ", limit - 100)
    return (head[:space] if space > 0 else head).rstrip() + " …", True


def clinic_metadata(metadata: Any, defaults: Mapping[str, str]) -> dict[str, Any]:
    """`{"clinic": {"name", "phone", "region"}}` from the widget, each value checked, else the default."""
    clinic = metadata.get("clinic") if isinstance(metadata, dict) else None
    clinic = clinic if isinstance(clinic, dict) else {}

    def value(key: str) -> str:
        raw = clinic.get(key)
        return raw if isinstance(raw, str) else ""

    name = clean_text(value("name"))[:MAX_CLINIC_NAME_CHARS]
    phone = _SPACES.sub(" ", _PHONE_CHARS.sub("", value("phone"))).strip()[:20]
    region = value("region").strip().lower()
    return {
        "clinic": {
            "name": name or defaults.get("name", ""),
            "phone": phone or defaults.get("phone", ""),
            "region": region if _REGION.fullmatch(region) else defaults.get("region", ""),
        }
    }


def sender_id(payload: Mapping[str, Any]) -> str:
    """The request's sender id, a UUID4 in lower case, or raise `GuardError` (400)."""
    sender = payload.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        raise GuardError(400, "missing_sender", 'The request needs "sender": a non-empty string.')
    sender = sender.strip().lower()
    if not _UUID4.fullmatch(sender):
        raise GuardError(
            400,
            "invalid_sender",
            '"sender" must be a random UUID (version 4), e.g. "3f1c2b9e-8d4a-4c1e-9b7f-2a6d5e8c1f03"; '
            "the widget makes one per conversation.",
        )
    return sender


def delivery(payload: Mapping[str, Any]) -> dict[str, Any]:
    """`{"message_id", "resend"}` from the request; a resend needs a message id, or raise `GuardError`."""
    message_id = payload.get("message_id")
    if message_id is not None and not (isinstance(message_id, str) and _MESSAGE_ID.fullmatch(message_id)):
        raise GuardError(400, "invalid_message_id", '"message_id" must be 8 to 64 letters, digits, "-" or "_".')
    resend = payload.get("resend", False)
    if not isinstance(resend, bool) or (resend and message_id is None):
        raise GuardError(400, "invalid_resend", '"resend" must be true or false, and true only with a "message_id".')
    return {"message_id": message_id, "resend": resend}


def guard(payload: Mapping[str, Any]) -> GuardedMessage:
    """Check a decoded request and return what Rasa may see, or raise `GuardError` (400)."""
    sender = sender_id(payload)
    how = delivery(payload)
    message = payload.get("message", "")
    if message is None:
        message = ""
    if not isinstance(message, str):
        raise GuardError(400, "invalid_message", '"message" must be a string.')

    stripped = message.strip()
    if _PAYLOAD.fullmatch(stripped):
        return GuardedMessage(sender, stripped, "", is_payload=True, **how)

    cleaned = clean_text(message).lstrip("/")
    redacted_text, kinds = redact(cleaned)
    text, was_cut = cut(redacted_text)
    return GuardedMessage(sender, text, cleaned, was_cut=was_cut, redacted=kinds, **how)
