"""The "Til lægen" card in the widget (copy, print to one A4 page) and the clinic statistics page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from widget_page import DESKTOP, PHONE, Widget

from bot.urls import STATS_PATH
from tests.servers import STATS_TOKEN

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CLIPBOARD = ["clipboard-read", "clipboard-write"]


def finish_screening(widget: Widget) -> None:
    widget.open()
    widget.start_screening()
    widget.answer_no_until_done()


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))


@pytest.mark.parametrize("viewport,name", [(PHONE, "phone-390x844"), (DESKTOP, "desktop-1280x800")])
def test_the_summary_card_appears_after_the_result_and_copies_its_text(new_page, artifacts, viewport, name):
    page = new_page(viewport, permissions=CLIPBOARD)
    widget = Widget(page)
    finish_screening(widget)
    card = page.locator(".rb-handover")
    expect(card).to_have_count(1)
    expect(card).to_be_visible()
    expect(card.locator(".rb-handover-title")).to_contain_text("Til lægen")
    text = card.locator(".rb-handover-title").inner_text() + "\n" + card.locator(".rb-handover-text").inner_text()
    assert "Ingen tegn på alvorlig sygdom" in text
    assert text.strip().endswith("Lavet af rygbot, en chatbot. Ikke en lægelig vurdering.")
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"handover-card-{name}.png"))
    card.locator(".rb-copy").click()
    expect(card.locator(".rb-copy")).to_have_text("Kopieret")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == text.strip()
    assert "«Jeg har fået ondt i lænden for tre dage siden»" in copied


def test_an_escalation_shows_the_summary_card_at_once(new_page):
    page = new_page(PHONE)
    widget = Widget(page)
    widget.open()
    widget.say("jeg kan ikke holde på vandet og har ondt i ryggen")
    expect(widget.emergency).to_be_visible()
    expect(page.locator(".rb-handover")).to_contain_text("Ring 112 nu")


def test_the_summary_prints_as_one_clean_a4_page(new_page, artifacts):
    page = new_page(DESKTOP)
    widget = Widget(page)
    finish_screening(widget)
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.locator(".rb-handover .rb-print-button").click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    expect(page.locator(".rb-print")).to_be_visible()
    expect(page.locator(".rb-print")).to_contain_text("Lavet af rygbot, en chatbot.")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_hidden()
    expect(page.locator("body > :not(#rygbot-widget)").first).to_be_hidden()
    page.screenshot(path=str(artifacts / "handover-print-preview.png"), full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    (artifacts / "handover.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1
    page.emulate_media(media="screen")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    expect(widget.panel).to_be_visible()


def test_the_stats_page_renders_its_charts(browser, base_url, artifacts):
    context = browser.new_context(viewport={"width": 1000, "height": 1400}, locale="da-DK")
    try:
        page = context.new_page()
        denied = page.goto(base_url + STATS_PATH)
        assert denied.status == 401
        shown = page.goto(f"{base_url}{STATS_PATH}?token={STATS_TOKEN}")
        assert shown.status == 200
        expect(page.locator("h1")).to_contain_text("statistik")
        for chart in (".chart-outcomes", ".chart-funnel"):
            svg = page.locator(f"svg{chart}")
            expect(svg).to_be_visible()
            box = svg.bounding_box()
            assert box["width"] > 200 and box["height"] > 100
            assert svg.locator("rect").count() >= 3
        assert page.locator("svg.chart-funnel rect").first.bounding_box()["width"] > 2
        page.screenshot(path=str(artifacts / "stats-report.png"), full_page=True)
    finally:
        context.close()
