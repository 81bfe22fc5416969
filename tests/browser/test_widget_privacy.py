"""Privacy and safe defaults in the browser: the patient deletes their conversation; unnamed sites
cannot use the bot. Checked in the tracker store's database, not only on the screen."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect
from test_widget_browser import _serve_page
from widget_page import DESKTOP, Widget

from bot.urls import WIDGET_JS_PATH

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _stored_events(rasa_servers, sender: str) -> int:
    with sqlite3.connect(rasa_servers.tracker_db) as db:
        return db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]


def test_slet_samtalen_deletes_every_stored_event_and_starts_afresh(new_page, rasa_servers):
    page = new_page()
    widget = Widget(page)
    widget.open()
    widget.say("Jeg har ondt i lænden efter havearbejde")
    old = widget.sender()
    assert _stored_events(rasa_servers, old) > 0

    page.locator(".rb-delete").click()
    expect(page.locator(".rb-deleted")).to_have_text("Samtalen er slettet. Her er en ny.")
    widget.wait_for_answer()
    expect(widget.user_messages).to_have_count(0)
    assert "ikke en læge" in widget.bot_text()
    assert "havearbejde" not in page.locator(".rb-log").inner_text()
    assert widget.sender() != old
    assert _stored_events(rasa_servers, old) == 0
    assert _stored_events(rasa_servers, widget.sender()) > 0


def test_site_not_named_in_cors_cannot_use_the_bot(browser, rasa_servers):
    html = (
        '<!doctype html><html lang="da"><title>Fremmed side</title><main><h1>Ukendt</h1></main>'
        f'<script src="{rasa_servers.base_url}{WIDGET_JS_PATH}" defer></script></html>'
    )
    context = browser.new_context(viewport=DESKTOP)
    try:
        with _serve_page(html) as url:  # a free port: an origin nobody named
            page = context.new_page()
            page.goto(url)
            page.locator(".rb-launcher").click()
            expect(page.locator(".rb-error")).to_be_visible()
    finally:
        context.close()
