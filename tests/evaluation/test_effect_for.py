"""A finished study's effect for one municipality: the counterfactual the savings page uses."""

from __future__ import annotations

import pytest

from trepart.evaluation.models import EffectStudy, StudyKind
from trepart.evaluation.selectors import (
    NoEffectForMunicipality,
    effect_for,
    studies_for_municipality,
)
from trepart.registry.models import Programme

pytestmark = pytest.mark.django_db


def _overall(att: float) -> dict[str, float]:
    return {"att": att, "se": 0.05, "ci_low": att - 0.1, "ci_high": att + 0.1}


@pytest.fixture
def programme() -> Programme:
    return Programme.objects.create(slug="p", name="P", start_date="2007-01-01")


@pytest.fixture
def did_study(programme: Programme) -> EffectStudy:
    return EffectStudy.objects.create(
        kind=StudyKind.DID,
        title="Sick leave",
        programme=programme,
        outcome="sick_leave_pct",
        software_version="1",
        panel={"treated": {"3234": 2008, "4012": 2009}},
        result={
            "kind": "did",
            "aggregates": {
                "simple": {"overall": _overall(-0.45)},
                "group": {
                    "overall": _overall(-0.44),
                    "by": [{"group": 2008, **_overall(-0.5)}, {"group": 2009, **_overall(-0.3)}],
                },
            },
        },
    )


def test_a_participant_gets_its_cohorts_effect_or_the_overall_one(did_study: EffectStudy) -> None:
    lunner = effect_for(did_study, "3234", 2012)
    assert (lunner.effect, lunner.cohort, lunner.source) == (-0.5, 2008, "group")
    assert effect_for(did_study, "4012", 2009).effect == -0.3
    assert effect_for(did_study, "4012", 2012, which="simple").effect == -0.45
    assert lunner.label == f"Sick leave (#{did_study.pk})"


@pytest.mark.parametrize(
    ("code", "year", "message"),
    [
        ("0301", 2012, "0301 is not among the treated municipalities"),
        ("4012", 2008, "4012 is treated from 2009 in effect study"),
    ],
)
def test_the_effect_applies_to_treated_years_of_participants_only(
    did_study: EffectStudy, code: str, year: int, message: str
) -> None:
    with pytest.raises(NoEffectForMunicipality, match=message):
        effect_for(did_study, code, year)


def test_a_synthetic_control_applies_to_its_municipality(programme: Programme) -> None:
    study = EffectStudy.objects.create(
        kind=StudyKind.SYNTH,
        title="Haugesund",
        programme=programme,
        outcome="sick_leave_pct",
        software_version="1",
        settings={"municipality": "1106", "treatment_year": 2009},
        # every member of the programme is treated in the panel; only 1106 is studied
        panel={"treated": {"1106": 2009, "3234": 2008}},
        result={"kind": "synth", "mean_post_gap": -0.43},
    )
    assert effect_for(study, "1106", 2010).effect == -0.43
    with pytest.raises(NoEffectForMunicipality, match="synthetic control of 1106, not 3234"):
        effect_for(study, "3234", 2010)
    assert studies_for_municipality("1106") == [study]
    assert studies_for_municipality("3234") == []


def test_an_unfinished_study_has_no_effect(programme: Programme) -> None:
    study = EffectStudy.objects.create(
        kind=StudyKind.DID, title="x", programme=programme, outcome="x", software_version="1"
    )
    with pytest.raises(NoEffectForMunicipality, match="has no result yet"):
        effect_for(study, "3234", 2012)
    assert studies_for_municipality("3234") == []
