"""`python -m bot content preview`: every text as chat bubbles, safely escaped."""

from __future__ import annotations

import types

import pytest
from content_helpers import make_text, rewrite

from bot.content import cli, preview
from bot.content.preview import render_message, render_preview
from bot.redflags.catalogue import CATEGORY_NAMES


@pytest.fixture
def no_catalogue(monkeypatch):
    """The preview must render the texts whatever state the red-flag catalogue is in."""
    def parse_catalogue(path):
        raise ValueError("catalogue unavailable in this test")

    monkeypatch.setattr(preview, "parse_catalogue", parse_catalogue)


def test_preview_shows_every_text_with_read_more_and_sources(content_copy, no_catalogue):
    page = render_preview(content_copy)
    for path in (content_copy / "da").glob("*.md"):
        assert f'<section id="{path.stem}">' in page
    assert page.count('<div class="more">Læs mere</div>') >= 5
    akut = page.split('<section id="akut-112">', 1)[1].split("</section>", 1)[0]
    assert "(sendes hele)" in akut and "Læs mere" not in akut and "Det kan du sige" in akut
    assert '<a href="https://doi.org/10.3174/ajnr.A4173">' in page
    assert "<strong>Det viser forskningen</strong>" in page
    assert "<td>Region Sjælland</td><td>1818</td>" in page


def test_preview_highlights_placeholder_defaults(content_copy, no_catalogue):
    page = render_preview(content_copy)
    assert "<mark>din egen læge</mark>" in page
    assert "{klinik}" not in page.split("</p>", 1)[1]  # only the intro names the placeholders


def test_preview_escapes_html_from_content(content_copy, no_catalogue):
    rewrite(
        content_copy / "da" / "a.md",
        make_text(
            "a",
            "Se [her](javascript:alert(1)) & **fed**.",
            replace={"title: En test": 'title: "<script>alert(1)</script>"'},
        ),
    )
    page = render_preview(content_copy)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript' not in page
    assert "&amp; <strong>fed</strong>" in page


def test_preview_shows_the_real_red_flag_questions(content_copy):
    page = render_preview(content_copy)
    section = page.split('<section id="roede-flag">', 1)[1]
    for name in CATEGORY_NAMES:
        assert f"<code>{name}</code>" in section
    assert 'class="error"' not in section.split("</section>", 1)[0]


def test_preview_shows_a_broken_text_as_an_error(content_copy, no_catalogue):
    rewrite(content_copy / "da" / "a.md", "<b>ingen felter</b>")
    page = render_preview(content_copy)
    section = page.split('<section id="a">', 1)[1].split("</section>", 1)[0]
    assert 'class="error"' in section and "&#x27;---&#x27;" in section


def test_preview_shows_red_flag_questions_with_why_and_simpler(content_copy, monkeypatch):
    category = types.SimpleNamespace(
        level="emergency",
        question="Har du svært ved at tisse?",
        why="Det kan være <alvorligt>.",
        simpler="Kan du tisse?",
    )
    monkeypatch.setattr(
        preview, "parse_catalogue", lambda path: types.SimpleNamespace(categories={"bladder_bowel": category})
    )
    page = render_preview(content_copy)
    assert "<code>bladder_bowel</code>" in page
    assert "Akut: ring 112" in page
    assert "Har du svært ved at tisse?" in page and "Kan du tisse?" in page
    assert "Det kan være &lt;alvorligt&gt;." in page
    assert "<span>Ved ikke</span>" in page


def test_render_message_makes_lists_and_paragraphs():
    html = render_message("**Råd**\n\n- gå\n- sov")
    assert html == '<div class="bubble"><p><strong>Råd</strong></p><ul><li>gå</li><li>sov</li></ul></div>'


def test_cli_writes_the_page_where_asked(content_copy, tmp_path, no_catalogue, capsys):
    out = tmp_path / "ud" / "preview.html"
    assert cli.main(["content", "preview", "--content", str(content_copy), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert str(out) in capsys.readouterr().out
