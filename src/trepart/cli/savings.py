"""`trepart savings`: the savings model's parameters and the seed study's table."""

from __future__ import annotations

import json
from pathlib import Path
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
            help="'national' (the national average that year, rates only), 'earlier:YEAR' "
            "(the municipality's own values in YEAR), or 'group' / 'group:GROUPING' (the "
            "average of its comparison group that year, in the grouping imported last or the "
            "one named; see `trepart savings import-grouping`), or 'study:ID' / "
            "'study:ID:simple' (the municipality without the programme: its value minus the "
            "effect that finished effect study ID estimated for its cohort, or on average)."
        ),
    ] = "national",
    param: Annotated[
        list[str] | None,
        typer.Option(help="Change a cost parameter: NAME=VALUE (repeatable)."),
    ] = None,
    price_index: Annotated[
        list[str] | None,
        typer.Option(
            "--price-index",
            help="With 'earlier:YEAR': a price index value YEAR=VALUE for the baseline year and "
            "for --year (give both), to express the baseline's kroner in --year's prices.",
        ),
    ] = None,
    price_source: Annotated[
        str, typer.Option(help="Which price index (e.g. 'SSB KPI, table 03014, annual average').")
    ] = "",
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
        indices = dict(_parse_price_index(text) for text in price_index or [])
        structure_date = municipalities.parse_date(structure) if structure else None
        inputs, report = compute_scenario(
            code,
            year,
            baseline=baseline,
            changes=changes,
            structure_date=structure_date,
            price_index=indices or None,
            price_source=price_source,
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


def _parse_price_index(text: str) -> tuple[int, str]:
    year, sep, value = text.partition("=")
    if not sep or not year.strip().isdigit() or not value.strip():
        raise ValueError(f"--price-index {text!r}: use YEAR=VALUE, e.g. 2007=80.1")
    return int(year), value.strip()


@app.command("import-grouping")
def import_grouping(
    path: Annotated[
        Path,
        typer.Argument(help="CSV: municipality code and group per row (SSB Klass CSV accepted)."),
    ],
    slug: Annotated[str, typer.Option(help="Short name, e.g. kostra-2024.")],
    name: Annotated[str, typer.Option(help="Name shown on pages, e.g. 'KOSTRA groups 2024'.")],
    valid_on: Annotated[
        str, typer.Option(help="Date (YYYY or YYYY-MM-DD) on which the file's codes are valid.")
    ],
    source: Annotated[str, typer.Option(help="Where the grouping comes from (credited).")],
) -> None:
    """Import (or replace) a comparison grouping such as SSB's KOSTRA groups."""
    from trepart.cli import setup_django

    setup_django()
    from django.core.exceptions import ValidationError

    from trepart.analysis import groups, municipalities
    from trepart.savings.actions import do_import_grouping

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        typer.echo(f"Error: {path}: cannot read the file ({error})", err=True)
        raise typer.Exit(2) from None
    try:
        on = municipalities.parse_date(valid_on)
        grouping = do_import_grouping(
            None,
            slug=slug,
            name=name,
            valid_on=on,
            source=source,
            text=text,
            file_name=path.name,
        )
    except (groups.GroupingError, municipalities.MunicipalityError) as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(2) from None
    except ValidationError as error:
        typer.echo(f"Error: {path.name}: {'; '.join(error.messages)}", err=True)
        raise typer.Exit(2) from None
    count = grouping.memberships.count()
    groups_count = grouping.memberships.values("group_code").distinct().count()
    typer.echo(
        f"Imported {grouping.name} ({grouping.slug}): {count} municipalities "
        f"in {groups_count} groups."
    )


@app.command()
def groupings() -> None:
    """The imported comparison groupings."""
    from trepart.cli import setup_django

    setup_django()
    from trepart.savings.models import ComparisonGrouping

    table = Table(title="Comparison groupings")
    for column in ("slug", "name", "codes valid on", "municipalities", "source"):
        table.add_column(column, overflow="fold")
    for grouping in ComparisonGrouping.objects.all():
        table.add_row(
            grouping.slug,
            grouping.name,
            grouping.valid_on.isoformat(),
            str(grouping.memberships.count()),
            grouping.source,
        )
    console.print(table)


def _parse_param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name or not value:
        raise ValueError(f"--param {text!r}: use NAME=VALUE, e.g. annual_wage_nok=650000")
    return name, value
