"""`trepart register indicators DIR --out FILE`: the real command, in a subprocess."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.analysis.register.extracts import HAND_ABSENCES, HAND_EMPLOYMENTS, Row, write_csv
from tests.helpers import run_trepart
from trepart.analysis.register import OUTPUT_COLUMNS


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "extract", HAND_EMPLOYMENTS, HAND_ABSENCES)


def test_writes_csv_and_the_quality_summary(extract: Path, tmp_path: Path) -> None:
    out = tmp_path / "indicators.csv"
    result = run_trepart("register", "indicators", str(extract), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Wrote 4 rows" in result.stdout
    assert "absence workdays outside every employment: 2 (1 employees)" in result.stdout
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == OUTPUT_COLUMNS
    assert [(r["municipality"], r["year"]) for r in rows] == [
        ("0301", "2023"),
        ("0301", "2024"),
        ("4204", "2023"),
        ("4204", "2024"),
    ]
    assert float(rows[0]["lost_workdays"]) == 6.0
    assert rows[1]["turnover_pct"] == ""  # null: the last year of the data
    quality = json.loads((tmp_path / "indicators.csv.quality.json").read_text())
    assert quality["rows_read"] == {"employments": 6, "absences": 4}
    assert quality["absence_workdays_outside_employment"] == 2
    assert quality["employees_with_absence_outside_employment"] == 1


def test_writes_parquet(extract: Path, tmp_path: Path) -> None:
    out = tmp_path / "indicators.parquet"
    result = run_trepart("register", "indicators", str(extract), "--out", str(out))
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    assert tuple(table.column_names) == OUTPUT_COLUMNS
    assert table.num_rows == 4
    assert table.column("headcount").to_pylist() == [2, 1, 1, 2]


def test_an_invalid_row_names_file_row_and_column_and_writes_nothing(tmp_path: Path) -> None:
    employments: list[Row] = [
        *HAND_EMPLOYMENTS,
        ("E", "0301", "1980-01-01", "2023-05-01", "2023-04-01", 100, None),  # row 8
    ]
    extract = write_csv(tmp_path / "extract", employments, HAND_ABSENCES)
    out = tmp_path / "indicators.csv"
    result = run_trepart("register", "indicators", str(extract), "--out", str(out))
    assert result.returncode == 2
    assert (
        "Error: employments.csv, row 8, column end_date: end_date before start_date: "
        "'2023-04-01'" in result.stderr
    )
    assert "--skip-invalid" in result.stderr
    assert not out.exists()
    assert not (tmp_path / "indicators.csv.quality.json").exists()

    skipped = run_trepart(
        "register", "indicators", str(extract), "--out", str(out), "--skip-invalid"
    )
    assert skipped.returncode == 0, skipped.stderr
    assert "employments: 7 rows read, 1 invalid rows skipped" in skipped.stdout
    assert "end_date: end_date before start_date: 1" in skipped.stdout
    quality = json.loads((tmp_path / "indicators.csv.quality.json").read_text())
    assert quality["invalid_rows"] == {"employments": 1, "absences": 0}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.xlsx"], "must end in .parquet or .csv"),
        (["--out", "x.csv", "--engine", "polars"], "unknown engine 'polars'"),
    ],
)
def test_bad_options(extract: Path, tmp_path: Path, args: list[str], message: str) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    result = run_trepart("register", "indicators", str(extract), *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_a_folder_without_the_tables(tmp_path: Path) -> None:
    result = run_trepart(
        "register", "indicators", str(tmp_path), "--out", str(tmp_path / "out.csv")
    )
    assert result.returncode == 2
    assert "Error: employments: no employments.parquet or employments.csv in" in result.stderr
