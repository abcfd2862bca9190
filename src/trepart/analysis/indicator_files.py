"""Indicator values in files: the CSV/XLSX template, read with every error named, and written back.

One row is one value: a municipality (its 4-digit code in the structure of the value's period),
an indicator id, a year, an optional quarter, the value and its source::

    municipality,municipality_name,indicator,year,quarter,value,source
    0301,Oslo,sick_leave_pct,2019,,6.8,SSB
    3054,Lunner,sick_leave_pct,2020,1,"7,4",Lunner kommune

Reading never stops at the first problem: :func:`read_file` checks every row and returns either
the validated rows or every error (up to :data:`MAX_ERRORS`, then a count of the rest), each
naming the file, the row as Excel shows it (the header is row 1), the column and the reason.
A file with any error gives no rows at all, so an import is all-or-nothing.

CSV: UTF-8 with or without a byte-order mark; the separator (``,``, ``;`` or tab) is read from
the header line. A value may use a decimal point or a Norwegian decimal comma (``6,8``);
spaces between digit groups are ignored (``1 234 567``), other thousands separators are not
accepted because ``1,234`` is one comma-decimal number in Norway.
XLSX: the first sheet, with the header in row 1 (numbers typed into the cells are taken as
they are; a code stored as the number 301 is read as ``0301``).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Literal

from trepart.analysis import municipalities
from trepart.analysis.harmonise import period_start
from trepart.analysis.indicators import CATALOGUE, Indicator

__all__ = [
    "COLUMNS",
    "MAX_ERRORS",
    "MAX_YEAR",
    "MIN_YEAR",
    "REQUIRED_COLUMNS",
    "Dialect",
    "FileError",
    "Format",
    "IndicatorRow",
    "ParsedFile",
    "Progress",
    "detect_format",
    "parse_value",
    "period_start",
    "read_csv",
    "read_file",
    "read_xlsx",
    "validate_records",
    "write_csv",
    "write_file",
    "write_template",
    "write_xlsx",
]

COLUMNS = ("municipality", "municipality_name", "indicator", "year", "quarter", "value", "source")
REQUIRED_COLUMNS = ("municipality", "indicator", "year", "value")
MIN_YEAR = 2002
MAX_YEAR = 2100
#: errors listed one by one; beyond this only their number is given
MAX_ERRORS = 200
#: how often (in rows) the progress callback is called
PROGRESS_EVERY = 2000

Format = Literal["csv", "xlsx"]
#: "standard": ``,`` and a decimal point; "excel-nb": ``;``, decimal comma and a byte-order
#: mark, which Excel set up for Norway opens straight into columns.
Dialect = Literal["standard", "excel-nb"]
#: called as ``progress(done, total)``; total is None when unknown
Progress = Callable[[int, int | None], None]

NON_NEGATIVE_UNITS = frozenset({"days", "persons", "fte", "nok", "count"})
TEMPLATE_SHEET = "Indikatorer"

_CODE = re.compile(r"[0-9]{4}")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
# Spaces Norwegians put between digit groups: space, no-break space, narrow no-break space.
_GROUP_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")


@dataclass(frozen=True)
class IndicatorRow:
    """One validated value. ``row`` is where it was in the file (header = row 1), if anywhere."""

    municipality: str
    indicator: str
    year: int
    quarter: int | None
    value: float
    source: str = ""
    row: int | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple[str, str, int, int | None]:
        """What identifies a value: no two rows of one import may share it."""
        return (self.municipality, self.indicator, self.year, self.quarter)


@dataclass(frozen=True)
class FileError:
    """One problem in a file: ``file:row:column: reason`` (row None for the file as a whole)."""

    file: str
    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        return f"{where}:{self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"


@dataclass(frozen=True)
class ParsedFile:
    """The outcome of reading a file: rows if it is all good, else errors and no rows."""

    file_name: str
    format: str
    rows: tuple[IndicatorRow, ...]
    errors: tuple[FileError, ...] = ()
    #: errors found beyond the first MAX_ERRORS, not listed
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    def error_lines(self) -> list[str]:
        """Every listed error as ``file:row:column: reason``, then how many more were left out."""
        lines = [str(error) for error in self.errors]
        if self.more_errors:
            lines.append(
                f"{self.file_name}: {self.more_errors} more errors not listed "
                f"(only the first {len(self.errors)} are shown)"
            )
        return lines


# -- reading -----------------------------------------------------------------------------------


class _Errors:
    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.listed: list[FileError] = []
        self.more = 0

    def add(self, row: int | None, column: str, reason: str) -> None:
        if len(self.listed) < MAX_ERRORS:
            self.listed.append(FileError(self.file_name, row, column, reason))
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.listed)


def detect_format(path: Path | str) -> Format:
    """``csv`` for .csv/.txt, ``xlsx`` for .xlsx; ValueError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise ValueError(
        f"{Path(path).name}: cannot tell the format from '{suffix or '(none)'}': "
        "use a .csv or .xlsx file"
    )


def read_file(
    path: Path | str,
    *,
    fmt: Format | None = None,
    indicators: Mapping[str, Indicator] | None = None,
    klass: municipalities.Klass | None = None,
    default_source: str = "",
    progress: Progress | None = None,
) -> ParsedFile:
    """Read and validate a CSV or XLSX file in the template format (see the module docstring).

    ``indicators`` are the ids accepted (default: the built-in catalogue); ``default_source``
    fills an empty ``source`` cell.
    """
    path = Path(path)
    fmt = fmt or detect_format(path)
    data = path.read_bytes()
    reader = read_csv if fmt == "csv" else read_xlsx
    return reader(
        data,
        file_name=path.name,
        indicators=indicators,
        klass=klass,
        default_source=default_source,
        progress=progress,
    )


def read_csv(
    data: bytes,
    *,
    file_name: str,
    indicators: Mapping[str, Indicator] | None = None,
    klass: municipalities.Klass | None = None,
    default_source: str = "",
    progress: Progress | None = None,
) -> ParsedFile:
    """Read a CSV file's bytes: UTF-8 (a BOM is allowed), separator sniffed from the header."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return _failed(
            file_name,
            "csv",
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02X} at position "
            f"{error.start}); in Excel save it as 'CSV UTF-8'",
        )
    lines = text.splitlines(keepends=True)
    if not lines or not lines[0].strip():
        return _failed(file_name, "csv", "the file is empty: the first row must be the header")
    separator = _sniff_separator(lines[0])
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    records = ((number, cells) for number, cells in enumerate(table, start=1) if number > 1)
    return validate_records(
        table[0],
        records,
        file_name=file_name,
        fmt="csv",
        total=len(table) - 1,
        indicators=indicators,
        klass=klass,
        default_source=default_source,
        progress=progress,
    )


def read_xlsx(
    data: bytes,
    *,
    file_name: str,
    indicators: Mapping[str, Indicator] | None = None,
    klass: municipalities.Klass | None = None,
    default_source: str = "",
    progress: Progress | None = None,
) -> ParsedFile:
    """Read the first sheet of an XLSX workbook's bytes; the header is in row 1."""
    import zipfile

    import openpyxl  # type: ignore[import-untyped]

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        return _failed(file_name, "xlsx", f"not a readable XLSX workbook ({error})")
    try:
        sheet = workbook.worksheets[0]
        rows: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return _failed(file_name, "xlsx", "the first sheet is empty: row 1 must be the header")
        total = sheet.max_row - 1 if sheet.max_row else None
        return validate_records(
            ["" if cell is None else str(cell) for cell in header],
            enumerate(rows, start=2),
            file_name=file_name,
            fmt="xlsx",
            total=total,
            indicators=indicators,
            klass=klass,
            default_source=default_source,
            progress=progress,
        )
    finally:
        workbook.close()


def _sniff_separator(header: str) -> str:
    counts = {separator: header.count(separator) for separator in (";", ",", "\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def _failed(file_name: str, fmt: str, reason: str) -> ParsedFile:
    return ParsedFile(file_name, fmt, (), (FileError(file_name, None, "", reason),))


def validate_records(
    header: Sequence[str],
    records: Iterable[tuple[int, Sequence[Any]]],
    *,
    file_name: str,
    fmt: str,
    total: int | None = None,
    indicators: Mapping[str, Indicator] | None = None,
    klass: municipalities.Klass | None = None,
    default_source: str = "",
    progress: Progress | None = None,
) -> ParsedFile:
    """Validate rows of cells under ``header``; ``records`` are ``(row number, cells)``.

    The one validator behind every reader: CSV text cells, XLSX typed cells and rows built from
    other sources (JSON-stat) all pass the same checks.
    """
    indicators = CATALOGUE if indicators is None else indicators
    klass = klass or municipalities.load()
    errors = _Errors(file_name)
    columns = _columns(header, errors)
    if errors:
        return ParsedFile(file_name, fmt, (), tuple(errors.listed), errors.more)

    checker = _RowChecker(indicators, klass, default_source)
    rows: list[IndicatorRow] = []
    seen: dict[tuple[str, str, int, int | None], int] = {}
    done = 0
    for number, cells in records:
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
        if all(_text(cell) == "" for cell in cells):
            continue  # blank lines at the end of a sheet are common and harmless
        if len(cells) > len(header) and any(_text(c) for c in cells[len(header) :]):
            errors.add(number, "", f"{len(cells)} cells but the header has {len(header)} columns")
            continue
        values = {
            name: cells[index] if index < len(cells) else None for name, index in columns.items()
        }
        row = checker.check(number, values, errors)
        if row is None:
            continue
        first = seen.setdefault(row.key, number)
        if first != number:
            errors.add(
                number,
                "municipality",
                f"duplicate of row {first}: the same municipality, indicator, year and quarter",
            )
            continue
        rows.append(row)
    if progress is not None:
        progress(done, total if total is not None else done)
    if errors:
        return ParsedFile(file_name, fmt, (), tuple(errors.listed), errors.more)
    return ParsedFile(file_name, fmt, tuple(rows))


def _columns(header: Sequence[str], errors: _Errors) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = raw.strip().lower()
        if not name:
            if index < len(header) - 1 or columns:
                errors.add(1, f"column {index + 1}", "empty column name in the header")
            continue
        if name not in COLUMNS:
            errors.add(
                1,
                raw.strip(),
                f"unknown column '{raw.strip()}'; the columns are: {', '.join(COLUMNS)}",
            )
        elif name in columns:
            errors.add(1, name, f"column '{name}' appears twice")
        else:
            columns[name] = index
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            errors.add(1, name, f"the required column '{name}' is missing")
    return columns


class _RowChecker:
    def __init__(
        self,
        indicators: Mapping[str, Indicator],
        klass: municipalities.Klass,
        default_source: str,
    ) -> None:
        self.indicators = indicators
        self.klass = klass
        self.default_source = default_source
        # (code, day) -> the error message, or None when valid: codes repeat a lot in a file.
        self._code_checks: dict[tuple[str, date], str | None] = {}

    def check(self, number: int, cells: Mapping[str, Any], errors: _Errors) -> IndicatorRow | None:
        before = len(errors.listed) + errors.more
        code = self._code(number, cells.get("municipality"), errors)
        indicator = self._indicator(number, cells.get("indicator"), errors)
        year = self._year(number, cells.get("year"), errors)
        quarter = self._quarter(number, cells.get("quarter"), errors)
        value = self._value(number, cells.get("value"), indicator, errors)
        if code is not None and year is not None and quarter != -1:
            self._code_valid(number, code, year, quarter, errors)
        if len(errors.listed) + errors.more > before:
            return None
        assert code is not None and indicator is not None and year is not None
        assert value is not None and quarter != -1
        source = _text(cells.get("source")) or self.default_source
        return IndicatorRow(code, indicator.id, year, quarter, value, source, number)

    def _code(self, number: int, cell: Any, errors: _Errors) -> str | None:
        if isinstance(cell, int) and not isinstance(cell, bool) and 0 < cell <= 9999:
            return f"{cell:04d}"  # an XLSX number cell: the leading zero was lost by the format
        text = _text(cell)
        if not text:
            errors.add(number, "municipality", "the municipality number is missing")
            return None
        if not _CODE.fullmatch(text):
            hint = ""
            if text.isdigit() and len(text) < 4:
                hint = (
                    f"; did you mean '{text.zfill(4)}'? The leading zero is part of the "
                    "code (format the column as text in Excel)"
                )
            errors.add(
                number,
                "municipality",
                f"'{text}' is not a municipality number: expected 4 digits such as '0301'{hint}",
            )
            return None
        return text

    def _code_valid(
        self, number: int, code: str, year: int, quarter: int | None, errors: _Errors
    ) -> None:
        if not MIN_YEAR <= year <= MAX_YEAR:
            return
        day = period_start(year, quarter)
        key = (code, day)
        if key not in self._code_checks:
            try:
                self.klass.municipality(code, day)
                self._code_checks[key] = None
            except municipalities.MunicipalityError as error:
                self._code_checks[key] = f"{error} (Klass 131)"
        message = self._code_checks[key]
        if message is not None:
            errors.add(number, "municipality", message)

    def _indicator(self, number: int, cell: Any, errors: _Errors) -> Indicator | None:
        text = _text(cell)
        if not text:
            errors.add(number, "indicator", "the indicator id is missing")
            return None
        found = self.indicators.get(text)
        if found is None:
            errors.add(
                number,
                "indicator",
                f"unknown indicator '{text}' (see `trepart indicators list` for the ids)",
            )
        return found

    def _year(self, number: int, cell: Any, errors: _Errors) -> int | None:
        year = _integer(cell)
        if year is None:
            errors.add(number, "year", f"'{_text(cell)}' is not a year such as 2019")
            return None
        if not MIN_YEAR <= year <= MAX_YEAR:
            errors.add(number, "year", f"year {year} is outside {MIN_YEAR}–{MAX_YEAR}")
            return None
        return year

    def _quarter(self, number: int, cell: Any, errors: _Errors) -> int | None:
        """The quarter, None for an annual value, or -1 after reporting an error."""
        if _text(cell) == "":
            return None
        quarter = _integer(cell)
        if quarter is None or not 1 <= quarter <= 4:
            errors.add(
                number,
                "quarter",
                f"quarter must be empty (a whole year) or 1–4, not '{_text(cell)}'",
            )
            return -1
        return quarter

    def _value(
        self, number: int, cell: Any, indicator: Indicator | None, errors: _Errors
    ) -> float | None:
        if isinstance(cell, bool):
            errors.add(number, "value", f"'{cell}' is not a number")
            return None
        if isinstance(cell, int | float):
            value: float | None = float(cell)
        else:
            text = _text(cell)
            if not text:
                errors.add(number, "value", "the value is missing (leave out rows without one)")
                return None
            try:
                value = parse_value(text)
            except ValueError as error:
                errors.add(number, "value", str(error))
                return None
        assert value is not None
        if not math.isfinite(value):
            errors.add(number, "value", f"'{_text(cell)}' is not a finite number")
            return None
        if indicator is not None:
            problem = _out_of_range(indicator, value)
            if problem:
                errors.add(number, "value", problem)
                return None
        return value


def parse_value(text: str) -> float:
    """A number written with a decimal point or a Norwegian decimal comma.

    Spaces between digit groups and a typographic minus (−) are accepted; ValueError otherwise.
    """
    cleaned = text.strip().translate(_GROUP_SPACES).replace("\u2212", "-")
    if "," in cleaned:
        if "." in cleaned or cleaned.count(",") > 1:
            raise ValueError(
                f"'{text}' mixes separators: write a decimal comma or point, "
                "with no thousands separator other than spaces"
            )
        cleaned = cleaned.replace(",", ".")
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(f"'{text}' is not a number")
    return float(cleaned)


def _out_of_range(indicator: Indicator, value: float) -> str | None:
    if indicator.unit == "percent":
        top = 100.0 if indicator.maximum is None else indicator.maximum
        if not 0 <= value <= top:
            return f"{value:g} is outside 0–{top:g} for {indicator.id} (a percentage)"
    if indicator.unit == "share" and not 0 <= value <= 1:
        return f"{value:g} is outside 0–1 for {indicator.id} (a share, not a percentage)"
    if indicator.unit in NON_NEGATIVE_UNITS and value < 0:
        return f"{value:g} is negative; {indicator.id} ({indicator.unit}) cannot be negative"
    return None


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return str(cell).strip()


def _integer(cell: Any) -> int | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else None
    text = _text(cell)
    return int(text) if _INTEGER.fullmatch(text) else None


# -- writing -----------------------------------------------------------------------------------


def _name(klass: municipalities.Klass, row: IndicatorRow, on: date | None) -> str:
    try:
        day = on or period_start(row.year, row.quarter)
        return klass.municipality(row.municipality, day).name
    except municipalities.MunicipalityError:
        return ""


def _format_value(value: float, decimal: str) -> str:
    # repr is the shortest text that reads back as the same float: the round trip is exact.
    text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return text.replace(".", decimal)


def _cells(row: IndicatorRow, name: str, decimal: str) -> list[str]:
    return [
        row.municipality,
        name,
        row.indicator,
        str(row.year),
        "" if row.quarter is None else str(row.quarter),
        _format_value(row.value, decimal),
        row.source,
    ]


def write_csv(
    rows: Iterable[IndicatorRow],
    target: IO[str],
    *,
    dialect: Dialect = "standard",
    klass: municipalities.Klass | None = None,
    name_date: date | None = None,
) -> int:
    """Write rows in the template format to a text stream; returns the number of rows.

    ``municipality_name`` is the code's name on ``name_date`` (default: the start of the row's
    period, the structure its code belongs to). Open the stream with ``newline=""``.
    """
    klass = klass or municipalities.load()
    separator, decimal = (";", ",") if dialect == "excel-nb" else (",", ".")
    if dialect == "excel-nb":
        target.write("\ufeff")
    writer = csv.writer(target, delimiter=separator, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(_cells(row, _name(klass, row, name_date), decimal))
        count += 1
    return count


def write_xlsx(
    rows: Iterable[IndicatorRow],
    target: Path | IO[bytes],
    *,
    klass: municipalities.Klass | None = None,
    indicators: Mapping[str, Indicator] | None = None,
    name_date: date | None = None,
) -> int:
    """Write rows to the first sheet of a new workbook (with the indicator list as a second
    sheet when ``indicators`` is given); returns the number of rows."""
    import openpyxl

    klass = klass or municipalities.load()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Verdier"
    sheet.append(list(COLUMNS))
    count = 0
    for row in rows:
        sheet.append(
            [
                row.municipality,
                _name(klass, row, name_date),
                row.indicator,
                row.year,
                row.quarter,
                row.value,
                row.source,
            ]
        )
        count += 1
    # Text format keeps the leading zero of codes the user types in later.
    for cell in sheet["A"]:
        cell.number_format = "@"
    sheet.column_dimensions["A"].number_format = "@"
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFG", (14, 22, 26, 8, 9, 14, 30), strict=True):
        sheet.column_dimensions[column].width = width
    if indicators is not None:
        _indicator_sheet(workbook, indicators)
    workbook.save(target)
    return count


def _indicator_sheet(workbook: Any, indicators: Mapping[str, Indicator]) -> None:
    sheet = workbook.create_sheet(TEMPLATE_SHEET)
    sheet.append(
        [
            "indicator",
            "unit",
            "aggregation",
            "weight",
            "lower_is_better",
            "name_nb",
            "name_en",
            "definition",
            "source",
        ]
    )
    for indicator in indicators.values():
        sheet.append(
            [
                indicator.id,
                indicator.unit,
                indicator.aggregation,
                indicator.weight or "",
                "yes" if indicator.lower_is_better else "no",
                indicator.name_nb,
                indicator.name_en,
                indicator.definition,
                indicator.source,
            ]
        )
    sheet.freeze_panes = "B2"
    for column, width in zip("ABCDEFGHI", (28, 10, 15, 22, 8, 40, 40, 80, 40), strict=True):
        sheet.column_dimensions[column].width = width


def write_file(
    path: Path | str,
    rows: Iterable[IndicatorRow],
    *,
    fmt: Format | None = None,
    dialect: Dialect = "standard",
    klass: municipalities.Klass | None = None,
    name_date: date | None = None,
) -> int:
    """Write rows to ``path`` as CSV or XLSX (by its extension unless ``fmt``)."""
    path = Path(path)
    fmt = fmt or detect_format(path)
    if fmt == "xlsx":
        return write_xlsx(rows, path, klass=klass, name_date=name_date)
    with path.open("w", encoding="utf-8", newline="") as stream:
        return write_csv(rows, stream, dialect=dialect, klass=klass, name_date=name_date)


TEMPLATE_ROWS = (
    IndicatorRow("0301", "sick_leave_pct", 2019, None, 6.8, "eksempel"),
    IndicatorRow("3054", "contracted_workdays", 2020, 1, 61234.5, "eksempel"),
)


def write_template(
    path: Path | str,
    *,
    fmt: Format | None = None,
    dialect: Dialect = "standard",
    indicators: Mapping[str, Indicator] | None = None,
) -> None:
    """Write the import template: the header and two example rows (replace them with yours).

    An XLSX template has a second sheet, "Indikatorer", listing every indicator id with its
    unit, names and definition.
    """
    path = Path(path)
    fmt = fmt or detect_format(path)
    if fmt == "xlsx":
        write_xlsx(TEMPLATE_ROWS, path, indicators=CATALOGUE if indicators is None else indicators)
    else:
        write_file(path, TEMPLATE_ROWS, fmt="csv", dialect=dialect)
