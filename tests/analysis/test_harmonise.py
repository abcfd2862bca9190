"""Harmonising a panel to one municipal structure: worked examples from real reforms (Klass 131)."""

from __future__ import annotations

from datetime import date

import pytest

from trepart.analysis.harmonise import (
    NationalAverage,
    PanelRow,
    harmonise,
    national_averages,
)
from trepart.analysis.indicators import CATALOGUE

Y2020 = date(2020, 1, 1)
Y2024 = date(2024, 1, 1)

# Kristiansand 2020: Kristiansand 1001, Songdalen 1017 and Søgne 1018 merged into 4204.
KRISTIANSAND_2019 = [
    PanelRow("1001", 2019, None, "sick_leave_pct", 7.0),
    PanelRow("1017", 2019, None, "sick_leave_pct", 8.0),
    PanelRow("1018", 2019, None, "sick_leave_pct", 6.0),
    PanelRow("1001", 2019, None, "contracted_workdays", 1_000_000.0),
    PanelRow("1017", 2019, None, "contracted_workdays", 100_000.0),
    PanelRow("1018", 2019, None, "contracted_workdays", 150_000.0),
]


def _run(
    rows: list[PanelRow], to_date: date = Y2020
) -> tuple[dict[tuple[str, str, int], float], list[tuple[str, str]]]:
    result = harmonise(rows, to_date=to_date, indicators=CATALOGUE)
    values = {(r.code, r.indicator_id, r.year): r.value for r in result.rows}
    return values, [(p.code, p.kind) for p in result.problems]


def test_a_merger_weights_sick_leave_by_contracted_workdays() -> None:
    values, problems = _run(KRISTIANSAND_2019)
    # (7 × 1 000 000 + 8 × 100 000 + 6 × 150 000) / 1 250 000 = 8 700 000 / 1 250 000 = 6.96
    assert values[("4204", "sick_leave_pct", 2019)] == pytest.approx(6.96)
    assert values[("4204", "contracted_workdays", 2019)] == 1_250_000.0
    assert problems == []


def test_a_merger_without_a_weight_is_reported_not_averaged() -> None:
    rows = [
        r for r in KRISTIANSAND_2019 if (r.code, r.indicator_id) != ("1018", "contracted_workdays")
    ]
    values, problems = _run(rows)
    assert ("4204", "sick_leave_pct", 2019) not in values
    # The weight itself is incomplete too: its sum lacks Søgne.
    assert problems == [("4204", "incomplete"), ("4204", "no_weight")]


def test_a_merger_missing_a_part_is_reported() -> None:
    rows = [r for r in KRISTIANSAND_2019 if r.code != "1018"]
    values, _problems = _run(rows)
    assert values == {}
    result = harmonise(rows, to_date=Y2020, indicators=CATALOGUE)
    assert {p.kind for p in result.problems} == {"incomplete"}
    assert "1018" in result.problems[0].reason


def test_a_split_cannot_be_translated_and_is_reported() -> None:
    # Ålesund 1507 (2020–2023) was divided into Ålesund 1508 and Haram 1580 in 2024.
    rows = [
        PanelRow("1507", 2023, None, "sick_leave_pct", 7.7),
        PanelRow("1507", 2023, None, "contracted_workdays", 900_000.0),
    ]
    result = harmonise(rows, to_date=Y2024, indicators=CATALOGUE)
    assert result.rows == ()
    assert [(p.code, p.year, p.indicator_id, p.kind) for p in result.problems] == [
        ("1507", 2023, "contracted_workdays", "split"),
        ("1507", 2023, "sick_leave_pct", "split"),
    ]
    assert "1508 Ålesund, 1580 Haram" in result.problems[0].reason


@pytest.mark.parametrize(
    "row,to_date,expected_code",
    [
        # Lunner 0533 was renumbered 3054 in 2020 and 3234 in 2024.
        (PanelRow("0533", 2019, None, "sick_leave_pct", 7.2), Y2020, "3054"),
        (PanelRow("0533", 2019, None, "sick_leave_pct", 7.2), Y2024, "3234"),
        (PanelRow("3054", 2020, None, "sick_leave_pct", 7.2), Y2024, "3234"),
        (PanelRow("3054", 2023, 4, "sick_leave_pct", 7.2), Y2024, "3234"),
        # Backwards: the 2024 code goes back to the 2019 one.
        (PanelRow("3234", 2024, None, "sick_leave_pct", 7.2), date(2019, 1, 1), "0533"),
        (PanelRow("0301", 2010, None, "sick_leave_pct", 7.2), Y2024, "0301"),
    ],
)
def test_renumbered_and_unchanged_codes_keep_their_value(
    row: PanelRow, to_date: date, expected_code: str
) -> None:
    result = harmonise([row], to_date=to_date, indicators=CATALOGUE)
    assert result.problems == ()
    assert result.rows == (row._replace(code=expected_code),)


def test_going_back_over_a_merger_is_a_split() -> None:
    _values, problems = _run([PanelRow("4204", 2020, None, "headcount", 5000.0)], date(2019, 1, 1))
    assert problems == [("4204", "split")]


def test_sums_and_means_of_a_merger() -> None:
    rows = [
        PanelRow(code, 2019, None, indicator, value)
        for code, value in (("1001", 10.0), ("1017", 20.0), ("1018", 30.0))
        for indicator in ("headcount", "conflict_index")
    ]
    values, problems = _run(rows)
    assert CATALOGUE["conflict_index"].aggregation == "mean"
    assert values[("4204", "headcount", 2019)] == 60.0  # a sum
    assert values[("4204", "conflict_index", 2019)] == 20.0  # a plain mean
    assert problems == []


@pytest.mark.parametrize(
    "row,kind",
    [
        (PanelRow("0533", 2020, None, "sick_leave_pct", 7.0), "invalid_code"),
        (PanelRow("0301", 1999, None, "sick_leave_pct", 7.0), "invalid_code"),
        (PanelRow("0301", 2019, None, "no_such", 7.0), "unknown_indicator"),
    ],
)
def test_rows_that_cannot_be_placed(row: PanelRow, kind: str) -> None:
    result = harmonise([row], to_date=Y2024, indicators=CATALOGUE)
    assert result.rows == ()
    assert [p.kind for p in result.problems] == [kind]


def test_the_national_average_weights_rates_and_averages_volumes() -> None:
    rows = [
        *KRISTIANSAND_2019,
        PanelRow("0301", 2019, None, "sick_leave_pct", 5.0),  # no weight: left out of the rate
        PanelRow("0301", 2019, None, "headcount", 100.0),
        PanelRow("1001", 2019, None, "headcount", 50.0),
    ]
    averages = {a.indicator_id: a for a in national_averages(rows, indicators=CATALOGUE)}
    assert averages["sick_leave_pct"] == NationalAverage(
        "sick_leave_pct", 2019, None, pytest.approx(6.96), 3, 1
    )
    assert averages["headcount"].value == 75.0
    assert averages["contracted_workdays"].value == pytest.approx(1_250_000 / 3)
