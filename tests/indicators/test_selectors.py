"""Panels and series are read in one municipal structure, with the national average."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from tests.indicators.conftest import parsed
from trepart.analysis import municipalities
from trepart.analysis.indicator_files import IndicatorRow
from trepart.analysis.indicators import UnknownIndicator
from trepart.indicators.actions import do_import
from trepart.indicators.selectors import panel, series

pytestmark = pytest.mark.django_db

ROWS = [
    # Kristiansand 2019 in three parts, then 4204 from 2020.
    IndicatorRow("1001", "sick_leave_pct", 2019, None, 7.0),
    IndicatorRow("1017", "sick_leave_pct", 2019, None, 8.0),
    IndicatorRow("1018", "sick_leave_pct", 2019, None, 6.0),
    IndicatorRow("1001", "contracted_workdays", 2019, None, 1_000_000.0),
    IndicatorRow("1017", "contracted_workdays", 2019, None, 100_000.0),
    IndicatorRow("1018", "contracted_workdays", 2019, None, 150_000.0),
    IndicatorRow("4204", "sick_leave_pct", 2020, None, 7.5),
    IndicatorRow("4204", "contracted_workdays", 2020, None, 1_300_000.0),
    # Lunner renumbered 0533 → 3054 in 2020; no weight for it.
    IndicatorRow("0533", "sick_leave_pct", 2019, None, 5.0),
    IndicatorRow("3054", "sick_leave_pct", 2020, None, 5.5),
]


@pytest.fixture
def stored(analyst: User) -> None:
    do_import(analyst, parsed(*ROWS))


@pytest.mark.usefixtures("stored")
def test_a_series_across_a_merger_in_the_2020_structure() -> None:
    result = series("4204", "sick_leave_pct", structure_date=date(2020, 1, 1))
    assert result.name == "Kristiansand"
    assert [(p.year, p.value) for p in result.points] == [
        (2019, pytest.approx(6.96)),
        (2020, 7.5),
    ]
    # The national rate of 2019 weights by workdays; Lunner has none and is left out of it.
    assert result.points[0].national == pytest.approx(6.96)
    assert result.points[1].national == pytest.approx(7.5)
    assert result.problems == ()


@pytest.mark.usefixtures("stored")
def test_a_renumbered_municipality_in_the_2024_structure() -> None:
    result = series("3234", "sick_leave_pct", structure_date=date(2024, 1, 1))
    assert [(p.year, p.value) for p in result.points] == [(2019, 5.0), (2020, 5.5)]


@pytest.mark.usefixtures("stored")
def test_a_panel_returns_only_what_was_asked_and_reports_what_it_left_out() -> None:
    result = panel(["sick_leave_pct"], structure_date=date(2019, 1, 1))
    codes = {(r.code, r.year) for r in result.rows}
    assert {r.indicator_id for r in result.rows} == {"sick_leave_pct"}
    # Back in the 2019 structure: Lunner 3054 of 2020 is 0533 again (one-to-one), while
    # Kristiansand 4204 of 2020 would have to be shared out between its three parts.
    assert codes == {("1001", 2019), ("1017", 2019), ("1018", 2019), ("0533", 2019), ("0533", 2020)}
    assert [(p.code, p.year, p.kind) for p in result.problems] == [("4204", 2020, "split")]


@pytest.mark.usefixtures("stored")
def test_a_panel_for_some_municipalities_includes_their_predecessors() -> None:
    result = panel(
        ["sick_leave_pct", "contracted_workdays"],
        structure_date=date(2024, 1, 1),
        codes=["4204"],
    )
    assert {(r.code, r.indicator_id, r.year) for r in result.rows} == {
        ("4204", "sick_leave_pct", 2019),
        ("4204", "sick_leave_pct", 2020),
        ("4204", "contracted_workdays", 2019),
        ("4204", "contracted_workdays", 2020),
    }
    # The national averages still cover every municipality: Lunner counts in the volume mean.
    national = {(a.indicator_id, a.year): a for a in result.national}
    assert national[("sick_leave_pct", 2019)].left_out == 1


def test_bad_arguments(db: None) -> None:
    with pytest.raises(UnknownIndicator):
        panel(["nope"], structure_date=date(2024, 1, 1))
    with pytest.raises(municipalities.MunicipalityError):
        series("0533", "sick_leave_pct", structure_date=date(2024, 1, 1))
