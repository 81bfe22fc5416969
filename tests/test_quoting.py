"""Quoting the patient's own words back in a question (bot/quoting.py)."""

from bot.quoting import QUOTE_CHARS, shorten


def test_a_short_message_is_quoted_as_it_is_on_one_line():
    assert shorten("jeg har ondt\n\nog det  prikker") == "jeg har ondt og det prikker"


def test_a_long_message_is_cut_at_a_word_with_an_ellipsis():
    text = "Jeg har haft ondt i ryggen siden fredag, og i dag kan jeg mærke noget mærkeligt i benet. " * 3
    quote = shorten(text)
    assert len(quote) <= QUOTE_CHARS
    assert quote.endswith("…")
    assert text.startswith(quote[:-1])
    assert not quote[:-1].endswith(" ")


def test_a_long_word_is_cut_too():
    assert shorten("a" * 300) == "a" * (QUOTE_CHARS - 1) + "…"


def test_the_quote_cannot_close_the_quote_marks_or_form_markup():
    assert shorten("«hej» **fed** [link](https://x.dk)") == '"hej" *fed* [link] (https://x.dk)'
