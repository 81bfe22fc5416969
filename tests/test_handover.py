"""The handover summary (bot/handover.py): outcome first, the patient's words, answers that matter."""

from __future__ import annotations

import datetime as dt

from bot import handover
from bot.handover import Consultation, build
from bot.redflags.catalogue import get_catalogue

NOW = dt.datetime(2026, 12, 1, 14, 32, tzinfo=dt.timezone.utc)  # 15.32 in Copenhagen
QUESTIONS = {name: category.question for name, category in get_catalogue().categories.items()}
ALL_NO = {category: "no" for category in QUESTIONS}


def summary(**given) -> handover.Handover:
    return build(Consultation(questions=QUESTIONS, **given), NOW)


def test_the_outcome_and_what_to_do_come_first_with_date_and_time():
    text = summary(level="emergency", answers={"bladder_bowel": "yes"}, flags=["bladder_bowel"]).text
    lines = text.splitlines()
    assert lines[0] == handover.TITLE
    assert lines[1] == "1. december 2026 kl. 15.32"
    assert lines[3].startswith("Resultat: Ring 112 nu")


def test_urgent_says_contact_the_doctor_now_and_the_laegevagt_number():
    text = summary(level="urgent", answers={"infection": "yes"}, laegevagt_phone="1813").text
    assert "Kontakt din læge nu" in text
    assert "lægevagten (1813)" in text


def test_no_red_flag_says_so_and_when_to_come_back():
    text = summary(level="none", answers=ALL_NO, duration="under_6_weeks", duration_said="siden fredag").text
    assert "Ingen tegn på alvorlig sygdom" in text
    assert "Ring 112" not in text


def test_duration_is_given_as_the_patient_said_it():
    result = summary(level="none", answers=ALL_NO, duration="under_6_weeks", duration_said="siden i fredags")
    assert "«siden i fredags»" in result.text
    assert result.duration == "siden i fredags"


def test_duration_without_an_answer_is_the_bucket_and_null_in_the_payload():
    result = summary(level="none", answers=ALL_NO, duration="6_to_12_weeks")
    assert "6–12 uger" in result.text
    assert result.duration is None


def test_the_patients_description_is_quoted_as_stored():
    text = summary(level="none", answers=ALL_NO, description="Jeg har ondt i lænden [telefonnummer fjernet]").text
    assert "«Jeg har ondt i lænden [telefonnummer fjernet]»" in text


def test_every_yes_and_dont_know_comes_with_the_questions_wording():
    answers = {**ALL_NO, "infection": "yes", "trauma": "unsure"}
    result = summary(level="urgent", answers=answers, flags=["infection"])
    assert f"Svaret ja til:\n- {QUESTIONS['infection']}" in result.text
    assert f"Svaret ved ikke til:\n- {QUESTIONS['trauma']}" in result.text
    assert result.flags == ["infection"]
    assert result.unsure == ["trauma"]


def test_the_no_answers_come_compactly_on_one_line():
    answers = {**ALL_NO, "infection": "yes"}
    text = summary(level="urgent", answers=answers).text
    no_line = next(line for line in text.splitlines() if line.startswith("Nej til: "))
    assert "fald, ulykke eller slag" in no_line and "kræft" in no_line
    assert "feber" not in no_line
    assert QUESTIONS["cancer"] not in text


def test_a_flag_written_in_free_text_is_listed_and_unasked_questions_are_named():
    result = summary(level="emergency", flags=["bladder_bowel"], answers={})
    assert "Skrevet i chatten: problemer med at tisse" in result.text
    assert "Ikke spurgt om: nedsat følelse i skridtet" in result.text
    assert result.flags == ["bladder_bowel"]


def test_an_unfinished_screening_says_so_instead_of_a_result():
    text = summary(level="none", answers={"bladder_bowel": "no"}, finished=False).text
    assert handover.UNFINISHED in text
    assert "Ingen tegn" not in text


def test_the_source_line_ends_the_summary():
    assert summary(level="none", answers=ALL_NO).text.splitlines()[-1] == handover.SOURCE


def test_payload_follows_the_contract():
    payload = summary(level="urgent", answers={**ALL_NO, "cancer": "yes"}, duration_said="2 uger").payload()
    assert set(payload) == {"handover"}
    assert set(payload["handover"]) == {"level", "flags", "unsure", "duration", "text"}
    assert payload["handover"]["level"] == "urgent"
    assert payload["handover"]["flags"] == ["cancer"]


def test_every_category_has_a_short_label():
    assert set(QUESTIONS) <= set(handover.LABELS)
