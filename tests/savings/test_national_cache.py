"""National averages are cached, and every write to the store makes a new cache key.

Head counts (a volume) are averaged per municipality: 100 and 200 give 150.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.indicators.conftest import parsed
from trepart.analysis.indicator_files import IndicatorRow
from trepart.indicators import selectors
from trepart.indicators.actions import do_correct_value, do_import
from trepart.indicators.demo import load_demo_panel

pytestmark = pytest.mark.django_db
ON = date(2024, 1, 1)


def _national(indicator: str = "headcount", year: int = 2024) -> float:
    result = selectors.panel([indicator], structure_date=ON, codes=["3234"])
    return {(a.indicator_id, a.year): a.value for a in result.national}[(indicator, year)]


@pytest.fixture
def stored() -> None:
    do_import(
        None,
        parsed(
            IndicatorRow("3234", "headcount", 2024, None, 100.0, "t"),
            IndicatorRow("0301", "headcount", 2024, None, 200.0, "t"),
        ),
    )


def _reads_of_every_municipality(queries: CaptureQueriesContext) -> list[str]:
    """Queries that read stored values without limiting the municipalities."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if "indicatorvalue" in q["sql"]
        and '"value"' in q["sql"]
        and '"municipality_code" IN' not in q["sql"]
    ]


@pytest.mark.usefixtures("stored")
def test_the_average_is_read_once_and_then_served_from_the_cache() -> None:
    with CaptureQueriesContext(connection) as first:
        assert _national() == 150.0
    assert _reads_of_every_municipality(first)
    with CaptureQueriesContext(connection) as second:
        assert _national() == 150.0
    assert _reads_of_every_municipality(second) == []


@pytest.mark.usefixtures("stored")
def test_an_import_and_a_correction_give_a_fresh_average() -> None:
    assert _national() == 150.0
    version = selectors.store_version()
    do_import(None, parsed(IndicatorRow("1101", "headcount", 2024, None, 300.0, "t")))
    assert selectors.store_version() != version
    assert _national() == 200.0
    do_correct_value(
        None,
        municipality_code="0301",
        indicator_id="headcount",
        year=2024,
        quarter=None,
        value=500.0,
        source="corrected",
    )
    assert _national() == pytest.approx((100 + 500 + 300) / 3)


def test_a_demo_reload_gives_a_fresh_average(settings: Any) -> None:
    load_demo_panel(seed=1)
    first = _national("sick_leave_pct")
    version = selectors.store_version()
    load_demo_panel(seed=2)
    assert selectors.store_version() != version
    assert _national("sick_leave_pct") != first
