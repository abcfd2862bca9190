"""``trepart municipalities``: Norwegian municipality codes, their history and translation.

A thin layer over :mod:`trepart.analysis.municipalities`: parse the arguments, call the
packaged Klass 131 data, render a Rich table or one line of JSON. Bad input prints
``Error: ...`` on stderr and exits with code 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from trepart.analysis.municipalities import (
    CodeChange,
    KlassDataError,
    Municipality,
    MunicipalityError,
    Translation,
    load,
    parse_date,
)

CREDIT = "Source: Statistisk sentralbyrå (SSB), Klass 131 Standard for kommuneinndeling."

app = typer.Typer(
    help=(
        "Norwegian municipalities 2002–2024 (SSB Klass 131): list, search, show a code's "
        "history, and translate a code from one date's structure to another's."
    ),
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one line of JSON.")]


@contextmanager
def _errors_as_exit_codes() -> Iterator[None]:
    """Turn our errors into ``Error: ...`` on stderr: exit 2 for bad input, 1 for bad data."""
    try:
        yield
    except MunicipalityError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(2) from None
    except KlassDataError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from None


def _console() -> Console:
    return Console(highlight=False, markup=False)


def _print_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False))


def _today() -> date:
    return datetime.now(ZoneInfo("Europe/Oslo")).date()


def _span(municipality: Municipality) -> tuple[str, str]:
    valid_to = municipality.valid_to
    return municipality.valid_from.isoformat(), "" if valid_to is None else valid_to.isoformat()


def _municipality_table(title: str, municipalities: list[Municipality]) -> Table:
    table = Table(title=title, caption=CREDIT)
    table.add_column("Code")
    table.add_column("Name")
    table.add_column("Valid from")
    table.add_column("Valid to (exclusive)")
    for municipality in municipalities:
        table.add_row(municipality.code, municipality.name, *_span(municipality))
    return table


def _change_table(title: str, changes: tuple[CodeChange, ...]) -> Table:
    table = Table(title=title)
    table.add_column("Date")
    table.add_column("From")
    table.add_column("To")
    for change in changes:
        table.add_row(
            change.date.isoformat(),
            f"{change.old_code} {change.old_name}",
            f"{change.new_code} {change.new_name}",
        )
    return table


def _explain(translation: Translation, merged_with: list[Municipality]) -> str:
    results = ", ".join(
        f"{c} {n}" for c, n in zip(translation.codes, translation.names, strict=True)
    )
    if translation.kind == "split":
        return (
            f"{translation.code} cannot be translated to {translation.to_date} without weights: "
            f"it covers {len(translation.codes)} municipalities there ({results}). "
            "Share its values out with weights, for example population shares."
        )
    if translation.kind == "merged":
        others = ", ".join(f"{m.code} {m.name}" for m in merged_with if m.code != translation.code)
        return (
            f"{results} also covers {others} of {translation.from_date}: "
            "add their values together before comparing."
        )
    if translation.kind == "renumbered":
        return "Same municipality, new code."
    return "Same code."


@app.command()
def translate(
    code: Annotated[
        str, typer.Argument(metavar="CODE", help="Municipality code (4 digits) valid on --from.")
    ],
    from_: Annotated[
        str,
        typer.Option("--from", metavar="DATE", help="Date the code is valid: YYYY-MM-DD or YYYY."),
    ],
    to: Annotated[
        str, typer.Option("--to", metavar="DATE", help="Date to translate to: YYYY-MM-DD or YYYY.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Translate CODE from the structure on --from to the structure on --to."""
    with _errors_as_exit_codes():
        klass = load()
        from_date, to_date = parse_date(from_), parse_date(to)
        translation = klass.translate(code, from_date, to_date)
        if as_json:
            _print_json(translation.to_json())
            return
        source = klass.municipality(translation.code, from_date)
        results = ", ".join(
            f"{c} {n}" for c, n in zip(translation.codes, translation.names, strict=True)
        )
        console = _console()
        console.print(
            f"{source.code} {source.name} ({from_date}) → {results} ({to_date}): {translation.kind}"
        )
        merged_with = (
            klass.sources(translation.codes[0], to_date=to_date, from_date=from_date)
            if translation.kind == "merged"
            else []
        )
        console.print(_explain(translation, merged_with))
        if translation.changes:
            console.print(_change_table("Changes applied", translation.changes))


@app.command("list")
def list_(
    on: Annotated[
        str | None, typer.Option(metavar="DATE", help="YYYY-MM-DD or YYYY; default today.")
    ] = None,
    include_unknown: Annotated[
        bool, typer.Option("--include-unknown", help="Also list 9999 Uoppgitt.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """List the municipalities valid on a date."""
    with _errors_as_exit_codes():
        day = _today() if on is None else parse_date(on)
        municipalities = load().municipalities_on(day, include_unknown=include_unknown)
        if as_json:
            _print_json([m.to_json() for m in municipalities])
            return
        _console().print(
            _municipality_table(f"{len(municipalities)} municipalities on {day}", municipalities)
        )


@app.command()
def history(
    code: Annotated[str, typer.Argument(metavar="CODE", help="Municipality code (4 digits).")],
    as_json: JsonOption = False,
) -> None:
    """Show a code's names over time and every change into or out of it since 2002."""
    with _errors_as_exit_codes():
        found = load().history(code)
        if as_json:
            _print_json(found.to_json())
            return
        console = _console()
        console.print(_municipality_table(f"Periods of {found.code}", list(found.periods)))
        if found.events:
            console.print(_change_table(f"Changes touching {found.code}", found.events))
        else:
            console.print(f"No changes touching {found.code} since 2002.")


@app.command()
def search(
    query: Annotated[
        str, typer.Argument(metavar="QUERY", help="Start of a code, or part of a name.")
    ],
    on: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Only those valid on this date; default all periods."),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many results.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Find municipalities by code prefix or part of the name (newest first)."""
    with _errors_as_exit_codes():
        day = None if on is None else parse_date(on)
        found = load().search(query, on=day, limit=limit)
        if as_json:
            _print_json([m.to_json() for m in found])
            return
        if not found:
            typer.echo(f"No municipality matches {query!r}.")
            return
        _console().print(_municipality_table(f"Matches for {query!r}", found))
