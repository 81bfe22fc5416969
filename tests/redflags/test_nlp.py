"""The Danish spaCy pipeline: one per process, lookup lemmas without a download, written for Rasa."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import spacy

from bot import nlp as nlp_module
from bot.nlp import build, get_nlp


def test_one_pipeline_per_process():
    assert get_nlp() is get_nlp()


@pytest.mark.skipif(nlp_module.uses_full_model(), reason="da_core_news_sm installed: the lookup path is not used")
def test_fallback_pipeline_lemmatizes_danish_from_lookup_tables():
    nlp = get_nlp()
    assert nlp.pipe_names == ["lemmatizer"]
    assert [token.lemma_ for token in nlp("tissede benene faldt")] == ["tisse", "ben", "falde"]


def test_build_writes_a_pipeline_rasa_can_load_and_is_quick_the_second_time(tmp_path: Path):
    target = tmp_path / "spacy_da"
    assert build(target) is True
    loaded = spacy.load(target)
    assert loaded.lang == "da"
    assert [token.lemma_ for token in loaded("benene")] == [token.lemma_ for token in get_nlp()("benene")]
    started = time.perf_counter()
    assert build(target) is False
    assert time.perf_counter() - started < 1.0
