"""The widget in headless Chromium on the demo page, against the real servers."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from widget_page import DESKTOP, PHONE, Widget

from bot.urls import WEBHOOK_PATH, WIDGET_JS_PATH

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("viewport,name", [(PHONE, "phone-390x844"), (DESKTOP, "desktop-1280x800")])
def test_benign_consultation_runs_from_first_message_to_the_explanation_by_buttons(
    new_page, artifacts, viewport, name
):
    page = new_page(viewport)
    page.screenshot(path=str(artifacts / f"demo-{name}.png"))
    widget = Widget(page)
    widget.open()
    assert "ikke en læge" in widget.bot_text()
    assert "112" in widget.bot_text()
    widget.start_screening()
    widget.answer_no_until_done()
    assert "scanning" in widget.bot_text().lower()
    expect(widget.emergency).to_have_count(0)
    expect(widget.urgent).to_have_count(0)
    page.screenshot(path=str(artifacts / f"benign-{name}.png"))


@pytest.mark.parametrize("viewport,name", [(PHONE, "phone-390x844"), (DESKTOP, "desktop-1280x800")])
def test_red_flag_typed_mid_screening_shows_the_emergency_banner_with_tel_112(new_page, artifacts, viewport, name):
    page = new_page(viewport)
    widget = Widget(page)
    widget.open()
    widget.start_screening()
    widget.click_reply("Nej")
    widget.say("jeg kan ikke holde på vandet")
    expect(widget.emergency).to_be_visible()
    call = widget.emergency.locator('a[href="tel:112"]')
    expect(call).to_be_visible()
    assert call.bounding_box()["height"] >= 44
    assert "112" in widget.bot_text()
    page.screenshot(path=str(artifacts / f"emergency-{name}.png"))
    widget.say("hvad så nu?")
    expect(widget.emergency).to_be_visible()


def test_urgent_red_flag_shows_a_banner_with_the_clinics_number(new_page, artifacts):
    page = new_page(PHONE)
    widget = Widget(page)
    widget.open()
    widget.say("Jeg har ondt i lænden og har haft feber siden i går")
    expect(widget.urgent).to_be_visible()
    expect(widget.urgent.locator('a[href="tel:12345678"]')).to_be_visible()
    page.screenshot(path=str(artifacts / "urgent-phone-390x844.png"))


def test_html_and_script_injection_is_shown_as_text_and_runs_nothing(new_page):
    page = new_page()
    widget = Widget(page)
    widget.open()
    attack = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>**fed**'
    widget.say(attack)
    expect(widget.user_messages.last).to_have_text(attack, use_inner_text=True)
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".rb-log img, .rb-log script").count() == 0


def test_bot_reply_with_markup_and_unsafe_links_is_rendered_safely(new_page, base_url):
    page = new_page()
    reply = [
        {
            "recipient_id": "x",
            "text": '<b onclick="window.__pwned=1">hej</b> **fed** [ok](https://example.org) '
            "[ring](tel:1813) [slem](javascript:window.__pwned=1) [data](data:text/html,hi)",
        }
    ]
    page.route(base_url + WEBHOOK_PATH, lambda route: route.fulfill(json=reply))
    widget = Widget(page)
    widget.open()
    message = widget.bot_messages.last
    expect(message.locator("strong")).to_have_text("fed")
    assert message.locator("b").count() == 0
    assert "<b onclick" in message.inner_text()
    hrefs = message.locator("a").evaluate_all("links => links.map(a => [a.getAttribute('href'), a.rel])")
    assert hrefs == [["https://example.org/", "noopener noreferrer"], ["tel:1813", ""]]


def test_widget_embedded_on_another_origin_talks_to_the_bot_across_origins(browser, base_url, rasa_servers):
    widget_js = base_url + WIDGET_JS_PATH
    html = (
        '<!doctype html><html lang="da"><title>Klinik</title><main><h1>En anden klinik</h1></main>'
        f'<script src="{widget_js}" data-clinic-name="Klinikken" data-clinic-phone="11 22 33 44" '
        'data-region="hovedstaden" defer></script></html>'
    )
    context = browser.new_context(viewport=DESKTOP)
    try:
        with _serve_page(html, rasa_servers.clinic_port) as clinic_url:
            page = context.new_page()
            page.goto(clinic_url)
            assert page.evaluate("location.origin") != base_url
            widget = Widget(page)
            widget.open()
            assert "ikke en læge" in widget.bot_text()
            widget.say("Jeg har ondt i lænden og har haft feber")
            expect(widget.urgent.locator('a[href="tel:11223344"]')).to_be_visible()
            expect(widget.urgent.locator('a[href="tel:1813"]')).to_be_visible()
    finally:
        context.close()


@contextmanager
def _serve_page(html: str, port: int = 0):
    """Serve one page from another localhost port: another origin, like a clinic's own site."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/klinik"
    finally:
        server.shutdown()
        server.server_close()


def test_server_failure_shows_an_error_with_retry_that_works(new_page, base_url):
    page = new_page()
    page.route(base_url + WEBHOOK_PATH, lambda route: route.abort())
    page.locator(".rb-launcher").click()
    error = page.locator(".rb-error")
    expect(error).to_be_visible()
    assert "112" in error.inner_text()
    expect(page.locator(".rb-retry")).to_be_focused()
    page.unroute(base_url + WEBHOOK_PATH)
    page.locator(".rb-retry").click()
    widget = Widget(page)
    widget.wait_for_answer()
    expect(error).to_have_count(0)
    assert "ikke en læge" in widget.bot_text()


def test_try_again_resends_the_same_message_id(new_page, base_url):
    """The bot took "Nej" but the reply was lost: "Prøv igen" resends it under the same message id,
    and the bot answers with the reply that was lost instead of taking "Nej" twice."""
    page = new_page()
    widget = Widget(page)
    widget.open()
    widget.start_screening()
    sent, answered = [], []

    def lose_the_first_reply(route):
        sent.append(json.loads(route.request.post_data))
        response = route.fetch()
        answered.append(response.json())
        if len(sent) == 1:
            route.abort()
        else:
            route.fulfill(response=response)

    page.route(base_url + WEBHOOK_PATH, lose_the_first_reply)
    widget.click_reply("Nej")
    expect(page.locator(".rb-error")).to_be_visible()
    page.locator(".rb-retry").click()
    widget.wait_for_answer()
    expect(page.locator(".rb-error")).to_have_count(0)
    first, again = sent
    assert (again["message"], again["message_id"], again["resend"]) == ("/deny", first["message_id"], True)
    assert "resend" not in first
    assert answered[1] == answered[0]
    assert "Nej" in widget.reply_titles()


def test_reload_keeps_the_conversation_and_start_forfra_clears_it(new_page):
    page = new_page()
    widget = Widget(page)
    widget.open()
    widget.say("Jeg har ondt i lænden")
    sender = widget.sender()
    before = widget.bot_text()
    page.reload()
    widget = Widget(page)
    expect(widget.panel).to_be_visible()
    expect(widget.user_messages).to_have_text(["Jeg har ondt i lænden"])
    assert widget.bot_text() == before
    assert widget.sender() == sender

    page.locator(".rb-restart").click()
    widget.wait_for_answer()
    expect(widget.user_messages).to_have_count(0)
    assert widget.sender() != sender
    assert "ikke en læge" in widget.bot_text()
    expect(widget.input).to_be_focused()


def test_keyboard_only_main_flow_with_focus_management(new_page):
    page = new_page()
    widget = Widget(page)
    for _ in range(40):
        page.keyboard.press("Tab")
        if widget.launcher.evaluate("el => el.getRootNode().activeElement === el"):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(widget.input).to_be_focused()
    widget.wait_for_answer()
    page.keyboard.type("Jeg har fået ondt i lænden for tre dage siden")
    page.keyboard.press("Enter")
    widget.wait_for_answer()
    for _ in range(3):
        if "Nej" in widget.reply_titles():
            break
        if "Under 6 uger" in widget.reply_titles():
            _press_reply_by_keyboard(page, widget, "Under 6 uger")
        else:
            page.keyboard.type("3 dage")
            page.keyboard.press("Enter")
            widget.wait_for_answer()
    _press_reply_by_keyboard(page, widget, "Nej")
    expect(widget.input).to_be_focused()
    assert widget.user_messages.last.inner_text().strip() == "Nej"
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    assert widget.launcher.get_attribute("aria-expanded") == "false"


def _press_reply_by_keyboard(page, widget: Widget, title: str) -> None:
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        focused = page.evaluate(
            "() => { const h = document.getElementById('rygbot-widget'); const a = h.shadowRoot.activeElement;"
            " return a ? a.textContent.trim() : ''; }"
        )
        if focused == title:
            page.keyboard.press("Enter")
            widget.wait_for_answer()
            return
    pytest.fail(f"quick reply {title!r} cannot be reached with Shift+Tab")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_open_widget_has_no_serious_or_critical_axe_violations(new_page, artifacts, viewport):
    page = new_page(viewport)
    widget = Widget(page)
    widget.open()
    widget.say("Jeg har ondt i lænden og har haft feber")
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]})
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    name = f"axe-{viewport['width']}x{viewport['height']}.json"
    (artifacts / name).write_text(json.dumps(results.response["violations"], indent=2, ensure_ascii=False))
    assert not serious, _report(serious)


def _report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [json.dumps(node["target"]) for node in violation["nodes"]]
        lines.append(f"{violation['impact']} {violation['id']}: {violation['help']} at {', '.join(targets)}")
    return "\n".join(lines)


def test_text_scaled_to_200_percent_needs_no_horizontal_scrolling(new_page):
    page = new_page(PHONE)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    widget = Widget(page)
    widget.open()
    widget.say("Jeg har ondt i lænden")
    overflow = page.locator(".rb-log").evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 1
    expect(widget.input).to_be_in_viewport()
    expect(page.locator(".rb-send")).to_be_in_viewport()


def test_reduced_motion_turns_animations_off(new_page):
    page = new_page(reduced_motion="reduce")
    Widget(page).open()
    assert page.locator(".rb-panel").evaluate("el => getComputedStyle(el).animationName") == "none"
