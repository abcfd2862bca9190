"""On the synthetic demo panel the staggered DiD recovers the injected programme effect.

``trepart.analysis.demo_panel`` adds exactly −0.4 percentage points to the sick leave of every
treated unit from the first full year after it joined (docs/demo-panel.md). The panel is used in
its latent structure (the 434 municipalities of 2002 in every year): that is where treatment is
all-or-nothing per unit; in the yearly structure a merged municipality mixes treated and
untreated parts.
"""

from __future__ import annotations

import random
from datetime import date

import pandas as pd
import pytest

from trepart.analysis import demo_panel
from trepart.analysis.effects.did import DidResult, DidSettings, estimate
from trepart.analysis.municipalities import load

JOINED = (date(2007, 3, 28), date(2008, 3, 1), date(2009, 3, 1))  # three cohorts (puljer)


@pytest.fixture(scope="module")
def sick_leave() -> tuple[pd.DataFrame, float]:
    klass = load()
    valid = set.intersection(*({m.code for m in klass.municipalities_on(d)} for d in JOINED))
    chosen = random.Random(1).sample(sorted(valid), 150)
    participants = [
        demo_panel.Participant(code, JOINED[i % len(JOINED)]) for i, code in enumerate(chosen)
    ]
    panel = demo_panel.generate(participants, seed=2007, structure="latent")
    frame = pd.DataFrame(
        [(int(r.code), r.year, r.value) for r in panel.rows if r.indicator_id == "sick_leave_pct"],
        columns=["unit", "year", "sick_leave_pct"],
    )
    treated = {int(code): year for code, year in panel.treated.items()}
    frame["cohort"] = frame["unit"].map(treated).fillna(0)
    (effect,) = [e.effect for e in panel.true_effects if e.indicator_id == "sick_leave_pct"]
    return frame, effect


@pytest.mark.parametrize("control", ["never", "notyet"])
def test_recovers_the_injected_effect_on_sick_leave(
    sick_leave: tuple[pd.DataFrame, float], control: str
) -> None:
    frame, effect = sick_leave
    assert effect == -0.4
    result: DidResult = estimate(
        frame,
        unit="unit",
        time="year",
        cohort="cohort",
        outcome="sick_leave_pct",
        settings=DidSettings(control=control),  # type: ignore[arg-type]
    )
    assert {c.group for c in result.cells} == {2008.0, 2009.0, 2010.0}
    for aggregate in (result.simple, result.dynamic, result.group, result.calendar):
        assert aggregate.ci_low < effect < aggregate.ci_high
    # And the interval is informative: it excludes no effect at all.
    assert result.simple.ci_high < 0
