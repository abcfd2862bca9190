"""Small hand-written HR-register extracts for the pipeline tests (CSV or Parquet)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

EMPLOYMENT_HEADER = (
    "employee_id",
    "municipality",
    "birth_date",
    "start_date",
    "end_date",
    "fte_pct",
    "end_reason",
)
ABSENCE_HEADER = (
    "employee_id",
    "municipality",
    "start_date",
    "end_date",
    "grade_pct",
    "certified_by",
)

Row = Sequence[object]


def write_csv(
    folder: Path,
    employments: Sequence[Row],
    absences: Sequence[Row],
    *,
    employment_header: Sequence[str] = EMPLOYMENT_HEADER,
    absence_header: Sequence[str] = ABSENCE_HEADER,
) -> Path:
    """Write ``employments.csv`` and ``absences.csv`` (None and "" are empty cells)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, header, rows in (
        ("employments", employment_header, employments),
        ("absences", absence_header, absences),
    ):
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow(["" if value is None else value for value in row])
    return folder


def _date(value: object) -> date | None:
    if value in (None, ""):
        return None
    return date.fromisoformat(str(value))


def write_parquet(folder: Path, employments: Sequence[Row], absences: Sequence[Row]) -> Path:
    """Write the same rows as Parquet in the generator's schema (dates as date32)."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = list(zip(*employments, strict=True)) if employments else [()] * 7
    pq.write_table(
        pa.table(
            {
                "employee_id": pa.array(columns[0], type=pa.string()),
                "municipality": pa.array(columns[1], type=pa.string()),
                "birth_date": pa.array([_date(v) for v in columns[2]], type=pa.date32()),
                "start_date": pa.array([_date(v) for v in columns[3]], type=pa.date32()),
                "end_date": pa.array([_date(v) for v in columns[4]], type=pa.date32()),
                "fte_pct": pa.array([float(str(v)) for v in columns[5]], type=pa.float64()),
                "end_reason": pa.array(
                    [None if v in (None, "") else v for v in columns[6]], type=pa.string()
                ),
            }
        ),
        folder / "employments.parquet",
    )
    columns = list(zip(*absences, strict=True)) if absences else [()] * 6
    pq.write_table(
        pa.table(
            {
                "employee_id": pa.array(columns[0], type=pa.string()),
                "municipality": pa.array(columns[1], type=pa.string()),
                "start_date": pa.array([_date(v) for v in columns[2]], type=pa.date32()),
                "end_date": pa.array([_date(v) for v in columns[3]], type=pa.date32()),
                "grade_pct": pa.array([float(str(v)) for v in columns[4]], type=pa.float64()),
                "certified_by": pa.array(columns[5], type=pa.string()),
            }
        ),
        folder / "absences.parquet",
    )
    return folder


# A small extract whose every value is worked out by hand in test_pipeline.py.
# 2023: 251 workdays (260 weekdays − 9 weekday holidays; 1 Jan was a Sunday).
# 2024: 252 workdays (262 weekdays − 10 weekday holidays).
HAND_EMPLOYMENTS: list[Row] = [
    # A: full time in Oslo until AFP at 64, then back at 50 % (several employments in a row,
    # a change of fte_pct).
    ("A", "0301", "1960-01-01", "2023-01-01", "2024-06-30", 100, "afp"),
    ("A", "0301", "1960-01-01", "2024-07-01", None, 50, None),
    # B: 80 % in Oslo in 2023 (from 1 March), then full time in Kristiansand (4204).
    ("B", "0301", "1990-05-05", "2023-03-01", "2023-12-31", 80, "quit"),
    ("B", "4204", "1990-05-05", "2024-01-01", None, 100, None),
    # C: two employments at the same time in Kristiansand, 60 % (2023) and 40 % (ongoing).
    ("C", "4204", "1958-06-01", "2023-01-01", "2023-12-31", 60, None),
    ("C", "4204", "1958-06-01", "2023-06-01", None, 40, None),
]
HAND_ABSENCES: list[Row] = [
    # A: overlapping spells, 2–6 Jan self 100 % and 4–10 Jan doctor 50 %.
    ("A", "0301", "2023-01-02", "2023-01-06", 100, "self"),
    ("A", "0301", "2023-01-04", "2023-01-10", 50, "doctor"),
    # C: a spell across the new year and across the end of the 60 % employment.
    ("C", "4204", "2023-12-28", "2024-01-05", 100, "doctor"),
    # B: two days in Oslo in 2024, when B was employed in Kristiansand only: outside.
    ("B", "0301", "2024-02-01", "2024-02-02", 100, "self"),
]
