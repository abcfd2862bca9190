"""Importing indicator data in the browser: log in, upload, watch the job, see the result or
the precise errors; every page of it passes axe in nb/nn/en at 1280 and 360 px."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP, LANGUAGES, PHONE, new_page, screenshot
from trepart.core import jobs
from trepart.core.models import Job, JobStatus

DATA = Path(__file__).resolve().parents[1] / "data" / "indicators"


@pytest.fixture
def worker(demo_site: str, settings: Any) -> None:
    """Jobs run as soon as they are queued (django-tasks' immediate backend), inside the live
    server: SQLite's shared in-memory test database cannot take a worker thread's locks. The
    database backend and `trepart worker` are tested in tests/core and tests/cli; the page's
    polling is watched below with a job driven from the test."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _log_in(page: Page) -> None:
    page.goto("/indikatorer/import/")
    page.locator("#id_username").fill("koordinator")
    page.locator("#id_password").fill("trepart-demo-koordinator")
    page.locator("input[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/indikatorer/import/$"))


def _upload(page: Page, name: str) -> None:
    page.goto("/indikatorer/import/")
    page.locator("#id_file").set_input_files(str(DATA / name))
    page.locator("form.upload-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/jobber/\d+/$"))


def test_import_in_the_browser_and_every_page_of_it_passes_axe(
    browser: Browser, demo_site: str, worker: None
) -> None:
    """One test, so the demo data is loaded once: upload a good and a broken file, follow a
    running job, then check every page in each language and width."""
    page = new_page(browser, demo_site, "en", DESKTOP)
    _log_in(page)
    pages = {"upload": "/indikatorer/import/", "my-jobs": "/jobber/"}

    _upload(page, "good.csv")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Done.", timeout=20_000)
    expect(status).to_contain_text("Imported 6 rows from good.csv.")
    expect(page.locator("progress")).to_have_attribute("value", "100")
    pages["job-done"] = page.url
    page.get_by_role("link", name="Oslo (0301)").click()
    expect(page.locator("h1")).to_contain_text("Oslo")

    _upload(page, "one_bad_row.csv")
    expect(page.get_by_role("status")).to_contain_text("Failed.", timeout=20_000)
    errors = page.get_by_role("table")
    row = errors.locator("tbody tr").first
    expect(row.locator("td").nth(0)).to_have_text("one_bad_row.csv")
    expect(row.locator("td").nth(1)).to_have_text("4")
    expect(row.locator("td").nth(2)).to_have_text("municipality")
    expect(row.locator("td").nth(3)).to_contain_text("'0533' is not valid on 2020-01-01")
    pages["job-failed"] = page.url

    # A running job, driven from here: the page follows it by polling, without a reload.
    job = Job.objects.create(
        kind="indicators.upload",
        title="Import of %(file)s",
        title_params={"file": "stor-fil.csv"},
        started_by=User.objects.get(username="koordinator"),
    )
    page.goto(f"/jobber/{job.pk}/")
    expect(page.get_by_role("status")).to_contain_text("Waiting for the background worker")
    job.status = JobStatus.RUNNING
    job.save()
    job.report(0.4, "Checked %(done)s of %(total)s rows", done=40_000, total=100_000)
    expect(page.get_by_role("status")).to_contain_text("Running.", timeout=5_000)
    expect(page.locator("progress")).to_have_attribute("value", "40")
    expect(page.locator("#job-progress-label")).to_contain_text("Checked 40,000 of 100,000 rows")
    page.context.close()
    pages["job-running"] = f"/jobber/{job.pk}/"
    _check_pages(browser, demo_site, pages)

    page = new_page(browser, demo_site, "en", PHONE)
    _log_in(page)
    page.goto(pages["job-running"])
    jobs.succeed(
        job,
        {"rows": 100_000, "created": 100_000, "superseded": 0, "unchanged": 0},
        message="Imported %(rows)s rows from %(file)s.",
        rows=100_000,
        file="stor-fil.csv",
    )
    expect(page.get_by_role("status")).to_contain_text(
        "Done. Imported 100,000 rows from stor-fil.csv.", timeout=5_000
    )
    expect(page.locator("progress")).to_have_attribute("value", "100")
    expect(page.locator("#job-status")).not_to_have_attribute("hx-trigger", re.compile("."))
    page.context.close()


def _check_pages(browser: Browser, demo_site: str, pages: dict[str, str]) -> None:
    axe = Axe()
    for language in LANGUAGES:
        for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = new_page(browser, demo_site, language, viewport)
            _log_in(page)
            for name, path in pages.items():
                page.goto(path)
                expect(page.locator("h1")).to_have_count(1)
                expect(page.locator("html")).to_have_attribute("lang", language)
                _axe_and_shoot(page, axe, f"{language}-{width_name}-import-{name}", width_name)
            # The form with an error: a JSON-stat2 file without its table.
            page.goto("/indikatorer/import/")
            page.locator("#id_file").set_input_files(str(DATA / "kostra_12362.json"))
            page.locator("form.upload-form button[type=submit]").click()
            expect(page.locator("#id_mapping")).to_have_attribute("aria-invalid", "true")
            _axe_and_shoot(page, axe, f"{language}-{width_name}-import-form-errors", width_name)
            page.context.close()


def _axe_and_shoot(page: Page, axe: Axe, name: str, width_name: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{name}:\n" + results.generate_report()
    if width_name == "phone":
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways on a 360 px phone"
    screenshot(page, name)
