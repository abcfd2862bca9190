"""Importing an HR-register extract into the indicator store: a background job with progress.

The extract (``employments`` and ``absences``, ``.parquet`` or ``.csv``; see
``docs/register.md``) arrives as one ``.zip`` or as the two files. The job

1. unpacks a zip safely (:func:`unpack_extract`): only the two tables are taken, each written
   under its own fixed name (a member's path is never used, so nothing lands outside the job's
   folder), and each may hold at most ``MAX_UPLOAD_BYTES`` unpacked — the same limit as a file
   uploaded on its own;
2. computes the indicators with :func:`trepart.analysis.register.compute_indicators`, its
   progress shown on the job's page;
3. turns the computed table into indicator values (:func:`to_parsed_file`): one value per
   municipality, year and catalogue indicator, converted to the catalogue's unit;
4. stores them with :func:`trepart.indicators.actions.do_import` (all-or-nothing), with their
   provenance: the file name, each value's row in the computed table, who ran which job, and a
   note with the data-quality summary.

Any error — a row that breaks the schema, a municipality code that cannot be placed — fails
the job with every problem named and writes nothing.

Municipality codes: values are stored under the code valid on 1 January of their year. An
extract gives each employment's code as the extract has it, so an employment that runs across
a municipal reform keeps its old code into years when that code no longer exists. Each
(code, year) of the computed table is checked (:func:`place_codes`):

- valid on 1 January of the year: stored as it is;
- not valid then, but the same municipality under another number (Klass 131 calls it
  *renumbered*: Lunner 0533 → 3054 in 2020, forwards or backwards): stored under the number
  valid on 1 January, and the translation is listed in the job's result;
- anything else — merged with other municipalities, split, or unknown that year: an error.
  The values of one part of a merged municipality are not the merged municipality's values,
  and combining parts needs every part's employees (a person employed in two parts counts
  once), which only the extract itself can give: the extract must then give each employment
  the code valid on 1 January of each year (split the employment at the reform).
"""

from __future__ import annotations

import json
import math
import shutil
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop

from trepart.analysis import municipalities
from trepart.analysis import register as pipeline
from trepart.analysis.indicator_files import (
    MAX_ERRORS,
    FileError,
    IndicatorRow,
    ParsedFile,
    validate_records,
)
from trepart.analysis.indicators import Indicator
from trepart.core import jobs
from trepart.core.models import Job
from trepart.indicators import uploads
from trepart.indicators.actions import Actor, ImportRejected, do_import
from trepart.indicators.models import ImportBatch, ImportFormat, known_indicators

#: the job kind; its result is shown by templates/indicators/register_upload_result.html
KIND = "indicators.register_upload"
#: who may import: the same permission as the indicator file upload
PERMISSION = uploads.PERMISSION
#: the extract's tables, each as ``<table>.parquet`` or ``<table>.csv``
TABLES: tuple[str, ...] = ("employments", "absences")
SUFFIXES: tuple[str, ...] = (".parquet", ".csv")
#: a zip with more entries than this is refused before anything is unpacked
MAX_ZIP_ENTRIES = 1000
#: the marker file the generator (``trepart register synth``) writes beside the tables
TRUTH_FILE = "truth.json"
SYNTH_GENERATOR = "trepart.analysis.register.synth"
#: the folder in the job's directory the extract is unpacked into
EXTRACT_FOLDER = "extract"

#: The unit of each computed column (``docs/register.md``). A column is stored as the
#: catalogue indicator of the same id, converted to the catalogue's unit by ``unit_factor``.
REGISTER_UNITS: dict[str, str] = {
    "contracted_workdays": "days",
    "lost_workdays": "days",
    "sick_leave_pct": "percent",
    "sick_leave_self_pct": "percent",
    "sick_leave_doctor_pct": "percent",
    "headcount": "persons",
    "fte_years": "fte",
    "fulltime_share": "share",
    "avg_fte_pct": "percent",
    "turnover_pct": "percent",
    "afp_uptake_pct": "percent",
}

#: the job's progress bar: unpacking, computing, checking the values, then writing them
UNPACK_END = 0.05
COMPUTE_END = 0.75
CHECK_END = 0.8

#: the pipeline's steps as the job page shows them (translated); others show as the last one
STEP_MESSAGES = {
    "Finding the input files": gettext_noop("Finding the input files"),
    "Reading and checking the input": gettext_noop("Reading and checking the input"),
    "Computing the indicators": gettext_noop("Computing the indicators"),
    "Counting absence days outside employments": gettext_noop(
        "Counting absence days outside employments"
    ),
}

Progress = Callable[[int, int | None], None]


class ExtractError(ValueError):
    """The upload cannot be used as an extract: ``file`` is the file at fault."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


# -- units ------------------------------------------------------------------------------------


def unit_factor(from_unit: str, to_unit: str) -> float:
    """The factor a value in ``from_unit`` is multiplied by to be in ``to_unit``.

    Only a share and a percentage convert (×100 or ÷100); any other pair of different units
    is a ValueError, never a silent 1.
    """
    if from_unit == to_unit:
        return 1.0
    if (from_unit, to_unit) == ("share", "percent"):
        return 100.0
    if (from_unit, to_unit) == ("percent", "share"):
        return 0.01
    raise ValueError(f"cannot convert {from_unit} to {to_unit}")


def column_factors(indicators: Mapping[str, Indicator]) -> dict[str, float]:
    """Each computed column's catalogue indicator and conversion factor, checked."""
    factors: dict[str, float] = {}
    for column, unit in REGISTER_UNITS.items():
        indicator = indicators.get(column)
        if indicator is None:
            raise ValueError(f"the catalogue has no indicator {column!r}")
        factors[column] = unit_factor(unit, indicator.unit)
    return factors


# -- unpacking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unpacked:
    """The extract's folder; where each table came from; what else was in the upload."""

    folder: Path
    #: table → the name the user knows it by (a zip member's path, or the uploaded file's name)
    sources: dict[str, str]
    ignored: list[str] = field(default_factory=list)
    #: the zip holds the generator's truth.json: the records are made up
    synthetic: bool = False


def table_of(name: str) -> str | None:
    """``employments`` or ``absences`` for such a file name (any folder, any case), else None."""
    base = PurePosixPath(name.replace("\\", "/")).name.lower()
    for table in TABLES:
        for suffix in SUFFIXES:
            if base == f"{table}{suffix}":
                return table
    return None


def unpack_extract(archive_path: Path, folder: Path, *, limit: int, name: str) -> Unpacked:
    """Take the two tables out of the zip at ``archive_path`` into ``folder``.

    Each table may be anywhere in the zip (in a folder, too) but only once; it is written as
    ``folder/<table><suffix>`` whatever its path, and at most ``limit`` bytes unpacked.
    ExtractError (naming ``name``, the zip as the user knows it) otherwise.
    """
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ExtractError(name, f"not a readable zip file ({error})") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise ExtractError(
                name, f"{len(entries)} entries: an extract zip holds the two tables only"
            )
        chosen: dict[str, zipfile.ZipInfo] = {}
        ignored: list[str] = []
        synthetic = False
        for entry in entries:
            if entry.is_dir():
                continue
            base = PurePosixPath(entry.filename.replace("\\", "/")).name
            if entry.filename.startswith("__MACOSX/") or base.startswith("._"):
                continue  # macOS's resource forks
            table = table_of(entry.filename)
            if table is None:
                if base == TRUTH_FILE:
                    synthetic = _is_synth_truth(archive, entry)
                ignored.append(entry.filename)
                continue
            if table in chosen:
                raise ExtractError(
                    name,
                    f"{table} is there twice ({chosen[table].filename} and {entry.filename}): "
                    "keep only one",
                )
            chosen[table] = entry
        missing = [table for table in TABLES if table not in chosen]
        if missing:
            raise ExtractError(
                name,
                " and ".join(f"no {t}.parquet or {t}.csv" for t in missing)
                + " in the zip (the tables may be in a folder, but must have these names)",
            )
        folder.mkdir(parents=True, exist_ok=True)
        for table, entry in chosen.items():
            if entry.flag_bits & 0x1:
                raise ExtractError(
                    name, f"{entry.filename} is encrypted: zip it without a password"
                )
            suffix = PurePosixPath(entry.filename.replace("\\", "/")).suffix.lower()
            _copy_limited(archive, entry, folder / f"{table}{suffix}", limit=limit, name=name)
    return Unpacked(
        folder,
        {table: entry.filename for table, entry in chosen.items()},
        ignored,
        synthetic,
    )


def _too_large(name: str, member: str, limit: int) -> ExtractError:
    return ExtractError(
        name, f"{member} is larger than {limit // 2**20} MB unpacked (the upload limit)"
    )


def _copy_limited(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, target: Path, *, limit: int, name: str
) -> None:
    # The declared size can lie (a zip bomb): the bytes are counted as they are unpacked.
    if entry.file_size > limit:
        raise _too_large(name, entry.filename, limit)
    copied = 0
    try:
        with archive.open(entry) as source, target.open("wb") as out:
            while chunk := source.read(1 << 20):
                copied += len(chunk)
                if copied > limit:
                    raise _too_large(name, entry.filename, limit)
                out.write(chunk)
    except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError) as error:
        raise ExtractError(name, f"{entry.filename} cannot be unpacked ({error})") from None


def _is_synth_truth(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    if entry.file_size > 1 << 20:
        return False
    try:
        truth = json.loads(archive.read(entry))
    except (ValueError, OSError, zipfile.BadZipFile, NotImplementedError):
        return False
    return isinstance(truth, dict) and truth.get("generator") == SYNTH_GENERATOR


# -- municipality codes -----------------------------------------------------------------------


@dataclass(frozen=True)
class CodeProblem:
    """A (code, year) of the computed table that cannot be stored, and why."""

    code: str
    year: int
    reason: str


@dataclass(frozen=True)
class Placement:
    """Where each (code, year) is stored; the renumberings applied; what cannot be placed."""

    codes: dict[tuple[str, int], str]
    #: (old code, new code) → the years translated
    renumbered: dict[tuple[str, str], list[int]]
    problems: list[CodeProblem]


def place_codes(pairs: Iterable[tuple[str, int]], klass: municipalities.Klass) -> Placement:
    """Decide the code each (code, year) is stored under; see the module docstring."""
    codes: dict[tuple[str, int], str] = {}
    renumbered: dict[tuple[str, str], list[int]] = defaultdict(list)
    problems: list[CodeProblem] = []
    for code, year in sorted(set(pairs)):
        day = date(year, 1, 1)
        try:
            klass.municipality(code, day)
        except municipalities.MunicipalityError:
            pass
        else:
            codes[(code, year)] = code
            continue
        placed, reason = _translate(code, day, klass)
        if placed is None:
            problems.append(CodeProblem(code, year, reason))
        else:
            codes[(code, year)] = placed
            renumbered[(code, placed)].append(year)
    # A renumbered code and its new code in the same year would be two sets of values for one
    # municipality (two parts of one staff): the extract must use one code.
    targets: dict[tuple[str, int], list[str]] = defaultdict(list)
    for (code, year), placed in codes.items():
        targets[(placed, year)].append(code)
    for (placed, year), sources in sorted(targets.items()):
        if len(sources) > 1:
            listed = " and ".join(sorted(sources))
            problems.append(
                CodeProblem(
                    sorted(sources)[0],
                    year,
                    f"codes {listed} are both municipality {placed} on {year}-01-01: "
                    "give the extract one code per municipality and year",
                )
            )
    problems.sort(key=lambda p: (p.code, p.year))
    return Placement(codes, dict(renumbered), problems)


def _translate(code: str, day: date, klass: municipalities.Klass) -> tuple[str | None, str]:
    """The code valid on ``day`` for the same municipality, or None and why not."""
    try:
        periods = klass.history(code).periods
    except municipalities.MunicipalityError as error:
        return None, f"{error} (Klass 131)"
    if not periods:
        return None, f"municipality code '{code}' is not in Klass 131"
    # The day the code was valid nearest to ``day``: a last day before it, or a first after.
    days = [
        p.valid_to - timedelta(days=1)
        if p.valid_to is not None and p.valid_to <= day
        else p.valid_from
        for p in periods
    ]
    nearest = min(days, key=lambda d: abs((d - day).days))
    name = klass.municipality(code, nearest).name
    try:
        translation = klass.translate(code, nearest, day)
    except municipalities.MunicipalityError as error:
        return None, f"'{code}' ({name}) is not valid on {day}: {error} (Klass 131)"
    targets = ", ".join(
        f"{c} {n}" for c, n in zip(translation.codes, translation.names, strict=True)
    )
    if translation.kind == "renumbered":
        return translation.codes[0], ""
    why = {
        "merged": f"it is part of {targets} then (merged with other municipalities)",
        "split": f"it is divided between {targets} then",
    }.get(translation.kind, f"it is {targets} then")
    return None, (
        f"'{code}' ({name}) is not valid on {day}: {why}; give each employment the code "
        f"valid on 1 January of each year (split employments that cross the change)"
    )


# -- the computed table as indicator values -----------------------------------------------------


@dataclass(frozen=True)
class Converted:
    parsed: ParsedFile
    placement: Placement
    #: catalogue id → how many (municipality, year) had no value (e.g. turnover in the last year)
    missing: dict[str, int]


COLUMNS = ("municipality", "indicator", "year", "quarter", "value", "source")


def to_parsed_file(
    result: pipeline.RegisterResult,
    *,
    file_name: str,
    source: str,
    codes_from: str,
    indicators: Mapping[str, Indicator],
    klass: municipalities.Klass | None = None,
) -> Converted:
    """The computed table as one validated file of indicator values.

    Row numbers are the rows of the computed table as ``trepart register indicators --out
    x.csv`` writes it (the header is row 1). Codes are placed by :func:`place_codes`; a code
    that cannot be placed is an error of ``codes_from`` (the employments file), column
    ``municipality``. The values pass the same checks as a file's (unit ranges, duplicates).
    """
    klass = klass or municipalities.load()
    factors = column_factors(indicators)
    rows = result.table.select(["municipality", "year", *REGISTER_UNITS]).to_pylist()
    placement = place_codes(((r["municipality"], int(r["year"])) for r in rows), klass)
    if placement.problems:
        errors = tuple(
            FileError(codes_from, None, "municipality", f"year {p.year}: {p.reason}")
            for p in placement.problems[:MAX_ERRORS]
        )
        more = len(placement.problems) - len(errors)
        parsed = ParsedFile(file_name, ImportFormat.REGISTER, (), errors, more)
        return Converted(parsed, placement, {})
    missing: Counter[str] = Counter()
    records: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(rows, start=2):
        year = int(row["year"])
        code = placement.codes[(row["municipality"], year)]
        for column, factor in factors.items():
            value = row[column]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                missing[column] += 1
                continue
            records.append((number, [code, column, year, None, float(value) * factor, source]))
    parsed = validate_records(
        COLUMNS,
        records,
        file_name=file_name,
        fmt=ImportFormat.REGISTER,
        indicators=indicators,
        klass=klass,
    )
    return Converted(parsed, placement, dict(missing))


# -- storing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    batch: ImportBatch
    converted: Converted


def quality_note(quality: pipeline.QualitySummary, *, skip_invalid: bool) -> str:
    """The data-quality summary as the note's text (English, like the audit log)."""
    lines = [f"Data quality ({'invalid rows skipped' if skip_invalid else 'no invalid rows'}):"]
    lines += quality.lines()
    return "\n".join(lines)


def store_result(
    actor: Actor,
    result: pipeline.RegisterResult,
    *,
    file_name: str,
    codes_from: str,
    source: str,
    note: str,
    is_synthetic: bool = False,
    progress: Progress | None = None,
) -> Stored:
    """Store a computed table's values as one import batch (all-or-nothing).

    ImportRejected (with every error) when a code cannot be placed or a value is out of range;
    then nothing is written.
    """
    converted = to_parsed_file(
        result,
        file_name=file_name,
        source=source,
        codes_from=codes_from,
        indicators=known_indicators(),
    )
    if not converted.parsed.ok:
        raise ImportRejected(converted.parsed)
    batch = do_import(
        actor,
        converted.parsed,
        file_name=file_name[:255],
        fmt=ImportFormat.REGISTER,
        note=note,
        is_synthetic=is_synthetic,
        progress=progress,
    )
    return Stored(batch, converted)


# -- the job -----------------------------------------------------------------------------------


def prepare(job: Job, options: Mapping[str, Any]) -> Unpacked:
    """The extract's folder: the zip unpacked, or the two uploaded tables moved into it."""
    folder = job.directory / EXTRACT_FOLDER
    shutil.rmtree(folder, ignore_errors=True)
    files: dict[str, str] = dict(options["files"])
    if "zip" in files:
        if job.upload is None or not job.upload.is_file():
            raise _gone(files["zip"])
        return unpack_extract(
            job.upload, folder, limit=settings.MAX_UPLOAD_BYTES, name=files["zip"]
        )
    folder.mkdir(parents=True)
    sources: dict[str, str] = {}
    for table in TABLES:
        saved = job.directory / str(options["saved"][table])
        if not saved.is_file():
            raise _gone(files[table])
        saved.replace(folder / saved.name)
        sources[table] = files[table]
    return Unpacked(folder, sources)


def _gone(name: str) -> jobs.JobFailed:
    return jobs.JobFailed(
        gettext_noop("The uploaded file is gone; upload it again."),
        [{"file": name, "row": None, "column": "", "reason": "the uploaded file is missing"}],
    )


@jobs.job_task
def import_register_extract(job: Job, options: dict[str, Any]) -> None:
    """Unpack, compute, check and store an uploaded extract; all-or-nothing."""
    name = str(options["file_name"])
    skip_invalid = bool(options.get("skip_invalid"))
    job.report(0.0, gettext_noop("Unpacking the extract"))
    try:
        extract = prepare(job, options)
    except ExtractError as error:
        raise jobs.JobFailed(
            gettext_noop("Nothing was imported: %(file)s is not a usable extract."),
            [{"file": error.file, "row": None, "column": "", "reason": error.reason}],
            file=name,
        ) from None

    def computing(step: str, fraction: float) -> None:
        message = STEP_MESSAGES.get(step)
        if message is None:
            message = (
                gettext_noop("Checking the input")
                if step.startswith("Checking")
                else gettext_noop("Computing the indicators")
            )
        job.report(UNPACK_END + (COMPUTE_END - UNPACK_END) * fraction, message)

    try:
        result = pipeline.compute_indicators(
            extract.folder, skip_invalid=skip_invalid, on_progress=computing
        )
    except pipeline.RegisterInputError as error:
        raise jobs.JobFailed(
            gettext_noop("Nothing was imported: the extract has errors (%(count)s)."),
            [_problem(problem, extract.sources) for problem in error.problems],
            error_count=error.total,
            result={"skip_invalid": skip_invalid, "row_errors": _row_errors(error)},
            count=error.total,
        ) from None
    if result.table.num_rows == 0:
        raise jobs.JobFailed(
            gettext_noop("Nothing was imported: the extract holds no employments."),
            [
                {
                    "file": extract.sources["employments"],
                    "row": None,
                    "column": "",
                    "reason": "no employment rows"
                    + (" left after skipping invalid rows" if skip_invalid else ""),
                }
            ],
        )
    job.report(COMPUTE_END, gettext_noop("Checking the computed values"))
    synthetic = bool(options.get("synthetic")) or extract.synthetic
    note = "\n".join(
        part
        for part in (
            str(options.get("note") or ""),
            f"HR-register extract {name}, imported by job {job.pk}"
            + (f" started by {job.started_by.get_username()}" if job.started_by else "")
            + (" (synthetic records)" if synthetic else ""),
            quality_note(result.quality, skip_invalid=skip_invalid),
        )
        if part
    )

    def writing(done: int, total: int | None) -> None:
        share = done / total if total else 1.0
        job.report(
            CHECK_END + (1 - CHECK_END) * share,
            gettext_noop("Stored %(done)s of %(total)s new values"),
            done=done,
            total=total or 0,
        )

    try:
        stored = store_result(
            job.started_by,
            result,
            file_name=name,
            codes_from=extract.sources["employments"],
            source=str(options.get("source") or "") or f"HR-register extract {name}",
            note=note,
            is_synthetic=synthetic,
            progress=writing,
        )
    except ImportRejected as rejected:
        parsed = rejected.parsed
        raise jobs.JobFailed(
            gettext_noop("Nothing was imported: the computed values have errors (%(count)s)."),
            [
                {"file": e.file, "row": e.row, "column": e.column, "reason": e.reason}
                for e in parsed.errors
            ],
            error_count=parsed.error_count,
            count=parsed.error_count,
        ) from None
    batch, converted = stored.batch, stored.converted
    codes = sorted({row.municipality for row in converted.parsed.rows})
    listed = uploads._municipalities(codes)
    quality = result.quality
    jobs.succeed(
        job,
        {
            "file": name,
            "sources": extract.sources,
            "ignored": extract.ignored,
            "synthetic": synthetic,
            "skip_invalid": skip_invalid,
            "rows": result.table.num_rows,
            "values": len(converted.parsed.rows),
            "batch": batch.pk,
            "created": batch.created_count,
            "superseded": batch.superseded_count,
            "unchanged": batch.unchanged_count,
            "years": _years(converted.parsed.rows),
            "municipality_count": len(codes),
            "municipalities": listed,
            "renumbered": [
                {"code": old, "new_code": new, "years": years}
                for (old, new), years in sorted(converted.placement.renumbered.items())
            ],
            "missing": dict(sorted(converted.missing.items())),
            "quality": quality.to_json(),
            "tables": [
                {
                    "table": table,
                    "file": extract.sources[table],
                    "read": quality.rows_read.get(table, 0),
                    "skipped": quality.invalid_rows.get(table, 0),
                    "reasons": sorted(quality.invalid_by_reason.get(table, {}).items())
                    if skip_invalid
                    else [],
                }
                for table in TABLES
            ],
        },
        message=gettext_noop(
            "Imported %(values)s values for %(municipalities)s municipalities from %(file)s."
        ),
        result_url=listed[0]["url"] if len(listed) == 1 else "",
        values=len(converted.parsed.rows),
        municipalities=len(codes),
        file=name,
    )


def _problem(problem: pipeline.InputProblem, sources: Mapping[str, str]) -> dict[str, Any]:
    return {
        "file": sources.get(problem.table, problem.table),
        "row": problem.row,
        "column": problem.column or "",
        "reason": problem.reason,
    }


def _row_errors(error: pipeline.RegisterInputError) -> bool:
    """Whether the errors are in rows (which skipping invalid rows would drop)."""
    return bool(error.problems) and all(
        p.row is not None and p.reason != "required column is missing" for p in error.problems
    )


def _years(rows: Sequence[IndicatorRow]) -> list[int]:
    years = [row.year for row in rows]
    return [min(years), max(years)] if years else []
