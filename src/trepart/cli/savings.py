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
