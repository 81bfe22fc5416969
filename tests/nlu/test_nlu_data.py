"""Sanity checks on the NLU training data that need no training: coverage, duplicates, format.

They catch the mistakes that make `rasa train` fail or quietly weaken the model: a missing intent,
too few examples, or one example taught as two intents.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

NLU_DIR = Path(__file__).resolve().parents[2] / "data" / "nlu"

# Interface 4 of the team brief. red_flag is set by the red-flag component, never learnt.
INTENTS = (
    "greet goodbye thanks affirm deny dont_know restart describe_pain inform_duration ask_scan "
    "insist_scan ask_scan_findings ask_when_scan ask_self_help ask_painkillers ask_work "
    "ask_exercise ask_duration ask_when_doctor ask_what_doctor_does ask_why_questions "
    "ask_is_human ask_privacy ask_recommendation request_handover out_of_scope insult english"
).split()
MIN_EXAMPLES = 20
# Intents that are easily confused with a neighbour get more examples.
HARD_INTENTS = (
    "affirm deny dont_know describe_pain inform_duration ask_duration ask_scan insist_scan "
    "ask_scan_findings ask_when_scan"
).split()
MIN_HARD_EXAMPLES = 40

# Words for red-flag symptoms that must never be taught as an ordinary intent example;
# the red-flag component alone handles them (DESIGN.md invariant 1).
RED_FLAG_WORDS = (
    "feber", "kraeft", "kræft", "faldt", "faldet", "ulykke", "tisse", "vandladning", "blaere",
    "blære", "afføring", "afforing", "skridt", "foelelsesloes", "følelsesløs", "lammet",
    "vaegttab", "vægttab", "taber mig", "knogleskørhed", "knogleskoerhed", "prednisolon",
    "binyrebark", "operation", "opereret", "rygmarvsbedøvelse", "brækket", "fever", "numb",
    "cancer", "bladder", "fell",
)


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split()).strip(" .!?")


@pytest.fixture(scope="module")
def training_data() -> TrainingData:
    return load_data(str(NLU_DIR))


def _examples_by_intent(data: TrainingData) -> dict[str, list[str]]:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for message in data.intent_examples:
        by_intent[message.get("intent")].append(message.get("text"))
    return by_intent


def test_every_file_is_rasa_3_yaml_with_nlu_data() -> None:
    files = sorted(NLU_DIR.glob("*.yml"))
    assert files, "no NLU files found"
    for path in files:
        assert 'version: "3.1"' in path.read_text(encoding="utf-8"), path.name
        assert load_data(str(path)).intent_examples, f"{path.name} has no examples"


def test_intents_are_exactly_the_fixed_list(training_data: TrainingData) -> None:
    assert set(_examples_by_intent(training_data)) == set(INTENTS)


def test_red_flag_is_not_learnt(training_data: TrainingData) -> None:
    assert "red_flag" not in _examples_by_intent(training_data)


@pytest.mark.parametrize("intent", INTENTS)
def test_intent_has_enough_examples(training_data: TrainingData, intent: str) -> None:
    minimum = MIN_HARD_EXAMPLES if intent in HARD_INTENTS else MIN_EXAMPLES
    assert len(_examples_by_intent(training_data)[intent]) >= minimum


def test_no_example_belongs_to_two_intents(training_data: TrainingData) -> None:
    intents_of: dict[str, set[str]] = defaultdict(set)
    for intent, texts in _examples_by_intent(training_data).items():
        for text in texts:
            intents_of[_normalise(text)].add(intent)
    conflicts = {text: sorted(i) for text, i in intents_of.items() if len(i) > 1}
    assert conflicts == {}


def test_no_example_is_repeated(training_data: TrainingData) -> None:
    counts = Counter(_normalise(m.get("text")) for m in training_data.intent_examples)
    assert [text for text, n in counts.items() if n > 1] == []


def test_no_red_flag_symptom_is_taught_as_an_ordinary_intent(training_data: TrainingData) -> None:
    offending = [
        text
        for text in (m.get("text") for m in training_data.intent_examples)
        if any(word in text.casefold() for word in RED_FLAG_WORDS)
    ]
    assert offending == []
