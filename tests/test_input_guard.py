"""The input guard: what Rasa may see and store, and which requests the channel refuses."""

import json

import pytest

from bot.input_guard import (
    MAX_BODY_BYTES,
    MAX_MESSAGE_CHARS,
    GuardError,
    clean_text,
    clinic_metadata,
    guard,
    parse_body,
    redact,
)

SENDER = "5b0f3c1e-7a2d-4e8b-9c4f-1d2e3f4a5b6c"


def _error(call) -> GuardError:
    with pytest.raises(GuardError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize("body", [b"not json", b"{", b"\xff\xfe", b'"just a string"', b"[1, 2]", b"null"])
def test_body_that_is_not_a_json_object_is_refused_with_400(body):
    error = _error(lambda: parse_body(body))
    assert error.status == 400
    assert error.to_json()["error"] == "invalid_json"


def test_body_over_the_limit_is_refused_with_413():
    body = json.dumps({"sender": SENDER, "message": "x" * MAX_BODY_BYTES}).encode()
    assert _error(lambda: parse_body(body)).status == 413


@pytest.mark.parametrize("payload", [{}, {"sender": ""}, {"sender": "   "}, {"sender": 42}, {"message": "hej"}])
def test_missing_sender_is_refused_with_400(payload):
    error = _error(lambda: guard(payload))
    assert (error.status, error.code) == (400, "missing_sender")


@pytest.mark.parametrize(
    "sender",
    [
        "alice", "a b", "x" * 200, "<script>", "../../etc",
        "5b0f3c1e-7a2d-1e8b-9c4f-1d2e3f4a5b6c",  # a UUID, but version 1
        "5b0f3c1e-7a2d-4e8b-7c4f-1d2e3f4a5b6c",  # wrong variant
        "5b0f3c1e7a2d4e8b9c4f1d2e3f4a5b6c",  # no dashes
        "5b0f3c1e-7a2d-4e8b-9c4f-1d2e3f4a5b6c0",
    ],
)
def test_sender_that_is_not_a_uuid4_is_refused_with_a_clear_error(sender):
    error = _error(lambda: guard({"sender": sender, "message": "hej"}))
    assert (error.status, error.code) == (400, "invalid_sender")
    assert "UUID (version 4)" in error.message


def test_uuid4_sender_is_accepted_in_lower_case():
    assert guard({"sender": " " + SENDER.upper(), "message": "hej"}).sender == SENDER


@pytest.mark.parametrize("message", [42, ["hej"], {"text": "hej"}])
def test_message_that_is_not_a_string_is_refused(message):
    assert _error(lambda: guard({"sender": SENDER, "message": message})).code == "invalid_message"


def test_message_id_and_resend_pass_to_rasa_for_text_and_buttons():
    for message in ("nej", "/deny"):
        guarded = guard({"sender": SENDER, "message": message, "message_id": "3f1c2b9e8d4a", "resend": True})
        assert (guarded.message_id, guarded.resend) == ("3f1c2b9e8d4a", True)
    assert (guard({"sender": SENDER, "message": "nej"}).message_id, guard({"sender": SENDER}).resend) == (None, False)


@pytest.mark.parametrize(
    "extra, code",
    [
        ({"message_id": "kort"}, "invalid_message_id"),
        ({"message_id": "a" * 65}, "invalid_message_id"),
        ({"message_id": "<script>alert</script>"}, "invalid_message_id"),
        ({"message_id": 12345678}, "invalid_message_id"),
        ({"resend": True}, "invalid_resend"),
        ({"message_id": "3f1c2b9e8d4a", "resend": "yes"}, "invalid_resend"),
    ],
)
def test_a_malformed_message_id_or_resend_is_refused(extra, code):
    error = _error(lambda: guard({"sender": SENDER, "message": "nej", **extra}))
    assert (error.status, error.code) == (400, code)


def test_message_is_trimmed_and_control_characters_are_stripped():
    guarded = guard({"sender": SENDER, "message": "  \x00ondt\x07 i\u202e ryggen\x1b  \n"})
    assert guarded.text == "ondt i ryggen"


def test_lone_surrogates_and_zero_width_characters_are_removed():
    assert clean_text("ond\ud800t\u200b i ryg\ufeffgen") == "ondt i ryggen"


def test_newlines_survive_but_runs_of_blank_lines_are_collapsed():
    assert clean_text("linje 1\r\n\r\n\r\n\r\nlinje 2\tslut") == "linje 1\n\nlinje 2 slut"


def test_html_tags_and_scripts_are_removed_from_the_text():
    text = clean_text('<b>ondt</b> i <script>alert("x")</script>ryggen <img src=x onerror=alert(1)>')
    assert text == "ondt i ryggen"


def test_less_than_sign_in_plain_text_is_kept():
    assert clean_text("smerter < 2 uger") == "smerter < 2 uger"


@pytest.mark.parametrize(
    "cpr",
    ["010203-1234", "0102031234", "311299 4321"],
)
def test_cpr_numbers_are_redacted(cpr):
    text, kinds = redact(f"mit cpr er {cpr} og jeg har ondt")
    assert text == "mit cpr er [cpr-nummer] og jeg har ondt"
    assert kinds == ("cpr",)


@pytest.mark.parametrize(
    "phone", ["12345678", "12 34 56 78", "1234 5678", "+45 12 34 56 78", "+4512345678", "0045 12345678"]
)
def test_phone_numbers_are_redacted(phone):
    text, kinds = redact(f"ring på {phone} tak")
    assert text == "ring på [telefonnummer] tak"
    assert kinds == ("phone",)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("jeg bor på Søndergade 14, 2. th., 8000 Aarhus C", "jeg bor på [adresse]"),
        ("adresse: Nørre Allé 3", "adresse: [adresse]"),
        ("jeg bor i 2200 København N", "jeg bor i [adresse]"),
        ("hovedgaden 12 er min adresse", "[adresse] er min adresse"),
    ],
)
def test_street_addresses_are_redacted(text, expected):
    assert redact(text) == (expected, ("address",))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Jeg hedder Anne Hansen og har ondt i ryggen", "Jeg hedder [navn] og har ondt i ryggen"),
        ("kan ikke tisse. Mvh. Ole", "kan ikke tisse. Mvh. [navn]"),
        ("Med venlig hilsen Karen Marie Holm", "Med venlig hilsen [navn]"),
    ],
)
def test_names_after_an_introduction_or_a_greeting_are_redacted(text, expected):
    assert redact(text) == (expected, ("name",))


@pytest.mark.parametrize(
    "text",
    [
        "jeg hedder ikke noget særligt, men kan ikke tisse",
        "har gået 3 km på stien 2 gange",
        "cyklede på Ringvejen 3 gange i går",
        "i 2019 Marts begyndte det",
        "hilsen fra en træt ryg",
    ],
)
def test_name_and_address_redaction_leaves_symptoms_and_counts_alone(text):
    assert redact(text) == (text, ())


def test_redaction_keeps_the_words_that_carry_a_red_flag():
    text, _ = redact("Jeg hedder Anne og bor på Søndergade 14. Jeg kan ikke mærke mit skridt")
    assert text.endswith("Jeg kan ikke mærke mit skridt")


def test_email_addresses_are_redacted():
    text, kinds = redact("skriv til anne.hansen+ryg@mail.example.dk")
    assert text == "skriv til [e-mail]"
    assert kinds == ("email",)


@pytest.mark.parametrize(
    "text",
    [
        "jeg har 39,5 i feber",
        "ring 112 eller 1813",
        "jeg har tabt 10 kg på 2 måneder",
        "kræft i 2015-2017",
        "smerter i 3 uger, 45 år",
        "1234567",
        "123456789",
    ],
)
def test_redaction_leaves_symptoms_numbers_and_years_alone(text):
    assert redact(text) == (text, ())


def test_guard_redacts_what_rasa_stores_but_keeps_the_full_text_for_detection():
    guarded = guard({"sender": SENDER, "message": "Jeg har feber, ring 12345678, cpr 010203-1234"})
    assert guarded.text == "Jeg har feber, ring [telefonnummer], cpr [cpr-nummer]"
    assert guarded.detection_text == "Jeg har feber, ring 12345678, cpr 010203-1234"
    assert set(guarded.redacted) == {"phone", "cpr"}


def test_long_message_is_cut_and_flagged_but_detection_reads_all_of_it():
    message = "ord " * 1000 + "jeg kan ikke holde på vandet"
    guarded = guard({"sender": SENDER, "message": message})
    assert guarded.was_cut
    assert len(guarded.text) <= MAX_MESSAGE_CHARS + 2
    assert "vandet" not in guarded.text
    assert guarded.detection_text.endswith("jeg kan ikke holde på vandet")


def test_short_message_is_not_cut():
    guarded = guard({"sender": SENDER, "message": "ondt i ryggen"})
    assert not guarded.was_cut and not guarded.redacted


@pytest.mark.parametrize("message", ["", "   ", None, "😀🙈", "<br><br>", "\x00\x01\x02", "?!..."])
def test_empty_emoji_only_markup_only_or_binary_input_is_unreadable(message):
    assert guard({"sender": SENDER, "message": message}).is_unreadable


@pytest.mark.parametrize("payload", ["/affirm", "/restart", '/inform_duration{"duration": "dage"}'])
def test_button_payloads_pass_unchanged_and_are_not_read_for_red_flags(payload):
    guarded = guard({"sender": SENDER, "message": payload})
    assert guarded.is_payload and guarded.text == payload and guarded.detection_text == ""
    assert not guarded.is_unreadable


def test_typed_text_cannot_smuggle_an_intent_with_a_leading_slash():
    guarded = guard({"sender": SENDER, "message": "/deny jeg har ondt"})
    assert not guarded.is_payload
    assert guarded.text == "deny jeg har ondt"


def test_clinic_metadata_is_checked_and_defaults_fill_the_gaps():
    defaults = {"name": "Standardklinik", "phone": "11 11 11 11", "region": "sjaelland"}
    metadata = clinic_metadata(
        {"clinic": {"name": "Lægerne i Søndergade\x00", "phone": "+45 86 12 34 56<x>", "region": "../etc"}, "x": 1},
        defaults,
    )
    assert metadata == {"clinic": {"name": "Lægerne i Søndergade", "phone": "+45 86 12 34 56", "region": "sjaelland"}}


def test_clinic_metadata_of_wrong_type_falls_back_to_defaults():
    defaults = {"name": "", "phone": "", "region": ""}
    assert clinic_metadata("nonsense", defaults) == {"clinic": {"name": "", "phone": "", "region": ""}}
    assert clinic_metadata({"clinic": {"name": 5, "region": "Midtjylland"}}, defaults)["clinic"] == {
        "name": "",
        "phone": "",
        "region": "midtjylland",
    }
