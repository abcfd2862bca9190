"""`trepart savings`: the savings model's parameters and the seed study's table."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from trepart.analysis import savings, seed_study

app = typer.Typer(no_args_is_help=True)
console = Console()


@app.command()
def parameters(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The default cost parameters, with units and sources."""
    params = savings.DEFAULTS
    if as_json:
        typer.echo(json.dumps(params.to_json(), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Cost parameters, version {params.version}")
    for column in ("name", "value", "unit", "source"):
        table.add_column(column, overflow="fold")
    for name in savings.PARAMETER_NAMES:
        parameter = params.parameter(name)
        assumption = " (assumption)" if parameter.assumption else ""
        table.add_row(name, str(parameter.value), parameter.unit, parameter.source + assumption)
    console.print(table)


@app.command()
def seed(
    reading: Annotated[
        str,
        typer.Option(help=f"How to read the OCR'd table: {', '.join(seed_study.READINGS)}."),
    ] = "decimal_comma",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Recompute the seed study's totals (Lunner, Songdalen, Bamble) and show disagreements."""
    if reading not in seed_study.READINGS:
        typer.echo(
            f"Error: unknown reading {reading!r}; use one of {', '.join(seed_study.READINGS)}",
            err=True,
        )
        raise typer.Exit(2)
    checks = seed_study.check(reading)
    if as_json:
        typer.echo(json.dumps([c.to_json() for c in checks], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"«Samarbeid lønner seg»: totals in million NOK ({reading})")
    for column in ("municipality", "sum of items", "printed total", "difference", "verdict"):
        table.add_column(
            column, justify="left" if column in ("municipality", "verdict") else "right"
        )
    for check in checks:
        verdict = (
            "agrees"
            if check.agrees
            else "disagrees, within rounding"
            if check.within_rounding
            else "DISAGREES"
        )
        table.add_row(
            check.municipality,
            str(check.recomputed_total),
            str(check.printed_total),
            str(check.difference),
            verdict,
        )
    console.print(table)
    console.print(f"Source: {seed_study.SOURCE}")


@app.command()
def compute(
    code: Annotated[str, typer.Argument(help="Municipality number (in the chosen structure).")],
    year: Annotated[int, typer.Option(help="The year whose savings are computed.")],
    baseline: Annotated[
        str,
        typer.Option(
            help="'national' (the national average that year, rates only) or 'earlier:YEAR' "
            "(the municipality's own values in YEAR)."
        ),
    ] = "national",
    param: Annotated[
        list[str] | None,
        typer.Option(help="Change a cost parameter: NAME=VALUE (repeatable)."),
    ] = None,
    structure: Annotated[
        str | None, typer.Option(help="Municipal structure (YYYY or YYYY-MM-DD); default latest.")
    ] = None,
    language: Annotated[str, typer.Option(help="Table language: nb, nn or en.")] = "nb",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Savings of one municipality in one year against a baseline, from the stored values."""
    from trepart.cli import setup_django

    setup_django()
    from django.http import Http404

    from trepart.analysis import municipalities
    from trepart.savings.selectors import SavingsInputMissing, compute_scenario

    try:
        changes = dict(_parse_param(text) for text in param or [])
        structure_date = municipalities.parse_date(structure) if structure else None
        inputs, report = compute_scenario(
            code, year, baseline=baseline, changes=changes, structure_date=structure_date
        )
    except (ValueError, savings.SavingsError, SavingsInputMissing, Http404) as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        body = {"municipality": code, "name": inputs.name, "year": year, **report.to_json()}
        body["synthetic"] = inputs.synthetic
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    if inputs.synthetic:
        console.print("[bold]Synthetic demo values, not real figures.[/bold]")
    console.print(f"{code} {inputs.name}, {year}")
    console.print(report.render_table(language))


def _parse_param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name or not value:
        raise ValueError(f"--param {text!r}: use NAME=VALUE, e.g. annual_wage_nok=650000")
    return name, value
