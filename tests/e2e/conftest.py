"""Browser tests: Playwright drives Debian's headless Chromium against a live Trepart server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from trepart.registry.demo import load_demo

# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make for
# fixtures are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LANGUAGES = ("nb", "nn", "en")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e" in item.nodeid.split("::")[0]:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's Chromium is missing at /usr/bin/chromium: run the test command in the "
            "README (it installs it), or `apt-get install chromium`"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo_site(live_server: Any, transactional_db: None) -> str:
    """The live server's address, with the demo data loaded."""
    load_demo()
    return str(live_server.url)


def new_page(browser: Browser, base_url: str, language: str, viewport: dict[str, int]) -> Page:
    context: BrowserContext = browser.new_context(viewport=viewport, base_url=base_url)  # type: ignore[arg-type]
    context.add_cookies([{"name": "trepart_language", "value": language, "url": base_url}])
    return context.new_page()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
