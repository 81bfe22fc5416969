"""The recall layer's own mechanics: what it reads (ages are not temperatures), that its cached
scoring gives the same numbers as scoring every n-gram, and that thresholds come from held-back folds."""

from __future__ import annotations

import numpy as np
import pytest

from bot.redflags import detect
from bot.redflags.detector import default_detector
from bot.redflags.recall import AGE, REPEATS, Example, char_ngrams, prepare, train


@pytest.mark.parametrize(
    "text, age",
    [
        ("Jeg er 38 og har ondt i ryggen", True),
        ("I'm 45 and my back hurts", True),
        ("38-årig mand med ondt i lænden", True),
        ("jeg er 78 år gammel", True),
        ("jeg har 38,5 og ondt i ryggen", False),
        ("jeg er 39 i feber", False),
        ("for 10 år siden", False),
    ],
)
def test_an_age_is_read_as_an_age_and_a_temperature_stays_a_number(text: str, age: bool):
    assert (AGE in prepare(text)) is age


def test_an_age_alone_asks_nothing_about_fever():
    assert "infection" not in detect("jeg er 38 og har ondt i ryggen").ask
    assert "infection" in detect("jeg har 38,9 og ondt i ryggen").flags


def test_cached_word_scoring_equals_scoring_every_ngram():
    model = default_detector().recall_model()
    assert model is not None
    for text in ["jeg kan ikke maerke naar jeg tisser", "banana banana ana", "ondt i ryggen", ""]:
        prepared = prepare(text)
        plain = model._chars.score(char_ngrams(prepared))
        cached = model._chars.score_words(prepared.split())
        assert np.allclose(plain, cached, atol=1e-12), text


def test_thresholds_come_from_repeated_held_back_folds():
    sick = ["kan ikke tisse", "tisser i bukserne", "lækker urin", "ingen kontrol over blæren", "kan ikke holde vandet"]
    well = ["ondt i ryggen", "stiv om morgenen", "hold i lænden", "ondt når jeg sidder", "øm efter havearbejde"]
    examples = [Example(text, frozenset({"bladder_bowel"} if text in sick else set())) for text in (sick + well) * 2]
    model = train(examples, categories=["bladder_bowel"])
    assert REPEATS >= 2
    assert 0.0 < model.thresholds["bladder_bowel"] <= 0.6
    assert model.possible("jeg kan ikke tisse") == ("bladder_bowel",)
    assert model.possible("stiv i lænden om morgenen") == ()
