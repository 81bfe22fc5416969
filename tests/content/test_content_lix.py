"""LIX: the readability index every patient text must keep at 35 or below."""

from __future__ import annotations

import pytest

from bot.content import get_store
from bot.content.check import text_readability
from bot.content.lix import MAX_LIX, lix, readability
from bot.content.markdown import plain_units
from bot.routing import CONTENT_IDS_USED


def test_lix_of_a_known_example():
    # 8 words, 2 sentences, 2 long words (rygsmerter, forsvinder): 8/2 + 100*2/8 = 29
    assert lix("Rygsmerter forsvinder ofte af sig selv. Bliv aktiv.") == pytest.approx(29.0)


def test_long_words_have_more_than_six_letters():
    # "lænden" has 6 letters (short), "smerter" has 7 (long): 3/1 + 100*1/3
    assert lix("Smerter i lænden") == pytest.approx(3 + 100 / 3)


def test_numbers_are_not_words_and_decimal_points_do_not_end_sentences():
    result = readability(["Der var 1.804 patienter i 6 forsøg."])
    assert (result.words, result.sentences) == (5, 1)


def test_headings_and_list_items_end_a_sentence_without_a_full_stop():
    units = plain_units("## Gode råd\n\n- gå en tur\n- sov godt\n\nDet var det.")
    assert readability(units).sentences == 4


def test_links_count_their_text_not_their_address():
    units = plain_units("Læs på [Vælg Klogt](https://vaelgklogt.dk/).")
    assert readability(units).words == 4


@pytest.mark.parametrize("text_id", sorted(CONTENT_IDS_USED))
def test_every_text_is_easy_to_read(text_id):
    assert text_readability(get_store().text(text_id)).lix <= MAX_LIX
