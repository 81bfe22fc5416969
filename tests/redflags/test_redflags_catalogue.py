"""The red-flag catalogue as content: validation with Danish messages, live reload, last good version."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.redflags import Detector, get_catalogue, parse_catalogue
from bot.redflags.catalogue import CATALOGUE_FILE, CATEGORY_NAMES, LANGUAGE_FILE, last_error
from bot.reloading import ContentError
from bot.settings import PROJECT_ROOT

CONTENT = PROJECT_ROOT / "content"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of the two red-flag files; returns the path of redflags.yml."""
    for name in (CATALOGUE_FILE, LANGUAGE_FILE):
        shutil.copy(CONTENT / name, tmp_path / name)
    return tmp_path / CATALOGUE_FILE


def rewrite(path: Path, old: str, new: str) -> None:
    """Edit a file so that the change is seen even within one mtime tick (size changes too)."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def test_real_catalogue_has_the_nine_categories_in_screening_order():
    catalogue = get_catalogue()
    assert list(catalogue.categories) == list(CATEGORY_NAMES)
    assert catalogue.level_of["bladder_bowel"] == "emergency"
    assert catalogue.level_of["fracture_risk"] == "urgent"
    for category in catalogue.categories.values():
        assert category.question.endswith("?") and category.simpler.endswith("?")
        assert category.why and category.patterns


def test_saddle_question_is_plain_danish_about_the_riding_breeches_area():
    question = get_catalogue().categories["saddle_numbness"].question
    assert "skridtet" in question and "ridebukseområdet" in question


def test_unknown_category_names_file_line_and_allowed_names(content_copy: Path):
    rewrite(content_copy, "\ntrauma:\n", "\ntraume:\n")
    with pytest.raises(ContentError) as error:
        parse_catalogue(content_copy)
    message = str(error.value)
    assert str(content_copy) in message and "linje" in message
    assert "ukendt kategori 'traume'" in message and "trauma" in message


def test_bad_phrase_names_the_line_and_what_is_wrong(content_copy: Path):
    rewrite(content_copy, '    - "feber*"\n', '    - "feber* (kulde"\n')
    with pytest.raises(ContentError) as error:
        parse_catalogue(content_copy)
    line = next(
        number
        for number, text in enumerate(content_copy.read_text(encoding="utf-8").splitlines(), 1)
        if "(kulde" in text
    )
    assert f"linje {line}" in str(error.value)
    assert "mangler en ')'" in str(error.value)


def test_yaml_syntax_error_names_the_line(content_copy: Path):
    rewrite(content_copy, "  level: urgent\n", "  level: [urgent\n")
    with pytest.raises(ContentError) as error:
        parse_catalogue(content_copy)
    assert "linje" in str(error.value) and "indrykning" in str(error.value)


def test_wrong_level_is_refused(content_copy: Path):
    rewrite(content_copy, "  level: emergency\n", "  level: akut\n")
    with pytest.raises(ContentError, match="'level' skal være 'emergency' eller 'urgent'"):
        parse_catalogue(content_copy)


def test_question_must_be_a_question(content_copy: Path):
    rewrite(content_copy, "eller føler du dig meget syg?", "eller føler du dig meget syg.")
    with pytest.raises(ContentError, match="'question' skal være et ja/nej-spørgsmål"):
        parse_catalogue(content_copy)


def test_unknown_number_range_is_refused(content_copy: Path):
    rewrite(content_copy, '    - "feber*"\n', '    - "#hedebølge"\n')
    with pytest.raises(ContentError, match="talintervallet '#hedebølge' findes ikke"):
        parse_catalogue(content_copy)


def test_missing_language_file_is_named(content_copy: Path):
    (content_copy.parent / LANGUAGE_FILE).unlink()
    with pytest.raises(ContentError, match=LANGUAGE_FILE):
        parse_catalogue(content_copy)


def test_unquoted_no_in_language_file_says_to_quote_it(content_copy: Path):
    rewrite(content_copy.parent / LANGUAGE_FILE, '    - {cue: "no", reach: 2}\n', '    - {cue: no, reach: 2}\n')
    with pytest.raises(ContentError, match="anførselstegn"):
        parse_catalogue(content_copy)


def test_new_pattern_takes_effect_on_the_next_call_without_restart(content_copy: Path):
    detector = Detector(content_copy)
    assert detector.detect("jeg har feberhoste").flags == ("infection",)
    assert detector.detect("jeg har hold i nakken").flags == ()
    rewrite(content_copy, '    - "feber*"\n', '    - "feber*"\n    - "(hold i nakken)"\n')
    assert detector.detect("jeg har hold i nakken").flags == ("infection",)


def test_language_file_change_takes_effect_too(content_copy: Path):
    detector = Detector(content_copy)
    assert detector.detect("ingen feber").flags == ()
    rewrite(content_copy.parent / LANGUAGE_FILE, "    - ingen\n", "")
    assert detector.detect("ingen feber").flags == ("infection",)


def test_broken_edit_keeps_the_last_good_version(content_copy: Path):
    detector = Detector(content_copy)
    assert detector.detect("jeg kan ikke tisse").flags == ("bladder_bowel",)
    rewrite(content_copy, "bladder_bowel:\n", "bladder_bowel: [\n")
    result = detector.detect("jeg kan ikke tisse")
    assert result.flags == ("bladder_bowel",) and not result.failed
    assert isinstance(last_error(content_copy), ContentError)
    rewrite(content_copy, "bladder_bowel: [\n", "bladder_bowel:\n")
    assert detector.detect("jeg kan ikke tisse").flags == ("bladder_bowel",)
    assert last_error(content_copy) is None


def test_detector_without_any_good_catalogue_fails_safely(tmp_path: Path):
    (tmp_path / CATALOGUE_FILE).write_text("ikke: [gyldig\n", encoding="utf-8")
    result = Detector(tmp_path / CATALOGUE_FILE).detect("jeg kan ikke tisse")
    assert result.failed and result.flags == ()


def test_a_pattern_with_its_own_context_is_parsed_and_checked(content_copy: Path):
    rewrite(content_copy, '    - "feber*"\n', '    - {pattern: "feber*", context: {long_ago: ignore}}\n')
    catalogue = parse_catalogue(content_copy)
    feber = next(p for p in catalogue.categories["infection"].patterns if p.text == "feber*")
    assert catalogue.outcome("infection", "long_ago", feber) == "ignore"
    assert catalogue.outcome("infection", "long_ago") == "ask"
    rewrite(content_copy, "context: {long_ago: ignore}}", "context: {for_længe_siden: ignore}}")
    with pytest.raises(ContentError, match="ukendt læsning 'for_længe_siden'"):
        parse_catalogue(content_copy)


def test_a_reading_that_overrules_an_unknown_reading_is_refused(content_copy: Path):
    language = content_copy.with_name(LANGUAGE_FILE)
    rewrite(language, "    overrules: [explained]\n", "    overrules: [explanation]\n")
    with pytest.raises(ContentError, match="overrules.*explanation"):
        parse_catalogue(content_copy)


def test_word_order_must_name_verbs_subjects_and_negations(content_copy: Path):
    language = content_copy.with_name(LANGUAGE_FILE)
    rewrite(language, "  subjects: [", "  subject: [")
    with pytest.raises(ContentError, match="word_order"):
        parse_catalogue(content_copy)
