"""The effect study pages in the browser: every page passes axe in each language and width."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP, LANGUAGES, PHONE, new_page, screenshot
from trepart.evaluation import actions
from trepart.evaluation.specs import DidSettings, SynthSettings
from trepart.registry.models import Programme

KKP = "kvalitetskommuneprogrammet"


@pytest.fixture
def studies(demo_site: str, settings: Any) -> dict[str, str]:
    """A finished difference-in-differences study and a synthetic-control study."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    programme = Programme.objects.get(slug=KKP)
    cohorts = list(programme.cohorts.order_by("start_date"))
    did = actions.do_start_study(
        None,
        programme=programme,
        outcome="sick_leave_pct",
        title="Sykefravær – Kvalitetskommuneprogrammet",
        settings=DidSettings(
            cohorts=tuple(c.pk for c in cohorts),
            cohort_names=tuple(c.name for c in cohorts),
            years=(2002, 2012),
            bootstrap=199,
        ),
    )
    synth = actions.do_start_study(
        None,
        programme=programme,
        outcome="sick_leave_pct",
        title="Sykefravær i Haugesund",
        settings=SynthSettings(
            municipality="1106",
            municipality_name="Haugesund",
            treatment_year=2009,
            years=(2002, 2012),
            placebos=False,
        ),
    )
    return {
        "effect-studies": "/effektstudier/",
        "effect-study-did": did.get_absolute_url(),
        "effect-study-synth": synth.get_absolute_url(),
        "effect-study-new-did-choose": "/effektstudier/ny/did/",
        "effect-study-new-did": f"/effektstudier/ny/did/?program={KKP}",
        "effect-study-new-synth": f"/effektstudier/ny/syntetisk-kontroll/?program={KKP}",
        # the savings page against the study's effect (Haugesund is a demo member)
        "savings-study-baseline": (
            f"/kommuner/1106/besparelser/?aar=2012&grunnlag=study&studie={did.pk}"
        ),
    }


def _sign_in(page: Page) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", "koordinator")
    page.fill("#id_password", "trepart-demo-koordinator")
    page.click("input[type=submit]")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_effect_study_page_passes_axe(
    browser: Browser, studies: dict[str, str], demo_site: str, language: str
) -> None:
    axe = Axe()
    for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(browser, demo_site, language, viewport)
        _sign_in(page)
        for name, path in studies.items():
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            expect(page.locator("html")).to_have_attribute("lang", language)
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
