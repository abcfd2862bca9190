"""Browser tests: Playwright drives Debian's headless Chromium against a live Trepart server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from trepart.indicators.demo import load_demo_panel
from trepart.registry.demo import load_demo

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LANGUAGES = ("nb", "nn", "en")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def _is_e2e(item: pytest.Item) -> bool:
    return item.nodeid.startswith("tests/e2e/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The browser tests run last: they are the slowest, and their live server keeps the
    # plain-HTTP settings below until the end of the session.
    items.sort(key=_is_e2e)
    for item in items:
        if _is_e2e(item):
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


@pytest.fixture(scope="session")
def plain_http_live_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The live server on plain HTTP (loopback), as `TREPART_HTTPS=false` serves the demo.

    The middleware reads these settings when the server starts, so they are set for the rest
    of the session, which holds only browser tests (see pytest_collection_modifyitems).
    """
    plain_http = override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        LANGUAGE_COOKIE_SECURE=False,
    )
    plain_http.enable()
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # for fixtures are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield request.getfixturevalue("live_server")
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    plain_http.disable()


@pytest.fixture
def demo_site(plain_http_live_server: Any, transactional_db: None) -> str:
    """The live server's address, with the demo data and the synthetic panel loaded."""
    load_demo()
    load_demo_panel()
    return str(plain_http_live_server.url)


def new_page(browser: Browser, base_url: str, language: str, viewport: dict[str, int]) -> Page:
    context: BrowserContext = browser.new_context(viewport=viewport, base_url=base_url)  # type: ignore[arg-type]
    context.add_cookies([{"name": "trepart_language", "value": language, "url": base_url}])
    return context.new_page()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
