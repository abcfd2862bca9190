"""A study's settings survive the round trip through JSON; bad stored settings are named."""

from __future__ import annotations

import datetime as dt

import pytest

from trepart.evaluation.specs import (
    DidSettings,
    SettingsError,
    SynthSettings,
    did_from_json,
    synth_from_json,
)


def test_difference_in_differences_settings_round_trip() -> None:
    settings = DidSettings(
        cohorts=(3, 4),
        cohort_names=("Pulje I", "Pulje II"),
        comparison="notyet",
        method="ipw",
        covariates=("avg_fte_pct",),
        anticipation=1,
        bootstrap=499,
        seed=11,
        structure_date=dt.date(2020, 1, 1),
        years=(2003, 2014),
        exclude_other_programmes=True,
    )
    stored = settings.to_json()
    assert stored["structure_date"] == "2020-01-01"
    assert stored["years"] == [2003, 2014]
    assert did_from_json(stored) == settings


def test_synthetic_control_settings_round_trip() -> None:
    settings = SynthSettings(
        municipality="3234",
        municipality_name="Lunner",
        treatment_year=2008,
        predictors=("turnover_pct",),
        donors_excluded=("0301",),
        placebos=False,
    )
    assert synth_from_json(settings.to_json()) == settings


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ({"cohorts": [1], "structure_date": "2024-13-01", "years": [2002, 2012]}, "structure"),
        ({"cohorts": [1], "structure_date": "2024-01-01", "years": [2002]}, "years"),
        ({"structure_date": "2024-01-01", "years": [2002, 2012]}, "cohorts"),
    ],
)
def test_bad_stored_settings_are_named(stored: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        did_from_json(stored)
