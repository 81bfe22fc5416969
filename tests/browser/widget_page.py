"""A small page object for the rygbot widget, so the tests read like what a patient does.

Playwright's CSS locators pierce the widget's open shadow root.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

STORE_KEY = "rygbot.v1"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


class Widget:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.launcher = page.locator(".rb-launcher")
        self.panel = page.locator(".rb-panel")
        self.input = page.locator("#rb-input")
        self.bot_messages = page.locator(".rb-msg.rb-bot:not(.rb-typing)")
        self.user_messages = page.locator(".rb-msg.rb-user > p")
        self.replies = page.locator(".rb-reply")
        self.emergency = page.locator(".rb-emergency")
        self.urgent = page.locator(".rb-urgent")

    def open(self) -> None:
        """Open the panel and wait for the welcome."""
        self.launcher.click()
        expect(self.panel).to_be_visible()
        self.wait_for_answer()

    def wait_for_answer(self) -> None:
        expect(self.page.locator(".rb-typing")).to_have_count(0)
        expect(self.bot_messages.first).to_be_visible()

    def say(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_answer()

    def click_reply(self, title: str) -> None:
        self.replies.filter(has_text=title).first.click()
        self.wait_for_answer()

    def reply_titles(self) -> list[str]:
        return [title.strip() for title in self.replies.all_inner_texts()]

    def bot_text(self) -> str:
        return "\n".join(self.bot_messages.all_inner_texts())

    def sender(self) -> str:
        return self.page.evaluate(f"JSON.parse(sessionStorage.getItem('{STORE_KEY}')).sender")

    def start_screening(self) -> None:
        """Describe new back pain and answer the duration question, up to the first red-flag question."""
        self.say("Jeg har fået ondt i lænden for tre dage siden")
        for _ in range(3):
            titles = self.reply_titles()
            if "Nej" in titles:
                return
            if "Under 6 uger" in titles:
                self.click_reply("Under 6 uger")
            else:
                self.say("3 dage")
        assert "Nej" in self.reply_titles(), f"no screening question; bot said: {self.bot_text()[-500:]}"

    def answer_no_until_done(self) -> None:
        """Answer "Nej" to every red-flag question until the screening ends."""
        for _ in range(15):
            if "Nej" not in self.reply_titles():
                break
            self.click_reply("Nej")
        assert "Nej" not in self.reply_titles(), "the screening did not end"
