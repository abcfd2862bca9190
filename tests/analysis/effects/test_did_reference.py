"""The staggered DiD reproduces the published R ``did`` results on ``mpdta``.

Data and numbers: Callaway & Sant'Anna (2021), the R package ``did`` 2.5.1 (``att_gt`` with
``yname="lemp", tname="year", idname="countyreal", gname="first.treat"``, never-treated
comparison, doubly robust), as listed in /work/shared/data/reference/README.md. Each number is
compared to the precision at which it is printed there.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.helpers import REFERENCE
from trepart.analysis.effects.did import DidResult, estimate

MPDTA = REFERENCE / "mpdta.csv"

ATT_GT = {
    (2004, 2004): -0.0105,
    (2004, 2005): -0.0704,
    (2004, 2006): -0.1373,
    (2004, 2007): -0.1008,
    (2006, 2004): 0.0065,
    (2006, 2005): -0.0028,
    (2006, 2006): -0.0046,
    (2006, 2007): -0.0412,
    (2007, 2004): 0.0305,
    (2007, 2005): -0.0027,
    (2007, 2006): -0.0311,
    (2007, 2007): -0.0261,
}
SE_2004 = {2004: 0.0233, 2005: 0.0310, 2006: 0.0364, 2007: 0.0344}
DYNAMIC_BY_E = {
    -3: 0.0305,
    -2: -0.0006,
    -1: -0.0245,
    0: -0.0199,
    1: -0.0510,
    2: -0.1373,
    3: -0.1008,
}
GROUP_BY_G = {2004: -0.0797, 2006: -0.0229, 2007: -0.0261}


def printed(value: float, decimals: int) -> float:
    return round(value, decimals)


@pytest.fixture(scope="module")
def result() -> DidResult:
    frame = pd.read_csv(MPDTA)
    return estimate(frame, unit="countyreal", time="year", cohort="first.treat", outcome="lemp")


def test_every_group_time_effect_equals_the_published_one(result: DidResult) -> None:
    ours = {(int(c.group), int(c.time)): printed(c.att, 4) for c in result.cells}
    assert ours == ATT_GT


def test_analytic_standard_errors_of_the_2004_cohort(result: DidResult) -> None:
    ours = {int(c.time): printed(c.se, 4) for c in result.cells if c.group == 2004}
    assert ours == SE_2004


def test_event_study(result: DidResult) -> None:
    assert printed(result.dynamic.att, 4) == -0.0772
    assert {int(row.key): printed(row.att, 4) for row in result.dynamic.by} == DYNAMIC_BY_E


def test_group_aggregation(result: DidResult) -> None:
    assert printed(result.group.att, 3) == -0.031
    assert {int(row.key): printed(row.att, 4) for row in result.group.by} == GROUP_BY_G


def test_simple_aggregation_and_its_analytic_standard_error(result: DidResult) -> None:
    # The README's "simple -0.0400 (SE 0.0120)": the SE is the analytic one.
    assert (printed(result.simple.att, 4), printed(result.simple.se, 4)) == (-0.0400, 0.0120)


def test_pretest_of_parallel_trends(result: DidResult) -> None:
    assert printed(result.pretest_p, 3) == 0.168
    assert result.pretest_df == 5  # 2006: 2004-2005; 2007: 2004-2006


def test_bootstrap_standard_errors_are_near_the_analytic_ones() -> None:
    frame = pd.read_csv(MPDTA)
    from trepart.analysis.effects.did import DidSettings

    boot = estimate(
        frame,
        unit="countyreal",
        time="year",
        cohort="first.treat",
        outcome="lemp",
        settings=DidSettings(bootstrap=999, seed=7),
    )
    # R prints bootstrap SEs of about 0.024, 0.033, 0.041, 0.036 for g=2004 (run to run).
    for cell in boot.cells:
        if cell.group == 2004:
            assert SE_2004[int(cell.time)] * 0.8 < cell.se < SE_2004[int(cell.time)] * 1.25
    assert 2.0 < boot.critical_value < 3.5
