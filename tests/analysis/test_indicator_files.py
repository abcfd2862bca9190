"""The CSV/XLSX template: every error named by file, row, column; round trips; the template."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from trepart.analysis import indicator_files as files
from trepart.analysis.indicator_files import IndicatorRow, read_csv, read_file

DATA = Path(__file__).parent.parent / "data" / "indicators"

GOOD_ROWS = [
    IndicatorRow("0301", "sick_leave_pct", 2019, None, 6.8, "SSB"),
    IndicatorRow("0301", "contracted_workdays", 2019, None, 9_500_000.0, "SSB"),
    IndicatorRow("0533", "sick_leave_pct", 2019, None, 7.25, "SSB"),
    IndicatorRow("3054", "sick_leave_pct", 2020, 1, 8.1, "Lunner kommune"),
    IndicatorRow("3054", "fulltime_share", 2020, None, 0.42, ""),
    IndicatorRow("1001", "operating_expenses_nok", 2019, None, 7_150_000_000.0, "SSB tabell 12362"),
]


def _csv(text: str, name: str = "test.csv") -> files.ParsedFile:
    return read_csv(text.encode(), file_name=name)


@pytest.mark.parametrize(
    "name",
    [
        "good.csv",  # ',' and decimal points
        "excel_nb.csv",  # BOM, ';', decimal commas, spaces between digit groups, CRLF
    ],
)
def test_good_files_give_every_row(name: str) -> None:
    parsed = read_file(DATA / name)
    assert parsed.ok, parsed.error_lines()
    assert list(parsed.rows) == GOOD_ROWS
    assert [row.row for row in parsed.rows] == [2, 3, 4, 5, 6, 7]


def test_a_bom_and_a_quoted_decimal_comma_in_a_comma_separated_file() -> None:
    parsed = read_file(DATA / "bom_comma.csv")
    assert parsed.rows == (IndicatorRow("0301", "sick_leave_pct", 2019, None, 6.8),)


def test_a_wrong_column_is_named_in_the_header_row() -> None:
    parsed = read_file(DATA / "wrong_column.csv")
    assert parsed.rows == ()
    assert [str(e) for e in parsed.errors] == [
        "wrong_column.csv:1:kommune: unknown column 'kommune'; the columns are: municipality, "
        "municipality_name, indicator, year, quarter, value, source",
        "wrong_column.csv:1:municipality: the required column 'municipality' is missing",
    ]


# Each broken row of many_errors.csv: (row as Excel shows it, column, part of the reason).
EXPECTED_ERRORS = [
    (2, "municipality", "did you mean '0301'"),
    (3, "year", "year 1999 is outside 2002–2100"),
    (4, "quarter", "1–4, not '5'"),
    (5, "value", "'abc' is not a number"),
    (6, "value", "120 is outside 0–100 for sick_leave_pct"),
    (7, "value", "42 is outside 0–1 for fulltime_share"),
    (8, "value", "-5 is negative"),
    (9, "indicator", "unknown indicator 'no_such_indicator'"),
    (10, "municipality", "'3054' is not valid on 2019-01-01"),
    (12, "municipality", "duplicate of row 11"),
    (13, "value", "mixes separators"),
]


def test_every_error_of_a_file_is_reported_and_no_row_is_returned() -> None:
    parsed = read_file(DATA / "many_errors.csv")
    assert parsed.rows == ()
    found = [(e.file, e.row, e.column) for e in parsed.errors]
    assert found == [("many_errors.csv", row, column) for row, column, _ in EXPECTED_ERRORS]
    for error, (_row, _column, reason) in zip(parsed.errors, EXPECTED_ERRORS, strict=True):
        assert reason in error.reason


def test_one_bad_row_among_good_ones_rejects_the_whole_file() -> None:
    parsed = read_file(DATA / "one_bad_row.csv")
    assert parsed.rows == ()
    assert [(e.row, e.column) for e in parsed.errors] == [(4, "municipality")]
    assert "0533" in parsed.errors[0].reason and "3054" in parsed.errors[0].reason


def test_errors_are_capped_and_the_rest_counted() -> None:
    lines = ["municipality,indicator,year,value"] + [
        f"0301,sick_leave_pct,{2002 + i % 50},x" for i in range(250)
    ]
    parsed = _csv("\n".join(lines))
    assert len(parsed.errors) == files.MAX_ERRORS
    assert parsed.more_errors == 50 and parsed.error_count == 250
    assert (
        parsed.error_lines()[-1]
        == "test.csv: 50 more errors not listed (only the first 200 are shown)"
    )


@pytest.mark.parametrize(
    "text,expected",
    [
        ("6.8", 6.8),
        ("6,8", 6.8),
        ("-0,5", -0.5),
        ("\u22120,5", -0.5),  # the typographic minus
        ("1 234 567,5", 1234567.5),
        ("1\u00a0234", 1234.0),  # no-break space between digit groups
        (".5", 0.5),
        ("1e3", 1000.0),
    ],
)
def test_numbers_with_a_decimal_point_or_comma(text: str, expected: float) -> None:
    assert files.parse_value(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,2,3", "1.234,5", "1,234.5", "", "nan", "inf", "1-2"])
def test_what_is_not_a_number(text: str) -> None:
    with pytest.raises(ValueError):
        files.parse_value(text)


@pytest.mark.parametrize(
    "header,separator",
    [
        ("municipality,indicator,year,value", ","),
        ("municipality;indicator;year;value", ";"),
        ("municipality\tindicator\tyear\tvalue", "\t"),
    ],
)
def test_the_separator_is_read_from_the_header(header: str, separator: str) -> None:
    row = separator.join(["0301", "sick_leave_pct", "2019", "6.8"])
    parsed = _csv(f"{header}\n{row}\n")
    assert parsed.rows == (IndicatorRow("0301", "sick_leave_pct", 2019, None, 6.8),)


@pytest.mark.parametrize(
    "text,reason",
    [
        ("", "the file is empty"),
        ("municipality,indicator,year\n", "the required column 'value' is missing"),
        ("municipality,indicator,year,value,value\n", "column 'value' appears twice"),
    ],
)
def test_broken_headers(text: str, reason: str) -> None:
    parsed = _csv(text)
    assert not parsed.ok
    assert any(reason in e.reason for e in parsed.errors)


def test_a_file_that_is_not_utf8_is_refused_with_advice() -> None:
    data = "municipality,indicator,year,value\n0301,sick_leave_pct,2019,6.8 Bærum\n".encode(
        "cp1252"
    )
    parsed = read_csv(data, file_name="ansi.csv")
    assert not parsed.ok
    assert "not UTF-8" in parsed.errors[0].reason and "CSV UTF-8" in parsed.errors[0].reason


def test_blank_lines_are_ignored_and_quarters_use_their_own_structure() -> None:
    # Quarterly values use the structure of the quarter's first day.
    text = "municipality,indicator,year,quarter,value\n3054,sick_leave_pct,2020,4,7\n\n,,,,\n"
    parsed = _csv(text)
    assert parsed.rows == (IndicatorRow("3054", "sick_leave_pct", 2020, 4, 7.0),)


def test_the_default_source_fills_empty_source_cells() -> None:
    text = "municipality,indicator,year,value,source\n0301,headcount,2019,50000,\n"
    parsed = read_csv(text.encode(), file_name="x.csv", default_source="PAI 2019")
    assert parsed.rows[0].source == "PAI 2019"


def test_progress_is_reported_while_reading() -> None:
    lines = ["municipality,indicator,year,value"] + [
        f"0301,headcount,{2002 + i % 90},{i}" for i in range(90)
    ] * 1
    calls: list[tuple[int, int | None]] = []
    read_csv(
        "\n".join(lines).encode(), file_name="x.csv", progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1] == (90, 90)


# -- XLSX -----------------------------------------------------------------------------------


def _workbook(rows: list[list[object]], path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_with_typed_cells(tmp_path: Path) -> None:
    path = _workbook(
        [
            ["municipality", "indicator", "year", "quarter", "value", "source"],
            ["0301", "sick_leave_pct", 2019, None, 6.8, "SSB"],
            [301, "headcount", 2019, None, 50000, None],  # a code Excel stored as a number
            ["3054", "sick_leave_pct", 2020, 2, "7,5", "Lunner"],  # text with decimal comma
        ],
        tmp_path / "values.xlsx",
    )
    parsed = read_file(path)
    assert parsed.ok, parsed.error_lines()
    assert list(parsed.rows) == [
        IndicatorRow("0301", "sick_leave_pct", 2019, None, 6.8, "SSB"),
        IndicatorRow("0301", "headcount", 2019, None, 50000.0, ""),
        IndicatorRow("3054", "sick_leave_pct", 2020, 2, 7.5, "Lunner"),
    ]


def test_xlsx_errors_name_the_excel_row(tmp_path: Path) -> None:
    path = _workbook(
        [
            ["municipality", "indicator", "year", "value"],
            ["0301", "sick_leave_pct", 2019, 6.8],
            ["0301", "sick_leave_pct", 2020, 101],
            ["0301", "sick_leave_pct", 2021, True],
        ],
        tmp_path / "bad.xlsx",
    )
    parsed = read_file(path)
    assert [str(e).split(": ")[0] for e in parsed.errors] == [
        "bad.xlsx:3:value",
        "bad.xlsx:4:value",
    ]


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("not a zip")
    parsed = read_file(path)
    assert "not a readable XLSX workbook" in parsed.errors[0].reason


# -- writing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,dialect",
    [("out.csv", "standard"), ("out.csv", "excel-nb"), ("out.xlsx", "standard")],
)
def test_export_then_import_gives_the_same_rows(
    tmp_path: Path, name: str, dialect: files.Dialect
) -> None:
    rows = [*GOOD_ROWS, IndicatorRow("0301", "lost_workdays", 2019, 3, 1 / 3, 'x, "quoted"')]
    path = tmp_path / name
    assert files.write_file(path, rows, dialect=dialect) == len(rows)
    parsed = read_file(path)
    assert parsed.ok, parsed.error_lines()
    assert list(parsed.rows) == rows


def test_export_writes_the_name_of_the_period_and_keeps_leading_zeros(tmp_path: Path) -> None:
    stream = io.StringIO(newline="")
    files.write_csv(GOOD_ROWS[:1], stream)
    assert stream.getvalue().splitlines()[1] == "0301,Oslo,sick_leave_pct,2019,,6.8,SSB"
    stream = io.StringIO(newline="")
    files.write_csv(GOOD_ROWS[:1], stream, dialect="excel-nb")
    assert stream.getvalue().startswith("\ufeffmunicipality;municipality_name;")
    assert stream.getvalue().splitlines()[1] == "0301;Oslo;sick_leave_pct;2019;;6,8;SSB"


@pytest.mark.parametrize("name", ["template.csv", "template.xlsx"])
def test_the_template_has_the_header_and_two_valid_example_rows(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    files.write_template(path)
    parsed = read_file(path)
    assert parsed.ok, parsed.error_lines()
    assert len(parsed.rows) == 2


def test_the_xlsx_template_lists_the_indicators(tmp_path: Path) -> None:
    from trepart.analysis.indicators import CATALOGUE

    path = tmp_path / "template.xlsx"
    files.write_template(path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Verdier", "Indikatorer"]
    sheet = workbook["Indikatorer"]
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["indicator", "unit"] and "definition" in header
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ids == list(CATALOGUE)
    assert workbook["Verdier"]["A2"].value == "0301"  # text, the leading zero kept


@pytest.mark.parametrize("name", ["x.txt", "x.CSV", "x.xlsx"])
def test_detect_format(name: str) -> None:
    assert files.detect_format(name) in ("csv", "xlsx")


def test_an_unknown_extension_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot tell the format"):
        files.detect_format("x.ods")
