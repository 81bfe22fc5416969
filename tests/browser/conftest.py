"""Headless Debian Chromium, driven by Playwright, against the real rygbot servers.

The servers come from the `rasa_servers` fixture (tests/conftest.py). To try the widget against a
server you started yourself (`make run`), set RYGBOT_TEST_BASE_URL, e.g. http://127.0.0.1:5005.
Screenshots go to test-artifacts/ (gitignored), which CI keeps.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from widget_page import DESKTOP

from bot.settings import PROJECT_ROOT
from bot.urls import DEMO_PATH

CHROMIUM = os.environ.get("RYGBOT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def base_url(request) -> str:
    """The Rasa server that serves the demo page, the widget and the webhook."""
    override = os.environ.get("RYGBOT_TEST_BASE_URL", "").rstrip("/")
    if override:
        return override
    return request.getfixturevalue("rasa_servers").base_url.rstrip("/")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("Chromium is missing: run `bash scripts/ensure-chromium.sh` (make test does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, base_url):
    """Open the demo page in a fresh browser context; fails the test on any page error."""
    contexts, errors = [], []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, locale="da-DK", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(45_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base_url + DEMO_PATH)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
