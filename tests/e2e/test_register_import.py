"""Importing an HR-register extract in the browser: upload a small zip, watch the job finish,
see the result and the links; a broken extract's errors; every page of it passes axe in
nb/nn/en at 1280 and 360 px."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP, LANGUAGES, PHONE, new_page
from tests.e2e.test_indicator_upload import _axe_and_shoot, _log_in
from tests.indicators.test_register_import import ABSENCES, EMPLOYMENTS, _zip

URL = "/indikatorer/import/registeruttrekk/"


def _upload_zip(page: Page, path: Path) -> None:
    page.goto(URL)
    page.locator("#id_extract").set_input_files(str(path))
    page.locator("form.upload-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/jobber/\d+/$"))


def test_register_import_in_the_browser_and_every_page_of_it_passes_axe(
    browser: Browser, demo_site: str, settings: Any, tmp_path: Path
) -> None:
    # Jobs run when queued, inside the live server (see test_indicator_upload's worker).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    good = tmp_path / "uttrekk.zip"
    good.write_bytes(_zip({"employments.csv": EMPLOYMENTS, "absences.csv": ABSENCES}))
    broken = tmp_path / "feil.zip"
    broken.write_bytes(
        _zip(
            {
                "employments.csv": EMPLOYMENTS + "e,0301,1970-01-01,2021-13-01,,100,\n",
                "absences.csv": ABSENCES,
            }
        )
    )

    page = new_page(browser, demo_site, "en", DESKTOP)
    _log_in(page)
    pages = {"form": URL}
    _upload_zip(page, good)
    status = page.get_by_role("status")
    expect(status).to_contain_text("Done.", timeout=60_000)
    expect(status).to_contain_text("for 3 municipalities from uttrekk.zip.")
    expect(page.locator("progress")).to_have_attribute("value", "100")
    expect(page.get_by_role("table")).to_contain_text("employments.csv")
    expect(page.locator("main")).to_contain_text("0533 → 3054 (2020, 2021)")
    pages["done"] = page.url
    page.get_by_role("link", name="Oslo (0301)").click()
    expect(page.locator("h1")).to_contain_text("Oslo")

    _upload_zip(page, broken)
    expect(page.get_by_role("status")).to_contain_text("Failed.", timeout=60_000)
    row = page.get_by_role("table").locator("tbody tr").first
    expect(row.locator("td").nth(0)).to_have_text("employments.csv")
    expect(row.locator("td").nth(1)).to_have_text("5")
    expect(row.locator("td").nth(2)).to_have_text("start_date")
    pages["failed"] = page.url
    page.context.close()

    axe = Axe()
    for language in LANGUAGES:
        for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = new_page(browser, demo_site, language, viewport)
            _log_in(page)
            for name, path in pages.items():
                page.goto(path)
                expect(page.locator("h1")).to_have_count(1)
                expect(page.locator("html")).to_have_attribute("lang", language)
                _axe_and_shoot(page, axe, f"{language}-{width_name}-register-{name}", width_name)
            # The form with an error: only one of the two tables.
            page.goto(URL)
            page.locator("#id_employments").set_input_files(str(tmp_path / "uttrekk.zip"))
            page.locator("form.upload-form button[type=submit]").click()
            expect(page.locator("#id_employments")).to_have_attribute("aria-invalid", "true")
            _axe_and_shoot(page, axe, f"{language}-{width_name}-register-form-errors", width_name)
            page.context.close()
