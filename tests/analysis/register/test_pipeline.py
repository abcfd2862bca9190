"""The register pipeline on hand-computed extracts: every definition, worked out by hand.

Workday counts: 2023 has 251 workdays, 2024 has 252 (see tests/analysis/test_calendar.py).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tests.analysis.register.extracts import (
    HAND_ABSENCES,
    HAND_EMPLOYMENTS,
    Row,
    write_csv,
    write_parquet,
)
from trepart.analysis.register import (
    OUTPUT_COLUMNS,
    OUTPUT_SCHEMA,
    InputProblem,
    RegisterInputError,
    compute_indicators,
)


def rows(folder: Path, **options: Any) -> dict[tuple[str, int], dict[str, Any]]:
    table = compute_indicators(folder, **options).table
    return {(r["municipality"], r["year"]): r for r in table.to_pylist()}


def close(got: float | None, expected: float) -> bool:
    return got is not None and math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-12)


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, Any]]:
    folder = write_csv(tmp_path_factory.mktemp("hand"), HAND_EMPLOYMENTS, HAND_ABSENCES)
    return rows(folder)


def test_output_columns_and_types(tmp_path: Path) -> None:
    result = compute_indicators(write_csv(tmp_path, HAND_EMPLOYMENTS, HAND_ABSENCES))
    assert tuple(result.table.column_names) == OUTPUT_COLUMNS
    assert result.table.schema == OUTPUT_SCHEMA
    keys = [(r["municipality"], r["year"]) for r in result.table.to_pylist()]
    assert keys == [("0301", 2023), ("0301", 2024), ("4204", 2023), ("4204", 2024)]


def test_contracted_workdays(hand: dict[tuple[str, int], dict[str, Any]]) -> None:
    # Oslo 2023: A 251 × 1.0; B from 1 March (Jan 22 + Feb 20 = 42 workdays before) × 0.8.
    assert close(hand["0301", 2023]["contracted_workdays"], 251 + (251 - 42) * 0.8)
    # Oslo 2024: A Jan–Jun (130 weekdays − 8 holidays = 122) × 1.0 + Jul–Dec (130) × 0.5.
    assert close(hand["0301", 2024]["contracted_workdays"], 122 + 130 * 0.5)
    # Kristiansand 2023: C 60 % all year + 40 % from 1 June (Jan–May had 101 workdays).
    assert close(hand["4204", 2023]["contracted_workdays"], 251 * 0.6 + (251 - 101) * 0.4)
    # Kristiansand 2024: B full time, C 40 %.
    assert close(hand["4204", 2024]["contracted_workdays"], 252 * 1.0 + 252 * 0.4)


def test_overlapping_spells_count_once_at_the_highest_grade(
    hand: dict[tuple[str, int], dict[str, Any]],
) -> None:
    oslo = hand["0301", 2023]
    # 2–6 Jan at 100 % (5 workdays), 9–10 Jan at 50 % (7–8 Jan is a weekend).
    assert close(oslo["lost_workdays"], 5 * 1.0 + 2 * 0.5)
    contracted = 251 + 209 * 0.8
    assert close(oslo["sick_leave_pct"], 100 * 6 / contracted)
    # Each certifier on its own: self 2–6 Jan at 100 %; doctor 4–10 Jan at 50 % (5 workdays).
    assert close(oslo["sick_leave_self_pct"], 100 * 5 / contracted)
    assert close(oslo["sick_leave_doctor_pct"], 100 * 2.5 / contracted)


def test_a_spell_across_years_and_across_a_change_of_fte(
    hand: dict[tuple[str, int], dict[str, Any]],
) -> None:
    # C's spell 28 Dec 2023 – 5 Jan 2024: 28–29 Dec with 60 % + 40 % = 100 % employed ...
    assert close(hand["4204", 2023]["lost_workdays"], 2 * 1.0)
    # ... and 2–5 Jan 2024 (1 Jan is a holiday) with only the 40 % employment left.
    assert close(hand["4204", 2024]["lost_workdays"], 4 * 0.4)
    assert close(hand["4204", 2024]["sick_leave_doctor_pct"], 100 * 1.6 / (252 * 1.4))
    assert close(hand["4204", 2024]["sick_leave_self_pct"], 0.0)


def test_staff_on_1_december(hand: dict[tuple[str, int], dict[str, Any]]) -> None:
    oslo = hand["0301", 2023]  # A 100 %, B 80 %
    assert oslo["headcount"] == 2
    assert close(oslo["fte_years"], 1.8)
    assert close(oslo["avg_fte_pct"], 90.0)
    assert close(oslo["fulltime_share"], 0.5)
    # C holds 60 % + 40 % on 1 Dec 2023: one employee, full time by the sum.
    kristiansand = hand["4204", 2023]
    assert kristiansand["headcount"] == 1
    assert close(kristiansand["fulltime_share"], 1.0)
    assert close(kristiansand["avg_fte_pct"], 100.0)
    assert hand["4204", 2024]["headcount"] == 2
    assert close(hand["4204", 2024]["avg_fte_pct"], 70.0)
    assert close(hand["0301", 2024]["fte_years"], 0.5)


def test_turnover(hand: dict[tuple[str, int], dict[str, Any]]) -> None:
    # B left Oslo but works in Kristiansand on 1 Dec 2024: not turnover (KS: anywhere in data).
    assert close(hand["0301", 2023]["turnover_pct"], 0.0)
    # The last year of the data has no next 1 December.
    assert hand["0301", 2024]["turnover_pct"] is None
    assert hand["4204", 2024]["turnover_pct"] is None


def test_afp_uptake(hand: dict[tuple[str, int], dict[str, Any]]) -> None:
    # A (born 1 Jan 1960) is 64 on 1 Jan 2024, a birthday that counts; left with AFP in 2024.
    assert close(hand["0301", 2024]["afp_uptake_pct"], 100.0)
    assert close(hand["0301", 2023]["afp_uptake_pct"], 0.0)
    # C is 64 and 65: eligible, did not take AFP.
    assert close(hand["4204", 2023]["afp_uptake_pct"], 0.0)


def test_parquet_and_csv_give_the_same_table(tmp_path: Path) -> None:
    from_csv = compute_indicators(write_csv(tmp_path / "c", HAND_EMPLOYMENTS, HAND_ABSENCES))
    from_parquet = compute_indicators(
        write_parquet(tmp_path / "p", HAND_EMPLOYMENTS, HAND_ABSENCES)
    )
    assert from_csv.table.equals(from_parquet.table)


def test_absence_outside_every_employment_is_reported_not_counted(tmp_path: Path) -> None:
    result = compute_indicators(write_csv(tmp_path, HAND_EMPLOYMENTS, HAND_ABSENCES))
    oslo_2024 = next(
        r for r in result.table.to_pylist() if (r["municipality"], r["year"]) == ("0301", 2024)
    )
    assert oslo_2024["lost_workdays"] == 0.0
    assert result.quality.outside_workdays == 2  # B, Thu 1 and Fri 2 Feb 2024
    assert result.quality.outside_employees == 1
    assert result.quality.rows_read == {"employments": 6, "absences": 4}
    assert result.quality.to_json()["absence_workdays_outside_employment"] == 2


def test_holidays_and_weekends_are_not_workdays(tmp_path: Path) -> None:
    employments: list[Row] = [
        # Holy Week 2024, Monday 25 March to Easter Monday 1 April: only Mon–Wed are workdays.
        ("H", "0301", "1980-03-03", "2024-03-25", "2024-04-01", 50, "quit"),
        # 17 May 2025 was a Saturday: 12–18 May 2025 has five workdays.
        ("H", "0301", "1980-03-03", "2025-05-12", "2025-05-18", 100, "quit"),
    ]
    absences: list[Row] = [
        ("H", "0301", "2024-03-27", "2024-03-31", 100, "self"),  # Wed only
        ("H", "0301", "2025-05-16", "2025-05-18", 100, "self"),  # Fri only
    ]
    got = rows(write_csv(tmp_path, employments, absences))
    assert close(got["0301", 2024]["contracted_workdays"], 3 * 0.5)
    assert close(got["0301", 2024]["lost_workdays"], 1 * 0.5)
    assert close(got["0301", 2025]["contracted_workdays"], 5.0)
    assert close(got["0301", 2025]["lost_workdays"], 1.0)
    # Nobody on 1 December: no staff figures, and no ratio over an empty denominator.
    assert got["0301", 2024]["headcount"] == 0
    assert got["0301", 2024]["fte_years"] == 0.0
    assert got["0301", 2024]["avg_fte_pct"] is None
    assert got["0301", 2024]["fulltime_share"] is None
    assert got["0301", 2024]["turnover_pct"] is None
    assert got["0301", 2024]["afp_uptake_pct"] is None


def test_concurrent_employments_each_lose_the_day(tmp_path: Path) -> None:
    # Two 50 % jobs in one municipality, a 40 % spell on Tue 2 and Wed 3 Jan 2024: each day
    # counts once per employment, 2 days × 0.4 × (0.5 + 0.5).
    employments: list[Row] = [
        ("K", "4601", "1985-01-01", "2024-01-01", "2024-12-31", 50, None),
        ("K", "4601", "1985-01-01", "2024-01-01", "2024-12-31", 50, None),
    ]
    absences: list[Row] = [("K", "4601", "2024-01-02", "2024-01-03", 40, "doctor")]
    got = rows(write_csv(tmp_path, employments, absences))["4601", 2024]
    assert close(got["lost_workdays"], 2 * 0.4 * 1.0)
    assert close(got["contracted_workdays"], 252.0)
    assert got["headcount"] == 1
    assert close(got["fte_years"], 1.0)
    assert close(got["fulltime_share"], 1.0)


def test_turnover_counts_those_employed_nowhere_next_december(tmp_path: Path) -> None:
    employments: list[Row] = [
        ("P", "1103", "1980-01-01", "2022-01-01", "2023-06-30", 100, "quit"),  # gone
        ("Q", "1103", "1980-01-01", "2022-01-01", "2022-12-31", 100, "quit"),  # moves on
        ("Q", "5001", "1980-01-01", "2023-01-01", None, 100, None),
        ("R", "1103", "1980-01-01", "2022-01-01", None, 60, None),  # stays
        ("S", "1103", "1980-01-01", "2022-01-01", "2022-11-30", 100, "quit"),  # not on 1 Dec
    ]
    got = rows(write_csv(tmp_path, employments, []))
    assert got["1103", 2022]["headcount"] == 3
    assert close(got["1103", 2022]["turnover_pct"], 100 / 3)
    assert got["1103", 2023]["headcount"] == 1
    assert got["1103", 2023]["turnover_pct"] is None  # the last year of the data


def test_afp_age_on_1_january(tmp_path: Path) -> None:
    employments: list[Row] = [
        # 62 on 1 Jan 2024 (born 1 Jan 1962: the birthday counts): eligible, takes AFP.
        ("U", "3201", "1962-01-01", "2020-01-01", "2024-03-31", 100, "afp"),
        # Born 2 Jan 1962: 61 on 1 Jan 2024, not eligible, but counted when taking AFP.
        ("V", "3201", "1962-01-02", "2020-01-01", "2024-05-31", 100, "afp"),
        # Born 1 June 1957: 66 on 1 Jan 2024, eligible, stays.
        ("W", "3201", "1957-06-01", "2020-01-01", None, 100, None),
        # 67 on 1 Jan 2024: too old.
        ("X", "3201", "1956-12-31", "2020-01-01", None, 100, None),
        # 63, but starts on 2 January: not employed on 1 January.
        ("Y", "3201", "1960-05-05", "2024-01-02", None, 100, None),
    ]
    got = rows(write_csv(tmp_path, employments, []))["3201", 2024]
    assert close(got["afp_uptake_pct"], 100 * 2 / 2)  # U and V over U and W


def test_years_run_from_the_first_to_the_last_date(tmp_path: Path) -> None:
    # An ongoing employment runs to 31 December of the last year of any date in the data,
    # here 2025 from an absence spell.
    employments: list[Row] = [("Z", "0301", "1970-01-01", "2024-11-01", None, 100, None)]
    absences: list[Row] = [("Z", "0301", "2025-03-03", "2025-03-03", 100, "self")]
    result = compute_indicators(write_csv(tmp_path, employments, absences))
    got = {(r["municipality"], r["year"]): r for r in result.table.to_pylist()}
    assert sorted(got) == [("0301", 2024), ("0301", 2025)]
    # 2025: 261 weekdays − 9 weekday holidays (17 May was a Saturday).
    assert close(got["0301", 2025]["contracted_workdays"], 252.0)
    assert (result.quality.first_year, result.quality.last_year) == (2024, 2025)


def test_a_mistyped_year_too_far_back_is_an_input_error(tmp_path: Path) -> None:
    # 1024 for 2024: day numbers over 1,000 years do not fit; the error says where to look.
    employments: list[Row] = [("Z", "0301", "1970-01-01", "1024-11-01", None, 100, None)]
    absences: list[Row] = [("Z", "0301", "2025-03-03", "2025-03-03", 100, "self")]
    with pytest.raises(RegisterInputError) as caught:
        compute_indicators(write_csv(tmp_path, employments, absences))
    (problem,) = caught.value.problems
    assert (problem.table, problem.column) == ("employments", "start_date")
    assert "1024–2025" in problem.reason and "mistyped" in problem.reason


# -- invalid input -----------------------------------------------------------------------


def bad_extract(folder: Path) -> Path:
    employments: list[Row] = [
        ("A", "0301", "1960-01-01", "2023-01-01", None, 100, None),  # row 2: fine
        ("B", "9998", "1960-01-01", "2023-01-01", None, 100, None),  # row 3: unknown code
        ("C", "0301", "1960-01-01", "2023-05-01", "2023-04-30", 100, None),  # row 4: end<start
        ("D", "0301", "1960-01-01", "2023-01-01", None, 120, None),  # row 5: fte > 100
        ("", "0301", "1960-01-01", "2023-01-01", None, 50, None),  # row 6: empty id
        ("F", "0301", "1960-13-01", "2023-01-01", None, 50, "fired"),  # row 7: two problems
        ("G", "0301", "1960-01-01", "2023-01-01", None, "abc", None),  # row 8: not a number
    ]
    absences: list[Row] = [
        ("A", "0301", "2023-02-01", "2023-02-03", 100, "self"),  # row 2: fine
        ("A", "0301", "2023-02-06", "2023-02-07", 0, "doctor"),  # row 3: grade 0
        ("A", "0301", "2023-03-06", "2023-03-07", 50, "nurse"),  # row 4: certifier
        ("A", "0301", "2023-03-08", "", 50, "self"),  # row 5: end missing
    ]
    return write_csv(folder, employments, absences)


def test_invalid_rows_stop_the_run_naming_table_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(RegisterInputError) as caught:
        compute_indicators(bad_extract(tmp_path))
    found = {(p.table, p.row, p.column) for p in caught.value.problems}
    assert found == {
        ("employments", 3, "municipality"),
        ("employments", 4, "end_date"),
        ("employments", 5, "fte_pct"),
        ("employments", 6, "employee_id"),
        ("employments", 7, "birth_date"),
        ("employments", 7, "end_reason"),
        ("employments", 8, "fte_pct"),
        ("absences", 3, "grade_pct"),
        ("absences", 4, "certified_by"),
        ("absences", 5, "end_date"),
    }
    assert caught.value.total == 10
    reasons = {(p.table, p.row, p.column): p.reason for p in caught.value.problems}
    assert reasons["employments", 3, "municipality"] == "unknown municipality code: '9998'"
    assert reasons["employments", 7, "birth_date"] == "unparseable date: '1960-13-01'"
    assert reasons["employments", 8, "fte_pct"] == "unparseable number: 'abc'"
    assert isinstance(caught.value, ValueError)
    assert "employments.csv, row 3, column municipality" in str(caught.value)


def test_skip_invalid_drops_and_counts_the_rows(tmp_path: Path) -> None:
    result = compute_indicators(bad_extract(tmp_path), skip_invalid=True)
    quality = result.quality
    assert quality.rows_read == {"employments": 7, "absences": 4}
    assert quality.invalid_rows == {"employments": 6, "absences": 3}
    assert quality.invalid_by_reason["employments"] == {
        "municipality: unknown municipality code": 1,
        "end_date: end_date before start_date": 1,
        "fte_pct: out of range (0, 100]": 1,
        "employee_id: empty employee_id": 1,
        "birth_date: unparseable date": 1,
        "end_reason: unknown end_reason": 1,
        "fte_pct: unparseable number": 1,
    }
    assert quality.invalid_by_reason["absences"] == {
        "grade_pct: out of range (0, 100]": 1,
        "certified_by: unknown certified_by": 1,
        "end_date: missing value": 1,
    }
    # Only A's first employment and first spell are left: Feb 1–3 2023 is Wed–Fri.
    table = result.table.to_pylist()
    assert [(r["municipality"], r["year"]) for r in table] == [("0301", 2023)]
    assert close(table[0]["lost_workdays"], 3.0)


def test_a_missing_column_is_an_error_even_with_skip_invalid(tmp_path: Path) -> None:
    folder = write_csv(
        tmp_path,
        [("A", "0301", "1960-01-01", "2023-01-01", None, 100)],
        [],
        employment_header=(
            "employee_id",
            "municipality",
            "birth_date",
            "start_date",
            "end_date",
            "fte_pct",
        ),
        absence_header=("employee_id", "municipality", "start_date", "end_date", "grade_pct"),
    )
    # end_reason is optional (all empty); certified_by is required.
    with pytest.raises(RegisterInputError) as caught:
        compute_indicators(folder, skip_invalid=True)
    assert caught.value.problems == [
        InputProblem("absences", 1, "certified_by", "required column is missing")
    ]


def test_missing_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "employments.csv").write_text(",".join(["employee_id"]) + "\n")
    with pytest.raises(RegisterInputError, match=r"no absences\.parquet or absences\.csv"):
        compute_indicators(tmp_path)


def test_an_empty_extract_gives_an_empty_table(tmp_path: Path) -> None:
    result = compute_indicators(write_csv(tmp_path, [], []))
    assert result.table.num_rows == 0
    assert result.table.schema == OUTPUT_SCHEMA
    assert isinstance(result.table, pa.Table)


def test_a_csv_row_with_too_few_values_is_named(tmp_path: Path) -> None:
    folder = write_csv(tmp_path, HAND_EMPLOYMENTS, HAND_ABSENCES)
    with (folder / "absences.csv").open("a", encoding="utf-8") as handle:
        handle.write("A,0301,2023-01-02\n")
    with pytest.raises(RegisterInputError) as caught:
        compute_indicators(folder)
    [problem] = caught.value.problems
    assert (problem.table, problem.row, problem.column) == ("absences", 6, None)
    assert problem.reason.startswith("cannot read the CSV file: expected 6 values")
