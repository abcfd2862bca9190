"""Synthetic control (``trepart.analysis.effects.synth``): preparation, scaling, fit, placebos.

The Basque reference (``/work/shared/data/reference/basque.csv``, Abadie & Gardeazabal 2003,
shipped with R ``Synth``) is reproduced against the published ``Synth`` output of the
package's documented example (``dataprep`` + ``synth``): "MSPE (LOSS V): 0.008864606",
solution.w Cataluña 0.8508145 and Madrid 0.1491843, the ``synth.tab`` predictor table, and
the first gaps 0.15023473, 0.09168035, 0.03716475 (1955–1957).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.helpers import REFERENCE
from trepart.analysis.effects import synth as sc
from trepart.analysis.effects._synth_qp import simplex_weights

BASQUE = REFERENCE / "basque.csv"
BASQUE_PREDICTORS = [
    "school.illit:1964-1969",
    "school.prim:1964-1969",
    "school.med:1964-1969",
    "school.high:1964-1969",
    "school.post.high:1964-1969",
    "invest:1964-1969",
    "gdpcap:1960-1969",
    "sec.agriculture:1961-1969",
    "sec.energy:1961-1969",
    "sec.industry:1961-1969",
    "sec.construction:1961-1969",
    "sec.services.venta:1961-1969",
    "sec.services.nonventa:1961-1969",
    "popdens:1969",
]


@pytest.fixture(scope="module")
def basque() -> sc.SynthPanel:
    return sc.prepare(
        sc.read_panel(BASQUE),
        unit="regionname",
        time="year",
        outcome="gdpcap",
        treated="Basque Country (Pais Vasco)",
        treatment_time=1970,
        predictors=BASQUE_PREDICTORS,
        exclude=["Spain (Espana)"],
        optimize_period=(1960, 1969),
    )


@pytest.fixture(scope="module")
def basque_fit(basque: sc.SynthPanel) -> sc.SynthResult:
    return sc.synth(basque)


# -- the Basque reference ---------------------------------------------------------------------


def test_basque_weights_are_the_published_ones(basque_fit: sc.SynthResult) -> None:
    weights = basque_fit.weight_by_donor
    assert round(weights["Cataluna"], 3) == 0.851
    assert round(weights["Madrid (Comunidad De)"], 3) == 0.149
    others = {
        unit: w for unit, w in weights.items() if unit not in ("Cataluna", "Madrid (Comunidad De)")
    }
    assert len(others) == 14 and max(others.values()) < 0.0005
    assert weights["Cataluna"] == pytest.approx(0.8508145, abs=2e-6)
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-12)


def test_basque_loss_is_synths(basque_fit: sc.SynthResult) -> None:
    # R's W comes from an interior-point solver with a 5-significant-figure stop; ours is
    # exact, so the loss agrees to that precision (and is not larger).
    assert basque_fit.loss_v == pytest.approx(0.008864606, rel=1e-4)
    assert basque_fit.loss_v <= 0.008864606
    assert sum(basque_fit.v) == pytest.approx(1.0)
    assert min(basque_fit.v) >= 0


def test_basque_predictor_table_is_synth_tabs(basque_fit: sc.SynthResult) -> None:
    # synth.tab(...)$tab.pred, rounded to 3 decimals as R prints it.
    expected = {
        "school.illit:1964-1969": (39.888, 256.337, 170.786),
        "school.prim:1964-1969": (1031.742, 2730.104, 1127.186),
        "school.med:1964-1969": (90.359, 223.340, 76.260),
        "school.high:1964-1969": (25.728, 63.437, 24.235),
        "school.post.high:1964-1969": (13.480, 36.153, 13.478),
        "invest:1964-1969": (24.647, 21.583, 21.424),
        "gdpcap:1960-1969": (5.285, 5.271, 3.581),
        "sec.agriculture:1961-1969": (6.844, 6.179, 21.353),
        "sec.energy:1961-1969": (4.106, 2.760, 5.310),
        "sec.industry:1961-1969": (45.082, 37.636, 22.425),
        "sec.construction:1961-1969": (6.150, 6.952, 7.276),
        "sec.services.venta:1961-1969": (33.754, 41.104, 36.528),
        "sec.services.nonventa:1961-1969": (4.072, 5.371, 7.111),
    }
    rows = {
        p.label: (t, s, m)
        for p, t, s, m in zip(
            basque_fit.predictors,
            basque_fit.treated_predictors,
            basque_fit.synthetic_predictors,
            basque_fit.donor_mean_predictors,
            strict=True,
        )
    }
    for label, (treated, synthetic, mean) in expected.items():
        got = rows[label]
        assert got[0] == pytest.approx(treated, abs=5e-4), label
        # The synthetic column depends on W, which R has to ~1e-7 only.
        assert got[1] == pytest.approx(synthetic, abs=2e-3), label
        assert got[2] == pytest.approx(mean, abs=5e-4), label


def test_basque_gaps_are_synths_and_the_effect_is_about_ten_percent(
    basque_fit: sc.SynthResult,
) -> None:
    gaps = dict(zip(basque_fit.times, basque_fit.gaps, strict=True))
    for year, published in ((1955, 0.15023473), (1956, 0.09168035), (1957, 0.03716475)):
        assert gaps[year] == pytest.approx(published, abs=2e-5)
    assert basque_fit.times == tuple(float(y) for y in range(1955, 1998))
    # Abadie & Gardeazabal (2003, abstract): per capita GDP "declined about 10 percentage
    # points relative to a synthetic control region"; the gap settles from about 1980.
    relative = [
        gap / synthetic
        for year, gap, synthetic in zip(
            basque_fit.times, basque_fit.gaps, basque_fit.synthetic_outcome, strict=True
        )
        if year >= 1980
    ]
    assert -0.12 < float(np.mean(relative)) < -0.08
    assert max(relative) < 0
    assert basque_fit.rmspe_pre < 0.1 < basque_fit.rmspe_post


def test_basque_by_unit_number_gives_the_same_fit(basque_fit: sc.SynthResult) -> None:
    by_number = sc.synth(
        sc.read_panel(BASQUE),
        unit="regionno",
        time="year",
        outcome="gdpcap",
        treated="17",
        treatment_time=1970.0,
        predictors=BASQUE_PREDICTORS,
        exclude=["1.0"],
        optimize_period=(1960, 1969),
    )
    assert by_number.donors == tuple(str(n) for n in [*range(2, 17), 18])
    frame = sc.read_panel(BASQUE)
    names = dict(zip(frame["regionname"], frame["regionno"].astype(int).astype(str), strict=True))
    assert {names[u]: w for u, w in basque_fit.weight_by_donor.items()} == by_number.weight_by_donor
    assert by_number.v == basque_fit.v
    assert by_number.loss_v == basque_fit.loss_v


def test_the_fit_is_deterministic(basque: sc.SynthPanel, basque_fit: sc.SynthResult) -> None:
    again = sc.synth(basque)
    assert again.weights == basque_fit.weights
    assert again.v == basque_fit.v
    assert again.runs == basque_fit.runs


def test_weights_solve_the_inner_problem_for_the_reported_v(
    basque_fit: sc.SynthResult, basque: sc.SynthPanel
) -> None:
    scaled = sc.scale_predictors(basque.x)
    w = simplex_weights(scaled[:, 0], scaled[:, 1:], np.array(basque_fit.v))
    assert w == pytest.approx(np.array(basque_fit.weights), abs=1e-12)


def test_the_optimiser_runs_synths_four_searches(basque_fit: sc.SynthResult) -> None:
    assert [(run.start, run.method) for run in basque_fit.runs] == [
        ("equal", "Nelder-Mead"),
        ("equal", "BFGS"),
        ("regression", "Nelder-Mead"),
        ("regression", "BFGS"),
    ]
    assert basque_fit.loss_v == pytest.approx(min(run.loss for run in basque_fit.runs))


# -- placebos ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def basque_placebos(basque: sc.SynthPanel, basque_fit: sc.SynthResult) -> sc.PlaceboTest:
    return sc.placebo_test(basque, basque_fit)


def test_placebos_treat_every_donor_once(
    basque_placebos: sc.PlaceboTest, basque: sc.SynthPanel
) -> None:
    assert [run.unit for run in basque_placebos.runs] == list(basque.donors)
    assert all(run.error is None for run in basque_placebos.runs)
    cataluna = next(run for run in basque_placebos.runs if run.unit == "Cataluna")
    assert cataluna.ratio == pytest.approx(cataluna.rmspe_post / cataluna.rmspe_pre)


def test_placebo_p_value_is_the_rank_of_the_treated_ratio(
    basque_placebos: sc.PlaceboTest, basque_fit: sc.SynthResult
) -> None:
    ratios = [run.ratio for run in basque_placebos.runs]
    at_least = sum(1 for ratio in ratios if ratio >= basque_fit.ratio)
    assert basque_placebos.rank == 1 + at_least
    assert basque_placebos.p_value == pytest.approx((1 + at_least) / (1 + len(ratios)))
    assert 1 / 17 <= basque_placebos.p_value <= 1


def test_placebo_filter_leaves_out_poorly_fitted_placebos(
    basque: sc.SynthPanel, basque_fit: sc.SynthResult, basque_placebos: sc.PlaceboTest
) -> None:
    filtered = sc.PlaceboTest(basque_fit, basque_placebos.runs, max_pre_mspe_ratio=2.0)
    limit = 2.0 * basque_fit.rmspe_pre**2
    expected = {run.unit for run in basque_placebos.runs if run.rmspe_pre**2 <= limit}
    assert filtered.compared_units() == expected
    assert len(expected) < len(basque_placebos.runs)
    assert filtered.p_value == pytest.approx(filtered.rank / (1 + len(expected)))


def test_gaps_plot_data_has_the_treated_and_every_placebo(
    basque_fit: sc.SynthResult, basque_placebos: sc.PlaceboTest
) -> None:
    plot = sc.gaps_plot_data(basque_fit, basque_placebos)
    assert list(plot.columns) == ["time", "unit", "gap", "role", "compared"]
    assert len(plot) == 43 * 17
    treated = plot[plot["role"] == "treated"]
    assert treated["gap"].tolist() == pytest.approx(list(basque_fit.gaps))
    assert set(plot.loc[plot["role"] == "placebo", "unit"]) == set(basque_fit.donors)


# -- generated panels -------------------------------------------------------------------------


def _panel(effect: float = 2.0, seed: int = 3) -> pd.DataFrame:
    """Five donors; the treated unit is exactly 0.3 × donor b + 0.7 × donor d in every
    predictor and, before 2010, in the outcome; from 2010 on it gains ``effect``."""
    rng = np.random.default_rng(seed)
    years = list(range(2000, 2016))
    donors = {name: rng.normal(size=6) for name in "abcde"}
    rows = []
    for name, loadings in donors.items():
        for year in years:
            rows.append(
                {
                    "unit": name,
                    "year": float(year),
                    "y": loadings[0]
                    + loadings[1] * (year - 2000) / 10
                    + loadings[2] * math.sin(year),
                    "p1": loadings[3] + 0.01 * (year - 2000),
                    "p2": loadings[4] * 100,
                    "p3": loadings[5] if year % 2 == 0 else math.nan,
                }
            )
    frame = pd.DataFrame(rows)
    mix = (
        0.3 * frame[frame["unit"] == "b"].reset_index(drop=True)[["y", "p1", "p2", "p3"]]
        + 0.7 * (frame[frame["unit"] == "d"].reset_index(drop=True)[["y", "p1", "p2", "p3"]])
    )
    treated = mix.assign(unit="T", year=[float(y) for y in years])
    treated.loc[treated["year"] >= 2010, "y"] += effect
    return pd.concat([frame, treated], ignore_index=True)


def test_an_exact_mix_is_recovered_with_its_effect() -> None:
    result = sc.synth(
        _panel(effect=2.0),
        unit="unit",
        time="year",
        outcome="y",
        treated="T",
        treatment_time=2010,
        predictors=["p1", "p2:2003-2007", "p3", "y:2005", "y:2008-2009"],
    )
    assert result.weight_by_donor == pytest.approx(
        {"a": 0, "b": 0.3, "c": 0, "d": 0.7, "e": 0}, abs=1e-6
    )
    assert result.loss_v == pytest.approx(0, abs=1e-10)
    for year, gap in zip(result.times, result.gaps, strict=True):
        assert gap == pytest.approx(2.0 if year >= 2010 else 0.0, abs=1e-5)
    assert result.mean_post_gap == pytest.approx(2.0, abs=1e-5)


def test_predictor_means_skip_missing_values_and_default_to_the_pre_period() -> None:
    frame = _panel()
    data = sc.prepare(
        frame,
        unit="unit",
        time="year",
        outcome="y",
        treated="T",
        treatment_time=2010,
        predictors=["p3:2000-2003", "p3", "p1:2004", "p1"],
    )
    b = frame[frame["unit"] == "b"].set_index("year")
    column = data.units.index("b")
    # p3 is recorded in even years only: the mean of 2000 and 2002 (1, 3 missing).
    assert data.x[0, column] == pytest.approx(b.loc[[2000.0, 2002.0], "p3"].mean())
    assert data.x[1, column] == pytest.approx(b.loc[b.index < 2010, "p3"].dropna().mean())
    assert data.x[2, column] == pytest.approx(b.loc[2004.0, "p1"])
    assert data.x[3, column] == pytest.approx(b.loc[b.index < 2010, "p1"].mean())
    assert data.optimize_times == tuple(float(y) for y in range(2000, 2010))
    assert data.units[0] == "T" and data.donors == ("a", "b", "c", "d", "e")


def test_scaling_divides_by_the_standard_deviation_without_centring() -> None:
    x = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [10.0, 10.0, 13.0]])
    assert sc.scale_predictors(x) == pytest.approx(
        np.array(
            [
                [1.0, 2.0, 3.0],
                [1.0, 2.0, 3.0],
                [10 / math.sqrt(3), 10 / math.sqrt(3), 13 / math.sqrt(3)],
            ]
        )
    )


def test_rescaling_a_predictor_changes_nothing() -> None:
    frame = _panel(seed=8)
    options = {
        "unit": "unit",
        "time": "year",
        "outcome": "y",
        "treated": "T",
        "treatment_time": 2010,
        "predictors": ["p1", "p2", "y:2008"],
    }
    first = sc.synth(frame, **options)  # type: ignore[arg-type]
    second = sc.synth(frame.assign(p2=frame["p2"] * 1000.0), **options)  # type: ignore[arg-type]
    assert second.weights == pytest.approx(first.weights, abs=1e-9)


def test_one_predictor_needs_no_search_and_few_units_skip_the_regression_start() -> None:
    frame = _panel()
    single = sc.synth(
        frame,
        unit="unit",
        time="year",
        outcome="y",
        treated="T",
        treatment_time=2010,
        predictors=["p1"],
    )
    assert single.v == (1.0,) and single.runs == ()
    # 6 units and 6 predictors: X'X with an intercept is singular, as R's solve() would find.
    many = sc.synth(
        frame,
        unit="unit",
        time="year",
        outcome="y",
        treated="T",
        treatment_time=2010,
        predictors=["p1", "p2", "p3", "y:2001", "y:2004", "y:2007"],
    )
    assert {run.start for run in many.runs} == {"equal"}


# -- errors -----------------------------------------------------------------------------------


def _prepare(frame: pd.DataFrame, **changes: object) -> sc.SynthPanel:
    options: dict[str, object] = {
        "unit": "unit",
        "time": "year",
        "outcome": "y",
        "treated": "T",
        "treatment_time": 2010,
        "predictors": ["p1", "p2"],
    }
    options.update(changes)
    return sc.prepare(frame, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"outcome": "gdp"}, "no column 'gdp'"),
        ({"predictors": ["p1", "income:2001"]}, "no column 'income'"),
        ({"treated": "Z"}, "no unit 'Z' in column 'unit'"),
        ({"exclude": ["Q"]}, "no unit 'Q'"),
        ({"treatment_time": 2020}, "outside the data's times 2000–2015"),
        ({"treatment_time": 1990}, "outside the data's times"),
        ({"exclude": ["a", "b", "c", "d"]}, "too few donors: 1"),
        ({"predictors": ["p3:2001"]}, "predictor 'p3:2001': unit T has no 'p3' value"),
        ({"predictors": ["p1:2009-2011"]}, "must end before the treatment time 2010"),
        ({"predictors": ["p1:1990-1995"]}, "no times in its period"),
        ({"predictors": ["p1:2005-2001"]}, "ends before it starts"),
        ({"predictors": ["p1:20x"]}, "the period must be FROM or FROM-TO"),
        ({"predictors": ["p1", "p1"]}, "given twice"),
        ({"optimize_period": (2005, 2012)}, "must end before the treatment time"),
        ({"optimize_period": (1990, 1991)}, "no times in the optimisation period"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(sc.SynthError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _prepare(_panel(), **changes)


def test_duplicates_text_and_missing_outcomes_are_refused() -> None:
    frame = _panel()
    with pytest.raises(sc.SynthError, match=r"row 97: unit T has a second row for time 2000"):
        _prepare(pd.concat([frame, frame.iloc[[80]]], ignore_index=True))
    text = frame.astype({"p1": object})
    text.loc[5, "p1"] = "n/a"
    with pytest.raises(sc.SynthError, match=r"row 6, column 'p1': 'n/a' is not a number"):
        _prepare(text)
    gap = frame.copy()
    gap.loc[(gap["unit"] == "c") & (gap["year"] == 2004.0), "y"] = math.nan
    with pytest.raises(sc.SynthError, match="unit c has no 'y' for time 2004"):
        _prepare(gap)


def test_a_predictor_without_variation_among_donors_is_refused() -> None:
    frame = _panel().assign(flat=1.0)
    with pytest.raises(sc.SynthError, match="'flat' has the same value for every donor"):
        sc.synth(_prepare(frame, predictors=["p1", "flat"]))


def test_placebos_need_three_donors() -> None:
    with pytest.raises(sc.SynthError, match="at least 3 donors"):
        sc.placebo_test(_prepare(_panel(), exclude=["a", "b", "c"]))


def test_read_panel_by_extension(tmp_path: Path) -> None:
    frame = _panel()
    frame.to_parquet(tmp_path / "panel.parquet")
    frame.to_csv(tmp_path / "panel.csv", index=False)
    assert sc.read_panel(tmp_path / "panel.parquet").shape == frame.shape
    assert sc.read_panel(tmp_path / "panel.csv").shape == frame.shape
    (tmp_path / "panel.txt").write_text("x")
    with pytest.raises(sc.SynthError, match=r"unknown file type '\.txt'"):
        sc.read_panel(tmp_path / "panel.txt")
    with pytest.raises(sc.SynthError, match="no such file"):
        sc.read_panel(tmp_path / "missing.csv")


def test_results_depend_on_the_data_not_on_row_order_or_labels() -> None:
    frame = _panel(seed=11)
    frame["y"] += np.random.default_rng(2).normal(0, 0.05, size=len(frame))
    options = {
        "unit": "unit",
        "time": "year",
        "outcome": "y",
        "treatment_time": 2010,
        "predictors": ["p1", "p2:2003-2007", "y:2001", "y:2009"],
    }
    data = sc.prepare(frame, treated="T", **options)  # type: ignore[arg-type]
    codes = {"T": 90.0, "a": 5.0, "b": 4.0, "c": 3.0, "d": 2.0, "e": 1.0}
    shuffled = frame.sample(frac=1.0, random_state=4).assign(unit=lambda f: f["unit"].map(codes))
    other = sc.prepare(shuffled, treated="90", **options)  # type: ignore[arg-type]
    first, second = sc.synth(data), sc.synth(other)
    renamed = {str(int(code)): name for name, code in codes.items()}
    assert {renamed[u]: w for u, w in second.weight_by_donor.items()} == first.weight_by_donor
    assert second.v == first.v and second.gaps == first.gaps
    ratios = {run.unit: run.ratio for run in sc.placebo_test(data, first).runs}
    other_ratios = {renamed[run.unit]: run.ratio for run in sc.placebo_test(other, second).runs}
    assert other_ratios == ratios


def test_p_value_definition_on_hand_made_ratios(basque_fit: sc.SynthResult) -> None:
    treated = basque_fit.ratio
    pre = basque_fit.rmspe_pre

    def run(
        unit: str, ratio: float, pre_factor: float = 1.0, error: str | None = None
    ) -> sc.PlaceboRun:
        return sc.PlaceboRun(unit, pre * pre_factor, pre * pre_factor * ratio, ratio, (), error)

    runs = (
        run("larger", 2 * treated, pre_factor=3.0),
        run("equal", treated),
        run("smaller", treated / 2),
        run("no outcome after", math.nan),
        run("failed", math.nan, error="predictor 'x' has the same value for every donor"),
    )
    test = sc.PlaceboTest(basque_fit, runs, None)
    assert test.compared_units() == {"larger", "equal", "smaller"}
    assert (test.rank, test.p_value) == (3, 3 / 4)
    # MSPE of "larger" is 9 times the treated unit's: a limit of 5 leaves it out.
    filtered = sc.PlaceboTest(basque_fit, runs, 5.0)
    assert filtered.compared_units() == {"equal", "smaller"}
    assert (filtered.rank, filtered.p_value) == (2, 2 / 3)
    document = filtered.to_dict()
    assert document["units_compared"] == 3
    assert [u["compared"] for u in document["units"]] == [False, True, True, False, False]  # type: ignore[index]
