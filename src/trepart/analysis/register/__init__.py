"""Indicators per municipality and year from an HR-register extract (employments and absences).

The input is a folder with ``employments`` and ``absences`` tables (``.parquet`` or ``.csv``);
the output has one row per municipality and year, with the columns :data:`OUTPUT_COLUMNS`.
Every definition, with its source, is in ``docs/register.md``. In short:

- ``contracted_workdays``: Σ over employments of workdays in the year × fte_pct/100.
- ``lost_workdays``: Σ over absence workdays inside an employment of the same employee in the
  same municipality of grade_pct/100 × fte_pct/100 (overlapping spells: the highest grade).
- ``sick_leave_pct`` = 100 × lost / contracted (SSB); the self/doctor variants use only those
  spells.
- ``headcount``, ``fte_years``, ``avg_fte_pct``, ``fulltime_share``: employees employed in the
  municipality on 1 December.
- ``turnover_pct`` (KS): percent of them employed nowhere in the data on 1 December next year.
- ``afp_uptake_pct``: employees whose employment ended with AFP in the year, in percent of the
  employees aged 62–66 on 1 January.

The computation is one set of Ibis expressions, run on DuckDB (default) or PySpark.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, NamedTuple

import pyarrow as pa

from trepart.analysis import municipalities
from trepart.analysis.register import _engine, _pipeline, _validate
from trepart.analysis.register._schema import TABLES

__all__ = [
    "OUTPUT_COLUMNS",
    "OUTPUT_SCHEMA",
    "InputProblem",
    "QualitySummary",
    "RegisterInputError",
    "RegisterResult",
    "compute_indicators",
    "find_inputs",
]

OUTPUT_COLUMNS: tuple[str, ...] = (
    "municipality",
    "year",
    "contracted_workdays",
    "lost_workdays",
    "sick_leave_pct",
    "sick_leave_self_pct",
    "sick_leave_doctor_pct",
    "headcount",
    "fte_years",
    "fulltime_share",
    "avg_fte_pct",
    "turnover_pct",
    "afp_uptake_pct",
)

OUTPUT_SCHEMA = pa.schema(
    [
        ("municipality", pa.string()),
        ("year", pa.int64()),
        ("contracted_workdays", pa.float64()),
        ("lost_workdays", pa.float64()),
        ("sick_leave_pct", pa.float64()),
        ("sick_leave_self_pct", pa.float64()),
        ("sick_leave_doctor_pct", pa.float64()),
        ("headcount", pa.int64()),
        ("fte_years", pa.float64()),
        ("fulltime_share", pa.float64()),
        ("avg_fte_pct", pa.float64()),
        ("turnover_pct", pa.float64()),
        ("afp_uptake_pct", pa.float64()),
    ]
)

Progress = Callable[[str, float], None]


class InputProblem(NamedTuple):
    """One schema problem: the table, the row (see :mod:`._engine`), the column and why.

    ``row`` is None for a problem with the file itself (missing, or a missing column in
    Parquet); a missing column of a CSV file is reported on row 1, the header.
    """

    table: str
    row: int | None
    column: str | None
    reason: str

    def describe(self, files: Mapping[str, str] | None = None) -> str:
        """Return ``"employments.csv, row 3, column end_date: reason"``."""
        where = (files or {}).get(self.table, self.table)
        parts = [where]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return f"{', '.join(parts)}: {self.reason}"


class RegisterInputError(ValueError):
    """The input breaks the schema: ``problems`` names each (up to 50 per table), ``total``
    counts them all, ``files`` maps each table to its file name."""

    def __init__(
        self,
        problems: list[InputProblem],
        *,
        total: int | None = None,
        files: Mapping[str, str] | None = None,
    ) -> None:
        self.problems = problems
        self.total = len(problems) if total is None else total
        self.files = dict(files or {})
        shown = "; ".join(p.describe(self.files) for p in problems[:5])
        more = self.total - min(len(problems), 5)
        suffix = f" (and {more} more)" if more > 0 else ""
        super().__init__(f"{shown}{suffix}")


@dataclass(frozen=True)
class QualitySummary:
    """What the run read and left out.

    ``rows_read`` and ``invalid_rows`` (rows dropped by ``skip_invalid``) per table;
    ``invalid_by_reason`` per table and ``"column: reason"`` (a row breaking two rules counts
    under both); ``outside_workdays``: absence workdays outside every employment of the same
    employee in the same municipality (not counted as lost), and ``outside_employees`` how many
    employees have such days.
    """

    rows_read: dict[str, int]
    invalid_rows: dict[str, int]
    invalid_by_reason: dict[str, dict[str, int]]
    outside_workdays: int
    outside_employees: int
    first_year: int | None
    last_year: int | None
    engine: str
    seconds: float = field(default=0.0, compare=False)

    def to_json(self) -> dict[str, Any]:
        """Return the summary as JSON-ready data (the CLI writes it to ``<out>.quality.json``)."""
        return {
            "engine": self.engine,
            "first_year": self.first_year,
            "last_year": self.last_year,
            "rows_read": self.rows_read,
            "invalid_rows": self.invalid_rows,
            "invalid_by_reason": self.invalid_by_reason,
            "absence_workdays_outside_employment": self.outside_workdays,
            "employees_with_absence_outside_employment": self.outside_employees,
            "seconds": round(self.seconds, 3),
        }

    def lines(self) -> list[str]:
        """Return the summary as short lines of text for people."""
        out = []
        for table in TABLES:
            read = self.rows_read.get(table, 0)
            bad = self.invalid_rows.get(table, 0)
            out.append(f"{table}: {read} rows read, {bad} invalid rows skipped")
            for reason, count in sorted(self.invalid_by_reason.get(table, {}).items()):
                out.append(f"  {reason}: {count}")
        out.append(
            f"absence workdays outside every employment: {self.outside_workdays} "
            f"({self.outside_employees} employees); not counted as lost"
        )
        return out


@dataclass(frozen=True)
class RegisterResult:
    """The indicator table (:data:`OUTPUT_COLUMNS`, sorted by municipality and year) and the
    quality summary."""

    table: pa.Table
    quality: QualitySummary

    def quality_json(self) -> str:
        """Return the quality summary as indented JSON text."""
        return json.dumps(self.quality.to_json(), indent=2, ensure_ascii=False)


def find_inputs(directory: Path) -> dict[str, Path]:
    """Return the input file of each table in ``directory`` (``.parquet`` or ``.csv``).

    Raises RegisterInputError when the folder or a table is missing, or a table is there twice.
    """
    if not directory.is_dir():
        raise RegisterInputError([InputProblem(str(directory), None, None, "no such folder")])
    found: dict[str, Path] = {}
    problems = []
    for table in TABLES:
        candidates = [
            directory / f"{table}{suffix}"
            for suffix in (".parquet", ".csv")
            if (directory / f"{table}{suffix}").is_file()
        ]
        if not candidates:
            problems.append(
                InputProblem(table, None, None, f"no {table}.parquet or {table}.csv in {directory}")
            )
        elif len(candidates) > 1:
            problems.append(
                InputProblem(
                    table, None, None, f"both {table}.parquet and {table}.csv: keep only one"
                )
            )
        else:
            found[table] = candidates[0]
    if problems:
        raise RegisterInputError(problems)
    return found


def _known_codes() -> list[str]:
    """Every municipality code in some version of Klass 131 (code 9999 "Uoppgitt" included)."""
    klass = municipalities.load()
    codes: set[str] = set()
    for valid_from, _ in klass.versions:
        codes.update(m.code for m in klass.municipalities_on(valid_from, include_unknown=True))
    return sorted(codes)


def compute_indicators(
    directory: Path,
    *,
    engine: Literal["duckdb", "spark"] = "duckdb",
    skip_invalid: bool = False,
    on_progress: Progress | None = None,
) -> RegisterResult:
    """Compute the indicators of the extract in ``directory`` on ``engine``.

    Raises RegisterInputError when a row breaks the schema (every such row is named, up to 50
    per table), unless ``skip_invalid``: then such rows are dropped and counted in the quality
    summary. A missing file or column is always an error. ``on_progress(step, fraction)`` is
    called as the work goes on (fraction from 0 to 1).
    """
    began = time.perf_counter()

    def progress(step: str, fraction: float) -> None:
        if on_progress is not None:
            on_progress(step, fraction)

    progress("Finding the input files", 0.0)
    files = find_inputs(Path(directory))
    names = {table: path.name for table, path in files.items()}
    codes = _known_codes()
    backend = _engine.connect(engine)
    try:
        progress("Reading and checking the input", 0.05)
        raw = {}
        for table, path in files.items():
            try:
                raw[table] = backend.read(path)
            except _engine.CsvShapeError as error:
                problem = InputProblem(table, error.row, None, error.reason)
                raise RegisterInputError([problem], files=names) from None
        missing = [
            InputProblem(table, 1 if files[table].suffix == ".csv" else None, column,
                         "required column is missing")
            for table in TABLES
            for column in _validate.missing_columns(table, raw[table])
        ]  # fmt: skip
        if missing:
            raise RegisterInputError(missing, files=names)
        known = backend.small({"_code": ("string", codes)})
        checked = {table: _validate.check(table, raw[table], known) for table in TABLES}
        rows_read: dict[str, int] = {}
        invalid_rows: dict[str, int] = {}
        by_reason: dict[str, dict[str, int]] = {}
        problems: list[InputProblem] = []
        total_problems = 0
        valid: dict[str, Any] = {}
        dates: list[Any] = []
        earliest: dict[str, Any] = {}
        for step, table in enumerate(TABLES):
            progress(f"Checking {names[table]}", 0.05 + 0.15 * step)
            result = checked[table]
            row = backend.rows(_validate.summarise(result))[0]
            if row["broken"]:
                row = backend.rows(_validate.count_broken(result))[0]
            else:
                row |= {f"c{i}": 0 for i in range(len(result.checks))}
            rows_read[table] = int(row["rows"])
            dates.extend(
                row[f"{end}_{name}"] for end in ("first", "last") for name in ("start", "end")
            )
            earliest[table] = row["first_start"]
            broken = [i for i in range(len(result.checks)) if int(row[f"c{i}"]) > 0]
            by_reason[table] = {
                f"{result.checks[i].column}: {result.checks[i].reason}": int(row[f"c{i}"])
                for i in broken
            }
            typed = result.typed
            if broken and not skip_invalid:
                total_problems += sum(int(row[f"c{i}"]) for i in broken)
                problems.extend(_name_problems(backend, result, broken))
            elif broken:
                kept = result.valid_rows()
                invalid_rows[table] = rows_read[table] - int(backend.scalar(kept.count()))
                typed = kept
            invalid_rows.setdefault(table, 0)
            valid[table] = typed
        if problems:
            raise RegisterInputError(problems, total=total_problems, files=names)

        span = _years(dates)
        if span is None:
            table = OUTPUT_SCHEMA.empty_table()
            outside_days, outside_people = 0, 0
            first_year = last_year = None
        else:
            first_year, last_year = span
            if not _pipeline.Days.fits(first_year, last_year):
                # Most likely a mistyped year: name the table with the earliest start.
                table = min(
                    (t for t in TABLES if _is_date(earliest.get(t))),
                    key=lambda t: earliest[t],
                )
                reason = (
                    f"the dates span {first_year}–{last_year}, more than Trepart can count "
                    f"in days ({_pipeline.Days.MAX_YEARS} years): check for mistyped years"
                )
                raise RegisterInputError(
                    [InputProblem(table, None, "start_date", reason)], files=names
                )
            progress("Computing the indicators", 0.4)
            expressions = _pipeline.build(
                valid["employments"],
                valid["absences"],
                first_year=first_year,
                last_year=last_year,
                keep=backend.keep,
                small=backend.small,
                buckets=backend.buckets,
                chunks=backend.chunks(rows_read["absences"]),
            )
            computed = backend.arrow(expressions.indicators)
            table = computed.select(list(OUTPUT_COLUMNS)).cast(OUTPUT_SCHEMA)
            progress("Counting absence days outside employments", 0.9)
            outside = backend.rows(expressions.outside)[0]
            outside_days = _int(outside["workdays"])
            outside_people = _int(outside["employees"])
    finally:
        backend.close()
    progress("Done", 1.0)
    quality = QualitySummary(
        rows_read=rows_read,
        invalid_rows=invalid_rows,
        invalid_by_reason=by_reason,
        outside_workdays=outside_days,
        outside_employees=outside_people,
        first_year=first_year,
        last_year=last_year,
        engine=engine,
        seconds=time.perf_counter() - began,
    )
    return RegisterResult(table, quality)


def _int(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number


def _name_problems(
    backend: _engine.Backend, result: _validate.Checked, broken: list[int]
) -> list[InputProblem]:
    problems = []
    for record in backend.rows(_validate.offending_rows(result, broken)):
        for index in broken:
            if not bool(record[f"b{index}"]):
                continue
            check = result.checks[index]
            reason = check.reason
            shown = record.get(f"v{index}")
            if isinstance(shown, str):
                reason = f"{reason}: {shown!r}"
            problems.append(
                InputProblem(result.table, int(record[_engine.ROW]), check.column, reason)
            )
    return problems


def _years(dates: list[Any]) -> tuple[int, int] | None:
    """The first and last year of the valid rows' start and end dates (None: no such rows)."""
    years = [value.year for value in dates if _is_date(value)]
    if not years:
        return None
    return min(years), max(years)


def _is_date(value: Any) -> bool:
    """Whether a fetched value is a date (not None: no valid row had one)."""
    return isinstance(value, date)
