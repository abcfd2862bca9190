"""Behaviour of the staggered DiD beyond the published numbers: bootstrap, clustering, panels
with gaps, no never-treated units, bad input, and the JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trepart.analysis.effects.did import DidInputError, DidSettings, estimate, read_panel

from .test_did_peers import generated_panel

ARGS = {"unit": "id", "time": "t", "cohort": "g", "outcome": "y"}


def test_same_seed_same_bootstrap_and_another_seed_differs() -> None:
    frame = generated_panel()
    first = estimate(frame, **ARGS, settings=DidSettings(bootstrap=199, seed=3))
    again = estimate(frame, **ARGS, settings=DidSettings(bootstrap=199, seed=3))
    other = estimate(frame, **ARGS, settings=DidSettings(bootstrap=199, seed=4))
    assert first.to_json() == again.to_json()
    assert first.simple.se != other.simple.se
    assert first.simple.att == other.simple.att  # the bootstrap changes SEs, not estimates


def test_bootstrap_se_approximates_the_analytic_se() -> None:
    frame = generated_panel()
    analytic = estimate(frame, **ARGS)
    boot = estimate(frame, **ARGS, settings=DidSettings(bootstrap=2000, seed=1))
    for a, b in zip(analytic.cells, boot.cells, strict=True):
        assert b.se == pytest.approx(a.se, rel=0.15)
    assert boot.dynamic.se == pytest.approx(analytic.dynamic.se, rel=0.15)
    # A simultaneous band over many cells is wider than a pointwise one.
    assert boot.critical_value > 1.96
    assert boot.dynamic.critical_value > 1.96


def test_clustered_bootstrap_widens_intervals_when_shocks_are_shared_by_cluster() -> None:
    frame = generated_panel()
    # Clusters of units of the same cohort (say, municipalities that joined together) with a
    # common shock per cluster and period: unit-level SEs understate the uncertainty.
    cluster = frame["g"] * 10 + frame["id"] % 4
    codes = pd.factorize(cluster)[0]
    shock = np.random.default_rng(0).normal(size=(codes.max() + 1, 7)) * 1.5
    frame = frame.assign(cl=cluster, y=frame["y"] + shock[codes, frame["t"].to_numpy()])
    plain = estimate(frame, **ARGS, settings=DidSettings(bootstrap=499, seed=2))
    clustered = estimate(frame, **ARGS, cluster="cl", settings=DidSettings(bootstrap=499, seed=2))
    assert clustered.n_clusters == 20
    assert clustered.simple.se > 1.3 * plain.simple.se


def test_clusters_of_one_unit_give_the_unclustered_bootstrap() -> None:
    frame = generated_panel().assign(cl=lambda f: f["id"] * 7)
    plain = estimate(frame, **ARGS, settings=DidSettings(bootstrap=199, seed=5))
    clustered = estimate(frame, **ARGS, cluster="cl", settings=DidSettings(bootstrap=199, seed=5))
    assert clustered.to_json()["aggregates"] == plain.to_json()["aggregates"]


def test_clustering_without_the_bootstrap_is_refused() -> None:
    frame = generated_panel().assign(cl=lambda f: f["id"] % 7)
    with pytest.raises(DidInputError, match="bootstrap"):
        estimate(frame, **ARGS, cluster="cl")


def test_missing_outcomes_make_an_unbalanced_panel_or_are_balanced_away() -> None:
    frame = generated_panel()
    frame.loc[frame.sample(frac=0.05, random_state=1).index, "y"] = np.nan
    unbalanced = estimate(frame, **ARGS)
    assert not unbalanced.balanced
    assert any("missing outcome" in note for note in unbalanced.notes)
    balanced = estimate(frame, **ARGS, settings=DidSettings(balance=True))
    assert balanced.balanced
    assert balanced.n_units < unbalanced.n_units
    complete_units = frame.groupby("id")["y"].transform(lambda y: y.notna().all())
    reference = estimate(frame[complete_units], **ARGS)
    assert [c.att for c in balanced.cells] == pytest.approx([c.att for c in reference.cells])


def test_without_never_treated_units_the_last_cohort_is_the_comparison() -> None:
    frame = generated_panel()
    frame = frame[frame["g"].between(1, 6)]  # cohorts 3, 4, 6 only
    result = estimate(frame, **ARGS, settings=DidSettings(control="notyet"))
    assert sorted({c.group for c in result.cells}) == [3.0, 4.0]
    assert max(c.time for c in result.cells) == 5.0  # periods from 6 on are dropped
    assert any("comparison group" in note for note in result.notes)


def test_units_treated_in_the_first_period_are_dropped() -> None:
    frame = generated_panel()
    frame.loc[frame["id"] <= 5, "g"] = 1
    result = estimate(frame, **ARGS)
    assert result.dropped_units == 5
    assert 1.0 not in {c.group for c in result.cells}


def test_cohort_zero_and_empty_both_mean_never_treated() -> None:
    frame = generated_panel()
    empty = frame.assign(g=frame["g"].replace(0, np.nan))
    assert estimate(empty, **ARGS).to_json() == estimate(frame, **ARGS).to_json()


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda f: pd.concat([f, f.iloc[:1]]), "more than once"),
        (lambda f: f.assign(g=np.where(f["t"] == 2, 3, f["g"])), "constant within a unit"),
        (lambda f: f.assign(g=0), "no treated cohort"),
    ],
)
def test_bad_panels_are_refused_with_a_reason(change: object, message: str) -> None:
    frame = change(generated_panel())  # type: ignore[operator]
    with pytest.raises(DidInputError, match=message):
        estimate(frame, **ARGS)


def test_read_panel_names_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "panel.csv"
    frame = generated_panel().astype({"y": object})
    frame.loc[3, "y"] = "n/a"
    frame.to_csv(path, index=False)
    with pytest.raises(DidInputError) as error:
        read_panel(path, **ARGS)
    assert str(error.value) == f"{path}:5:y: 'n/a' is not a number"


def test_read_panel_csv_and_parquet_give_the_same_estimate(tmp_path: Path) -> None:
    frame = generated_panel()
    frame.to_csv(tmp_path / "p.csv", index=False)
    frame.to_parquet(tmp_path / "p.parquet")
    from_csv = estimate(read_panel(tmp_path / "p.csv", **ARGS), **ARGS)
    from_parquet = estimate(read_panel(tmp_path / "p.parquet", **ARGS), **ARGS)
    assert from_csv.to_json() == from_parquet.to_json()


def test_json_has_the_documented_shape() -> None:
    document = json.loads(json.dumps(estimate(generated_panel(), **ARGS).to_json()))
    assert {"group", "time", "att", "se"} <= document["att_gt"][0].keys()
    aggregates = document["aggregates"]
    assert {"att", "se"} <= aggregates["simple"]["overall"].keys()
    for kind, key in (("dynamic", "e"), ("group", "group"), ("calendar", "time")):
        assert {"att", "se"} <= aggregates[kind]["overall"].keys()
        assert {key, "att", "se"} <= aggregates[kind]["by"][0].keys()
    assert 0 <= document["pretest_p"] <= 1


def test_a_cohort_with_few_units_for_its_pre_treatment_cells_gets_a_pre_test_note() -> None:
    frame = generated_panel()
    assert not any("pre-test" in note for note in estimate(frame, **ARGS).notes)
    # Keep 8 units of cohort 6 (4 pre-treatment cells, t = 2…5): fewer than 3 × 4.
    cohort6 = sorted(frame.loc[frame["g"] == 6, "id"].unique())
    small = frame[(frame["g"] != 6) | frame["id"].isin(cohort6[:8])]
    notes = estimate(small, **ARGS).notes
    assert [n for n in notes if "pre-test" in n] == [
        "cohort 6 has 8 units for 4 pre-treatment cells: the pre-test's p-value is unreliable "
        "(too small: it over-rejects); read the event study's pre-treatment estimates and "
        "their bands instead"
    ]
