"""`trepart demo` loads the synthetic panel into the store, with its true effects."""

from __future__ import annotations

import pytest

from tests.indicators.conftest import parsed
from trepart.analysis.indicator_files import IndicatorRow
from trepart.indicators.actions import do_import
from trepart.indicators.demo import DemoRefused, load_demo_panel
from trepart.indicators.models import ImportBatch, IndicatorValue, SyntheticTruth
from trepart.registry.demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_panel_is_loaded_flagged_and_its_true_effects_kept() -> None:
    load_demo()
    summary = load_demo_panel()
    assert summary.participants == 138
    assert IndicatorValue.objects.count() == summary.values
    assert not IndicatorValue.objects.filter(is_synthetic=False).exists()
    truths = {(t.indicator_id, t.effect) for t in SyntheticTruth.objects.all()}
    assert ("sick_leave_pct", -0.4) in truths
    assert "sick_leave_pct -0.4 percentage points" in summary.describe()
    # Rerunning replaces the panel instead of adding to it.
    again = load_demo_panel()
    assert IndicatorValue.objects.count() == again.values == summary.values
    assert ImportBatch.objects.filter(format="demo").count() == 1
    assert SyntheticTruth.objects.count() == len(again.truths)


def test_the_panel_is_never_mixed_with_real_values() -> None:
    do_import(None, parsed(IndicatorRow("0301", "sick_leave_pct", 2024, None, 9.0, "x")))
    with pytest.raises(DemoRefused, match="holds real values"):
        load_demo_panel()
    assert IndicatorValue.objects.count() == 1
