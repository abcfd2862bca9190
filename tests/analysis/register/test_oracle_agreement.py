"""The DuckDB register pipeline equals the independent pandas oracle.

On generated extracts (a few seeds and sizes) and on a hand-made extract full of edge cases,
``compute_indicators`` must give the oracle's table: the same rows, integers exactly, floats to
1e-9 (relative), nulls in the same places. The hand-made extract's key values were worked out
by hand below, so the oracle itself is checked too.
"""

from __future__ import annotations

import csv
import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tests.analysis.register import oracle
from trepart.analysis.demo_panel import Participant
from trepart.analysis.register import OUTPUT_COLUMNS, compute_indicators, synth

INTEGERS = ("year", "headcount")


def assert_same_table(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same rows and columns; integers exactly, floats to 1e-9, nulls identical."""
    assert list(got.columns) == list(expected.columns) == list(OUTPUT_COLUMNS)
    found = oracle.differences(got, expected)
    assert not found, "\n".join(found)


def pipeline(directory: Path) -> pd.DataFrame:
    frame: pd.DataFrame = compute_indicators(directory).table.to_pandas()
    return frame


@pytest.mark.parametrize(
    ("employees", "first", "last", "seed", "fmt"),
    [
        (300, 2006, 2008, 1, "parquet"),
        (1_200, 2008, 2012, 2, "parquet"),
        (2_000, 2019, 2022, 3, "parquet"),
        (600, 2023, 2024, 4, "csv"),
    ],
)
def test_pipeline_equals_oracle_on_generated_extracts(
    tmp_path: Path, employees: int, first: int, last: int, seed: int, fmt: synth.Format
) -> None:
    participants = [Participant("0301", date(first, 5, 1)), Participant("0219", date(2007, 1, 1))]
    participants = [p for p in participants if p.joined.year < 2020 or p.code == "0301"]
    extract = synth.generate(employees, first, last, seed=seed, participants=participants)
    synth.write(extract, tmp_path, fmt)
    assert_same_table(pipeline(tmp_path), oracle.oracle_indicators(tmp_path))


# -- a hand-made extract of edge cases (CSV) ------------------------------------------------

EMPLOYMENTS: list[tuple[str, ...]] = [
    # A: two jobs in Oslo at once from 2024 (50 % and 30 %), both ongoing.
    ("A", "0301", "1980-05-05", "2023-01-01", "", "50", ""),
    ("A", "0301", "1980-05-05", "2024-01-01", "", "30", ""),
    # B: leaves Oslo at the end of 2023, starts in Bergen in February 2024 (not turnover).
    ("B", "0301", "1990-01-01", "2023-01-01", "2023-12-31", "100", "quit"),
    ("B", "4601", "1990-01-01", "2024-02-01", "", "80", ""),
    # C: 62 on 1 January 2023 (birthday that day), AFP in June.
    ("C", "0301", "1961-01-01", "2022-12-01", "2023-06-30", "60", "afp"),
    # D: 66 on 1 January 2023, retires on 1 December (still counted that day).
    ("D", "0301", "1956-01-02", "2022-12-01", "2023-12-01", "100", "retirement"),
    # E: 67 on 1 January 2023 (not in the denominator), yet takes AFP: counted above it.
    ("E", "0301", "1955-12-31", "2022-12-01", "2023-03-31", "100", "afp"),
    # F: born on 29 February; 40 % + 60 % in Bergen: full-time by the sum.
    ("F", "4601", "1964-02-29", "2023-01-01", "", "40", ""),
    ("F", "4601", "1964-02-29", "2023-06-01", "", "60", ""),
    # G: Stavanger March–October 2023 only: nobody there on 1 December.
    ("G", "1103", "1985-07-07", "2023-03-01", "2023-10-31", "100", "other"),
]
ABSENCES: list[tuple[str, ...]] = [
    # A: doctor 50 % over Easter 2024, a self-certified 100 % spell inside it.
    ("A", "0301", "2024-03-25", "2024-04-05", "50", "doctor"),
    ("A", "0301", "2024-03-26", "2024-03-27", "100", "self"),
    # A has no job in Bergen: outside every employment.
    ("A", "4601", "2024-05-06", "2024-05-08", "100", "self"),
    # B: over New Year; only 2023's days lie in the Oslo job.
    ("B", "0301", "2023-12-28", "2024-01-05", "100", "doctor"),
    # C: begins before the job does.
    ("C", "0301", "2022-11-20", "2022-12-05", "100", "doctor"),
    # D: the same spell twice (counts once), over 17 May.
    ("D", "0301", "2023-05-15", "2023-05-19", "100", "self"),
    ("D", "0301", "2023-05-15", "2023-05-19", "100", "self"),
    # F: counts for both Bergen jobs.
    ("F", "4601", "2023-06-01", "2023-06-02", "100", "self"),
    # The earliest date of the data (2021), with no employment in 2021: no 2021 rows.
    ("G", "1103", "2021-12-30", "2021-12-31", "100", "doctor"),
]


def _write_csv(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def edge_cases(tmp_path: Path) -> Path:
    _write_csv(tmp_path / "employments.csv", tuple(synth.EMPLOYMENT_SCHEMA.names), EMPLOYMENTS)
    _write_csv(tmp_path / "absences.csv", tuple(synth.ABSENCE_SCHEMA.names), ABSENCES)
    return tmp_path


def test_oracle_gets_the_edge_cases_right_by_hand(edge_cases: Path) -> None:
    rows = oracle.oracle_indicators(edge_cases).to_dict("records")
    table = {(str(row["municipality"]), int(row["year"])): row for row in rows}
    assert len(oracle.workdays(2024, 2024)) == 252  # 262 weekdays, 10 holidays on weekdays
    assert min(year for _code, year in table) == 2022
    oslo_2024 = table[("0301", 2024)]
    # 25 Mar ½ + 26–27 Mar 1 + 2–5 Apr ½ (28 Mar–1 Apr are holidays), for 50 % + 30 %.
    assert oslo_2024["lost_workdays"] == pytest.approx(4.5 * 0.8)
    assert oslo_2024["contracted_workdays"] == pytest.approx(252 * 0.8)
    assert oslo_2024["sick_leave_self_pct"] == pytest.approx(100 * 2 * 0.8 / (252 * 0.8))
    assert math.isnan(oslo_2024["turnover_pct"])  # the last year
    oslo_2023 = table[("0301", 2023)]
    assert oslo_2023["afp_uptake_pct"] == pytest.approx(100.0)  # C and E over C and D
    assert oslo_2023["headcount"] == 3  # A, B and D (ends on 1 December)
    assert oslo_2023["turnover_pct"] == pytest.approx(100 / 3)  # D; B moved to Bergen
    bergen_2023 = table[("4601", 2023)]
    assert bergen_2023["fulltime_share"] == 1.0 and bergen_2023["avg_fte_pct"] == 100.0
    assert bergen_2023["lost_workdays"] == pytest.approx(2.0)
    stavanger = table[("1103", 2023)]
    assert stavanger["headcount"] == 0
    assert math.isnan(stavanger["fulltime_share"]) and math.isnan(stavanger["turnover_pct"])
    assert ("1103", 2022) not in table and ("1103", 2021) not in table


def test_pipeline_equals_oracle_on_edge_cases(edge_cases: Path) -> None:
    assert_same_table(pipeline(edge_cases), oracle.oracle_indicators(edge_cases))
