"""Savings against an effect study: the municipality without the programme is its observed
value minus the effect the study estimated for it."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.registry.registry_fixtures import read_table
from trepart.evaluation.models import EffectStudy, StudyKind
from trepart.registry.models import Programme
from trepart.savings import selectors as savings_selectors

HAUGESUND = "1106"  # a demo member of Kvalitetskommuneprogrammet, treated from 2009


def _overall(att: float) -> dict[str, float]:
    return {"att": att, "se": 0.05, "ci_low": att - 0.1, "ci_high": att + 0.1}


@pytest.fixture
def study(demo: None) -> EffectStudy:
    """A finished difference-in-differences study of sick leave (its result written here)."""
    return EffectStudy.objects.create(
        kind=StudyKind.DID,
        title="Sick leave",
        programme=Programme.objects.get(slug="kvalitetskommuneprogrammet"),
        outcome="sick_leave_pct",
        settings={"structure_date": "2024-01-01"},
        software_version="1",
        panel={"treated": {HAUGESUND: 2009}},
        result={
            "kind": "did",
            "aggregates": {
                "simple": {"overall": _overall(-0.45)},
                "group": {"overall": _overall(-0.44), "by": [{"group": 2009, **_overall(-0.3)}]},
            },
        },
    )


def test_the_baseline_is_the_observed_value_minus_the_cohorts_effect(study: EffectStudy) -> None:
    inputs, report = savings_selectors.compute_scenario(
        HAUGESUND, 2012, baseline=f"study:{study.pk}"
    )
    observed = inputs.actual["sick_leave_pct"]
    assert inputs.baseline.kind == "counterfactual"
    assert inputs.baseline.values == {"sick_leave_pct": pytest.approx(observed + 0.3)}
    assert inputs.baseline.effects == {"sick_leave_pct": -0.3}
    assert "Sick leave (#" in inputs.baseline.label
    items = {item.key: item for item in report.items}
    assert items["sick_leave"].nok_per_year > 0  # less sick leave than without the programme
    simple, _ = savings_selectors.compute_scenario(
        HAUGESUND, 2012, baseline=f"study:{study.pk}:simple"
    )
    assert simple.baseline.effects == {"sick_leave_pct": -0.45}


@pytest.mark.parametrize(
    ("code", "year", "message"),
    [
        ("0301", 2012, "0301 is not among the treated municipalities"),
        (HAUGESUND, 2008, "treated from 2009"),
    ],
)
def test_the_effect_applies_to_treated_participants_only(
    study: EffectStudy, code: str, year: int, message: str
) -> None:
    with pytest.raises(savings_selectors.SavingsInputMissing, match=message):
        savings_selectors.compute_scenario(code, year, baseline=f"study:{study.pk}")


def test_the_savings_page_offers_the_study_and_uses_it(client: Client, study: EffectStudy) -> None:
    url = f"/kommuner/{HAUGESUND}/besparelser/"
    html = client.get(url).content.decode()
    assert f'<option value="{study.pk}"' in html
    query = {"aar": "2012", "grunnlag": "study", "studie": study.pk}
    html = client.get(url, query).content.decode()
    assert "without the programme" in html
    rows = read_table(html, "savings-caption")
    assert "Sick leave" in {row[0] for row in rows[1:]}
    other = client.get("/kommuner/0301/besparelser/").content.decode()
    assert "No finished effect study applies to this municipality yet." in other
