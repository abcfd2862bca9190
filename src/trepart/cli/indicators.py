"""``trepart indicators``: import, export and list indicator values, and write the template.

Thin: parse the arguments, read and validate the file (``trepart.analysis.indicator_files`` or
``.jsonstat``), write through ``trepart.indicators.actions``, read through its selectors.
A file with errors prints every error as ``file:row:column: reason`` on stderr, exits with
code 2 and writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.table import Table

from trepart.analysis import indicator_files, jsonstat, municipalities
from trepart.cli import setup_django
from trepart.cli.progress import progress_bar
from trepart.indicators import imports

app = typer.Typer(
    help=(
        "Indicator values: import CSV/XLSX/JSON-stat2 files (all-or-nothing), export them, "
        "write the import template and list the indicators."
    ),
    no_args_is_help=True,
)

FormatOption = Literal["csv", "xlsx", "jsonstat"]
DialectOption = Annotated[
    str,
    typer.Option(
        "--dialect",
        help="CSV only: 'standard' (',' and decimal point) or 'excel-nb' (';', decimal comma).",
    ),
]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


def _dialect(value: str) -> indicator_files.Dialect:
    if value == "standard":
        return "standard"
    if value == "excel-nb":
        return "excel-nb"
    raise _fail(f"unknown dialect {value!r}: use 'standard' or 'excel-nb'")


def _database() -> None:
    """Set Django up and bring the database schema up to date (quietly)."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


@contextmanager
def _progress(label: str) -> Iterator[indicator_files.Progress]:
    """A Rich progress bar on stderr (only on a terminal, only once there is work to show)."""
    bar = progress_bar()
    task = bar.add_task(label, total=None)

    def update(done: int, total: int | None) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update


def _user(username: str | None) -> Any:
    if username is None:
        return None
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise _fail(f"no user {username!r}") from None


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The file: .csv, .xlsx or .json (JSON-stat2).")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="csv, xlsx or jsonstat (default: from the extension)."),
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option(
            help="JSON-stat2 only: a mapping JSON file or a preset "
            f"({', '.join(jsonstat.PRESETS)}).",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(help="The source of values whose 'source' cell is empty (JSON-stat2: all)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file only; write nothing.")
    ] = False,
    note: Annotated[str, typer.Option(help="A note stored with the import.")] = "",
    user: Annotated[
        str | None, typer.Option(help="The user name to record as the importer.")
    ] = None,
) -> None:
    """Import a file of indicator values: every row, or nothing if any row has an error."""
    if not file.is_file():
        raise _fail(f"{file}: no such file")
    try:
        imports.choose_format(file, fmt, mapping)
    except imports.ImportOptionError as error:
        if error.option == "mapping":
            raise _fail(
                f"a JSON-stat2 file needs --mapping (a JSON file or {', '.join(jsonstat.PRESETS)})"
            ) from None
        raise _fail(str(error)) from None
    _database()
    options = imports.ImportOptions(fmt=fmt, mapping=mapping, source=source, note=note)
    actor = _user(user)
    with _progress(f"Reading {file.name}") as progress:
        try:
            read = imports.read(file, options, progress=progress)
        except imports.ImportOptionError as error:
            raise _fail(str(error)) from None
    parsed = read.parsed
    if not parsed.ok:
        for line in parsed.error_lines():
            typer.echo(line, err=True)
        typer.echo(f"Nothing was imported: {parsed.error_count} errors in {file.name}.", err=True)
        raise typer.Exit(2)
    if dry_run:
        typer.echo(f"{file.name}: {len(parsed.rows)} rows are valid; nothing written (--dry-run).")
        for line in read.notes:
            typer.echo(line)
        return
    with _progress(f"Writing {file.name}") as progress:
        batch = imports.store(actor, read, options, progress=progress)
    typer.echo(
        f"Imported {file.name} as import {batch.pk}: {batch.row_count} rows "
        f"({batch.created_count} new, {batch.superseded_count} replaced, "
        f"{batch.unchanged_count} already stored)."
    )
    for line in read.notes:
        typer.echo(line)


@app.command()
def export(
    file: Annotated[Path, typer.Argument(help="The file to write: .csv or .xlsx.")],
    indicator: Annotated[
        list[str] | None, typer.Option("--indicator", help="Only this indicator (repeatable).")
    ] = None,
    municipality: Annotated[
        list[str] | None,
        typer.Option("--municipality", help="Only this municipality code (repeatable)."),
    ] = None,
    structure: Annotated[
        str | None,
        typer.Option(
            help=(
                "Translate every code to the municipal structure of this date (YYYY-MM-DD or "
                "YYYY). Without it, values are written as stored and can be imported again."
            )
        ),
    ] = None,
    dialect: DialectOption = "standard",
) -> None:
    """Export current indicator values in the template format."""
    try:
        fmt = indicator_files.detect_format(file)
        structure_date = None if structure is None else municipalities.parse_date(structure)
        if structure_date is not None:
            municipalities.load().version_on(structure_date)
    except (ValueError, municipalities.MunicipalityError) as error:
        raise _fail(str(error)) from None
    chosen_dialect = _dialect(dialect)
    _database()
    from trepart.analysis import indicators as catalogue
    from trepart.indicators import selectors

    known = selectors.indicator_catalogue()
    for indicator_id in indicator or []:
        if indicator_id not in known:
            raise _fail(str(catalogue.UnknownIndicator(indicator_id, list(known))))
    name_date: date | None = None
    if structure_date is None:
        rows = selectors.current_rows(indicator_ids=indicator, codes=municipality)
    else:
        try:
            result = selectors.panel(
                indicator or list(known), structure_date=structure_date, codes=municipality
            )
        except municipalities.MunicipalityError as error:
            raise _fail(str(error)) from None
        label = f"harmonised to {structure_date.isoformat()} (Klass 131)"
        rows = [
            indicator_files.IndicatorRow(r.code, r.indicator_id, r.year, r.quarter, r.value, label)
            for r in result.rows
        ]
        name_date = structure_date
        for problem in result.problems:
            period = (
                problem.year if problem.quarter is None else f"{problem.year}K{problem.quarter}"
            )
            typer.echo(
                f"Left out: {problem.code} {period} {problem.indicator_id}: {problem.reason}",
                err=True,
            )
    count = indicator_files.write_file(
        file, rows, fmt=fmt, dialect=chosen_dialect, name_date=name_date
    )
    typer.echo(f"Wrote {count} values to {file}.")


@app.command()
def template(
    file: Annotated[Path, typer.Argument(help="The file to write: .csv or .xlsx.")],
    dialect: DialectOption = "standard",
) -> None:
    """Write the import template: the header and two example rows (XLSX: plus the indicators)."""
    try:
        fmt = indicator_files.detect_format(file)
    except ValueError as error:
        raise _fail(str(error)) from None
    indicator_files.write_template(file, fmt=fmt, dialect=_dialect(dialect))
    typer.echo(f"Wrote the template to {file}.")


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print one line of JSON.")] = False,
) -> None:
    """List the indicators: the built-in catalogue and any custom ones."""
    _database()
    from trepart.analysis import indicators as catalogue
    from trepart.indicators import selectors

    known = selectors.indicator_catalogue()
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {**indicator.to_json(), "custom": indicator_id not in catalogue.CATALOGUE}
                    for indicator_id, indicator in known.items()
                ],
                ensure_ascii=False,
            )
        )
        return
    table = Table(title="Indicators")
    for column in ("Id", "Unit", "Aggregation", "Weight", "Name"):
        table.add_column(column)
    for indicator in known.values():
        table.add_row(
            indicator.id,
            indicator.unit,
            indicator.aggregation,
            indicator.weight or "",
            indicator.name_en,
        )
    Console(highlight=False, markup=False, width=200).print(table)
