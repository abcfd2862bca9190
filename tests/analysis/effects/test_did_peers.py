"""The staggered DiD equals its peers ``csdid`` and ``differences`` to 1e-8 on generated panels.

Both peers port R ``did``; ``csdid`` also computes the analytic SEs and aggregations the same way,
so those are compared too. Anticipation is compared with a universal base period: with a varying
base period ``csdid`` uses the long difference from g-K-1 inside the anticipation window, while
R ``did`` (which we follow) uses the one-period difference there.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd
import pytest

from trepart.analysis.effects.did import DidResult, DidSettings, estimate

TOLERANCE = 1e-8


def generated_panel(*, unbalanced: bool = False, seed: int = 11) -> pd.DataFrame:
    """300 units × 6 periods, cohorts 3/4/6 (+ 8: after the panel, i.e. never treated) and
    never treated, a time-invariant and a binary covariate, effects growing with exposure."""
    rng = np.random.default_rng(seed)
    n, periods = 300, 6
    cohort = rng.choice([0, 3, 4, 6, 8], size=n, p=[0.35, 0.2, 0.2, 0.15, 0.1])
    x1 = rng.normal(size=n)
    x2 = rng.binomial(1, 0.4, size=n)
    unit_effect = rng.normal(size=n)
    t = np.arange(1, periods + 1)
    exposure = t[None, :] - cohort[:, None]
    effect = np.where((cohort[:, None] > 0) & (exposure >= 0), 0.5 + 0.1 * exposure, 0.0)
    y = (
        unit_effect[:, None]
        + 0.3 * t[None, :]
        + 0.5 * x1[:, None] * t[None, :] / periods
        + 0.2 * x2[:, None]
        + effect
        + rng.normal(size=(n, periods))
    )
    frame = pd.DataFrame(
        {
            "id": np.repeat(np.arange(1, n + 1), periods),
            "t": np.tile(t, n),
            "g": np.repeat(cohort, periods),
            "y": y.ravel(),
            "x1": np.repeat(x1, periods),
            "x2": np.repeat(x2, periods),
        }
    )
    if unbalanced:
        frame = frame[rng.random(len(frame)) >= 0.1].reset_index(drop=True)
    return frame


CASES = [
    # (unbalanced, control, method, covariates, base period, anticipation)
    (False, "never", "dr", (), "varying", 0),
    (False, "never", "dr", ("x1", "x2"), "varying", 0),
    (False, "notyet", "dr", ("x1", "x2"), "varying", 0),
    (False, "never", "ipw", ("x1", "x2"), "varying", 0),
    (False, "notyet", "ipw", ("x1",), "universal", 0),
    (False, "never", "reg", ("x1", "x2"), "varying", 0),
    (False, "notyet", "reg", (), "universal", 1),
    (False, "never", "dr", ("x1", "x2"), "universal", 1),
    (True, "never", "dr", ("x1", "x2"), "varying", 0),
    (True, "notyet", "dr", (), "varying", 0),
    (True, "never", "ipw", ("x1", "x2"), "universal", 0),
    (True, "notyet", "reg", ("x1", "x2"), "varying", 0),
    (True, "never", "dr", ("x1",), "universal", 1),
]


def ours(frame: pd.DataFrame, case: tuple[object, ...]) -> DidResult:
    _, control, method, covariates, base, anticipation = case
    return estimate(
        frame,
        unit="id",
        time="t",
        cohort="g",
        outcome="y",
        covariates=covariates,  # type: ignore[arg-type]
        settings=DidSettings(
            control=control,  # type: ignore[arg-type]
            method=method,  # type: ignore[arg-type]
            base_period=base,  # type: ignore[arg-type]
            anticipation=anticipation,  # type: ignore[arg-type]
        ),
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(map(str, c)))
def test_equals_csdid(case: tuple[object, ...]) -> None:
    from csdid.att_gt import ATTgt

    unbalanced, control, method, covariates, base, anticipation = case
    frame = generated_panel(unbalanced=bool(unbalanced))
    result = ours(frame, case)
    formula = "y~" + "+".join(covariates) if covariates else None  # type: ignore[arg-type]
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        peer = ATTgt(
            yname="y",
            tname="t",
            idname="id",
            gname="g",
            data=frame.copy(),
            xformla=formula,
            control_group="nevertreated" if control == "never" else "notyettreated",
            anticipation=anticipation,
            allow_unbalanced_panel=bool(unbalanced),
        )
        peer.fit(est_method=method, base_period=base, bstrap=False)
        cells = peer.results
        aggregates = {}
        for kind in ("simple", "dynamic", "group", "calendar"):
            peer.aggte(typec=kind, bstrap=False)
            aggregates[kind] = dict(peer.atte)

    assert [(c.group, c.time) for c in result.cells] == list(
        zip(np.asarray(cells["group"], float), np.asarray(cells["year"], float), strict=True)
    )
    np.testing.assert_allclose(
        [c.att for c in result.cells], np.asarray(cells["att"], float), rtol=0, atol=TOLERANCE
    )
    # csdid reports the universal base cell's SE as NaN too (it is 0 by construction).
    np.testing.assert_allclose(
        [c.se for c in result.cells], np.asarray(cells["se"], float), rtol=0, atol=TOLERANCE
    )
    for kind, agg in (
        ("simple", result.simple),
        ("dynamic", result.dynamic),
        ("group", result.group),
        ("calendar", result.calendar),
    ):
        theirs = aggregates[kind]
        assert agg.att == pytest.approx(theirs["overall_att"], abs=TOLERANCE), kind
        assert agg.se == pytest.approx(theirs["overall_se"], abs=TOLERANCE), kind
        if kind != "simple":
            np.testing.assert_allclose(
                [row.att for row in agg.by], np.asarray(theirs["att_egt"], float), atol=TOLERANCE
            )
            np.testing.assert_allclose(
                [row.se for row in agg.by], np.asarray(theirs["se_egt"], float), atol=TOLERANCE
            )


@pytest.mark.parametrize(
    "control,method,covariates,anticipation",
    [
        ("never", "dr", (), 0),
        ("notyet", "dr", ("x1", "x2"), 0),
        ("never", "reg", ("x1",), 0),
        ("never", "dr", (), 1),  # varying base period with anticipation, as R did
    ],
)
def test_equals_differences(
    control: str, method: str, covariates: tuple[str, ...], anticipation: int
) -> None:
    from differences import ATTgt

    frame = generated_panel(seed=5)
    result = ours(frame, (False, control, method, covariates, "varying", anticipation))
    data = frame.assign(g=frame["g"].where(frame["g"] > 0)).set_index(["id", "t"])
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        peer = ATTgt(data=data, cohort_column="g", base_period="varying", anticipation=anticipation)
        peer.fit(
            formula="y" + (" ~ " + " + ".join(covariates) if covariates else ""),
            est_method=method,
            control_group="never_treated" if control == "never" else "not_yet_treated",
            progress_bar=False,
        )
        table = peer.results()
        simple = peer.aggregate("simple")
    theirs = {
        (float(g), float(t)): a for (g, _, t), a in zip(table.index, table.iloc[:, 0], strict=True)
    }
    mine = {(c.group, c.time): c.att for c in result.cells}
    assert mine.keys() == theirs.keys()
    for key, value in mine.items():
        assert value == pytest.approx(theirs[key], abs=TOLERANCE), key
    assert result.simple.att == pytest.approx(simple.iloc[0, 0], abs=TOLERANCE)
    assert result.simple.se == pytest.approx(simple.iloc[0, 1], abs=TOLERANCE)
