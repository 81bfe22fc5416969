"""The content store: every text loads, messages split for the chat, placeholders fill, edits
show live, and a broken file keeps the last good version."""

from __future__ import annotations

import logging

import pytest
from content_helpers import make_text, rewrite

from bot.content import ContentError, Store, Text, get_store
from bot.routing import CONTENT_IDS_USED, EMERGENCY, NEUTRAL_AFTER_ESCALATION, URGENT, WHAT_TO_SAY

PLACEHOLDER_MARK = "{"


@pytest.fixture(scope="module")
def store() -> Store:
    return get_store()


def test_get_store_is_one_per_process():
    assert get_store() is get_store()


@pytest.mark.parametrize("text_id", sorted(CONTENT_IDS_USED))
def test_every_text_the_assistant_uses_loads_with_its_fields(store, text_id):
    text = store.text(text_id)
    assert isinstance(text, Text)
    assert text.id == text_id
    assert text.title and text.body and text.version and text.reviewed_by
    assert all(s.url.startswith(("https://", "http://")) and s.title for s in text.sources)


@pytest.mark.parametrize("text_id", sorted(CONTENT_IDS_USED))
def test_messages_are_chat_sized_and_have_no_unfilled_placeholders(store, text_id):
    messages = store.messages(text_id)
    assert messages
    for message in messages:
        assert message.strip()
        assert PLACEHOLDER_MARK not in message
        assert "#" not in message  # headings become bold lines
        assert len(message) < 700


def test_headings_start_a_new_message_as_a_bold_line(store):
    messages = store.messages("hvorfor-ikke-scanning")
    assert len(messages) >= 3
    assert messages[1].startswith("**Det viser forskningen**\n\n")
    assert not messages[0].startswith("**")


def test_first_message_is_the_opening_and_the_rest_is_read_more(tmp_path):
    (tmp_path / "da").mkdir()
    body = "Første afsnit.\n\nAndet afsnit.\n\n## Mere\n\nTredje afsnit.\n\n- et punkt\n- et andet punkt"
    (tmp_path / "da" / "lang.md").write_text(make_text("lang", body), encoding="utf-8")
    messages = Store(tmp_path).messages("lang")
    assert messages == [
        "Første afsnit.\n\nAndet afsnit.",
        "**Mere**\n\nTredje afsnit.\n\n- et punkt\n- et andet punkt",
    ]


def test_long_sections_are_split_into_several_messages(tmp_path):
    (tmp_path / "da").mkdir()
    paragraphs = [f"Afsnit nummer {n} er her. " + "Ord " * 40 for n in range(5)]
    (tmp_path / "da" / "lang.md").write_text(make_text("lang", "\n\n".join(paragraphs)), encoding="utf-8")
    messages = Store(tmp_path).messages("lang")
    assert len(messages) > 1
    assert "\n\n".join(messages) == "\n\n".join(p.strip() for p in paragraphs)


def test_soft_line_breaks_in_a_paragraph_are_joined(tmp_path):
    (tmp_path / "da").mkdir()
    (tmp_path / "da" / "a.md").write_text(make_text("a", "En linje\nder fortsætter."), encoding="utf-8")
    assert Store(tmp_path).messages("a") == ["En linje der fortsætter."]


def test_urgent_text_fills_the_clinic_and_its_regions_laegevagt(store):
    values = store.clinic_values(name="Lægehuset Vestergade", phone="12 34 56 78", region="sjaelland")
    joined = "\n".join(store.messages(URGENT, values))
    assert "Lægehuset Vestergade" in joined
    assert "12 34 56 78" in joined
    assert "lægevagten på 1818" in joined
    assert "1813" not in joined


def test_urgent_text_without_clinic_values_uses_defaults_and_lists_every_laegevagt(store):
    first = store.messages(URGENT)[0]
    assert "din egen læge" in first
    assert "sundhedskort" in first
    for phone in ("1813", "1818", "70 11 31 31", "70 11 07 07", "70 15 03 00"):
        assert phone in first


def test_the_urgent_and_emergency_first_messages_say_who_to_call(store):
    assert "112" in store.messages(EMERGENCY)[0]
    assert "lægevagten" in store.messages(URGENT)[0]


def test_unknown_region_and_empty_values_fall_back_to_defaults(store):
    values = store.clinic_values(name="  ", phone=None, region="atlantis")
    assert values == {}
    assert "din egen læge" in " ".join(store.messages(URGENT, {"klinik": "   "}))


def test_placeholder_values_are_cleaned_and_never_expand_again(store):
    values = {"klinik": "<script>alert(1)</script> **{klinik_telefon}**\n" + "x" * 200}
    shown = " ".join(store.messages(URGENT, values))
    assert "<" not in shown and "{" not in shown and "script alert(1) /script klinik telefon" in shown
    assert "x" * 100 not in shown


def test_values_that_are_not_strings_do_not_fail(store):
    assert "42" in " ".join(store.messages(URGENT, {"klinik": 42, "ukendt": object()}))


def test_regions_are_the_five_regions_with_their_laegevagt():
    regions = get_store().regions()
    assert list(regions) == ["hovedstaden", "sjaelland", "syddanmark", "midtjylland", "nordjylland"]
    assert regions["hovedstaden"] == ("Region Hovedstaden", "1813")
    assert regions["sjaelland"].phone == "1818"
    assert regions["midtjylland"].phone == "70 11 31 31"
    assert regions["syddanmark"].phone == "70 11 07 07"
    assert regions["nordjylland"].phone == "70 15 03 00"


@pytest.mark.parametrize("text_id", ["findes-ikke", "../regions", "", "Velkommen"])
def test_unknown_or_unsafe_ids_raise_content_error(store, text_id):
    with pytest.raises(ContentError):
        store.text(text_id)


def test_an_edited_text_shows_on_the_next_request(content_copy):
    store = Store(content_copy)
    path = content_copy / "da" / "velkommen.md"
    assert "Ny velkomst" not in store.messages("velkommen")[0]
    rewrite(path, make_text("velkommen", "Ny velkomst. Kort og godt."))
    assert store.messages("velkommen") == ["Ny velkomst. Kort og godt."]


def test_a_new_text_file_is_found_without_restart(content_copy):
    store = Store(content_copy)
    assert "ny-tekst" not in store.ids()
    rewrite(content_copy / "da" / "ny-tekst.md", make_text("ny-tekst"))
    assert "ny-tekst" in store.ids()
    assert store.text("ny-tekst").title == "En test"


def test_a_broken_text_keeps_the_last_good_version_and_logs_the_file(content_copy, caplog):
    store = Store(content_copy)
    good = store.messages("hvor-lang-tid")
    path = content_copy / "da" / "hvor-lang-tid.md"
    secret = "Hemmelig patienttekst"
    rewrite(path, path.read_text(encoding="utf-8").replace("title:", "titel:") + f"\n{secret}\n")
    with caplog.at_level(logging.ERROR):
        assert store.messages("hvor-lang-tid") == good
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("hvor-lang-tid.md" in e and "'title' mangler" in e for e in errors)
    assert not any(secret in e for e in errors)
    # Other texts still reload while this one is broken.
    other = content_copy / "da" / "smertestillende.md"
    rewrite(other, make_text("smertestillende", "Spørg på apoteket."))
    assert store.messages("smertestillende") == ["Spørg på apoteket."]
    # Fixing the file brings the new version in.
    rewrite(path, make_text("hvor-lang-tid", "Rettet tekst."))
    assert store.messages("hvor-lang-tid") == ["Rettet tekst."]


def test_a_text_that_never_loaded_raises_content_error(tmp_path):
    (tmp_path / "da").mkdir()
    (tmp_path / "da" / "brudt.md").write_text("ingen felter her", encoding="utf-8")
    with pytest.raises(ContentError, match="brudt.md"):
        Store(tmp_path).text("brudt")


def test_a_text_with_an_unknown_placeholder_is_not_loaded(tmp_path):
    (tmp_path / "da").mkdir()
    (tmp_path / "da" / "a.md").write_text(make_text("a", "Ring til {klinikk}."), encoding="utf-8")
    with pytest.raises(ContentError, match=r"\{klinikk\}"):
        Store(tmp_path).text("a")


def test_broken_regions_keep_the_last_good_version(content_copy):
    store = Store(content_copy)
    assert store.regions()["sjaelland"].phone == "1818"
    rewrite(content_copy / "regions.yml", "hovedstaden: [ikke lukket")
    assert store.regions()["sjaelland"].phone == "1818"


def test_messages_still_work_when_regions_never_loaded(content_copy):
    (content_copy / "regions.yml").unlink()
    store = Store(content_copy)
    first = store.messages(URGENT)[0]
    assert "lægevagten på nummeret for din region" in first
    assert store.clinic_values(region="sjaelland") == {}


REASSURING_PHRASES = ("ufarlig", "går over af sig selv", "ikke brug for", "unødvendig", "sjældent", "ikke nødvendig")


@pytest.mark.parametrize("text_id", sorted({*NEUTRAL_AFTER_ESCALATION, EMERGENCY, URGENT, WHAT_TO_SAY}))
def test_texts_sent_after_an_escalation_do_not_reassure(store, text_id):
    text = store.text(text_id)
    words = " ".join([text.title, *store.messages(text_id)]).lower()
    assert not [phrase for phrase in REASSURING_PHRASES if phrase in words]
