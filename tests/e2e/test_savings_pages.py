"""The savings pages with a comparison grouping, a price index and saved scenarios, logged in
as the demo koordinator: save a scenario in the browser; every page passes axe in nb/nn/en at
1280 and 360 px.

The grouping is made up for the test (odd and even municipality numbers), not SSB's.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP, LANGUAGES, PHONE, new_page, screenshot
from trepart.analysis import municipalities
from trepart.savings.actions import do_import_grouping
from trepart.savings.models import SavedScenario

PAGES = {
    "indicators-lunner-group": "/kommuner/3234/indikatorer/",
    "savings-lunner-group": "/kommuner/3234/besparelser/?grunnlag=group",
    "savings-lunner-price": "/kommuner/3234/besparelser/?grunnlag=earlier&fra=2007"
    "&prisindeks_fra=80&prisindeks_aar=120&prisindeks_kilde=test",
    "savings-lunner-saved": "/kommuner/3234/besparelser/lagret/",
}


@pytest.fixture
def grouped_site(demo_site: str) -> str:
    on = municipalities.load().latest
    lines = ["code,group,group_name"]
    for municipality in municipalities.load().municipalities_on(on):
        group = "odd" if int(municipality.code) % 2 else "even"
        lines.append(f"{municipality.code},{group},Test {group}")
    do_import_grouping(
        None,
        slug="test",
        name="Test grouping",
        valid_on=dt.date(on.year, 1, 1),
        source="made up for the browser tests",
        text="\n".join(lines),
        file_name="test.csv",
    )
    return demo_site


def _log_in(page: Page) -> None:
    page.goto("/admin/login/?next=/kommuner/3234/besparelser/")
    page.locator("#id_username").fill("koordinator")
    page.locator("#id_password").fill("trepart-demo-koordinator")
    page.locator("input[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/kommuner/3234/besparelser/$"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_savings_pages_pass_axe_logged_in(
    browser: Browser, grouped_site: str, language: str
) -> None:
    axe = Axe()
    for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(browser, grouped_site, language, viewport)
        _log_in(page)
        if width_name == "desktop":
            page.goto(PAGES["savings-lunner-price"])
            page.locator("#scenario-name").fill(f"Plan {language}")
            page.locator("#scenario-note").fill("saved in the browser")
            page.locator("form[action$='/lagre/'] button[type=submit]").click()
            expect(page).to_have_url(re.compile(r"lagret=\d+"))
            assert SavedScenario.objects.filter(name=f"Plan {language}").exists()
        for name, path in PAGES.items():
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            expect(page.locator("h1")).to_have_count(1)
            results = axe.run(page)
            assert results.violations_count == 0, f"{path} ({language}, {width_name}):\n" + (
                results.generate_report()
            )
            screenshot(page, f"{language}-{width_name}-{name}")
            if width_name == "phone":
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"{path} scrolls sideways on a 360 px phone"
        page.context.close()
