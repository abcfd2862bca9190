"""``trepart effects``: staggered difference-in-differences and synthetic control."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from trepart.cli.progress import progress_bar

app = typer.Typer(
    help=(
        "Effect estimates from a panel file: staggered difference-in-differences "
        "(Callaway & Sant'Anna) and synthetic control (Abadie, Diamond & Hainmueller)."
    ),
    no_args_is_help=True,
)

# -- trepart effects did ---------------------------------------------------------------------
# Contract (docs/effects-did.md): exit 0 with the results (a table, or one JSON document with
# --json) on stdout; exit 2 with "Error: file:row:column: reason" on stderr for bad input.


def _did_fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(2)


@app.command("did")
def did(
    data: Annotated[Path, typer.Option("--data", help="The panel: .csv or .parquet, long format.")],
    unit: Annotated[str, typer.Option("--unit", help="Column identifying the unit (a number).")],
    time: Annotated[str, typer.Option("--time", help="Column with the period (a number).")],
    cohort: Annotated[
        str,
        typer.Option("--cohort", help="Column with the first treated period; 0 or empty: never."),
    ],
    outcome: Annotated[str, typer.Option("--outcome", help="Column with the outcome.")],
    covariate: Annotated[
        list[str] | None,
        typer.Option("--covariate", help="Covariate column (repeatable); earlier period's value."),
    ] = None,
    control: Annotated[
        str, typer.Option("--control", help="Comparison group: never (treated) or notyet.")
    ] = "never",
    method: Annotated[
        str, typer.Option("--method", help="dr (doubly robust), ipw or reg (outcome regression).")
    ] = "dr",
    anticipation: Annotated[
        float, typer.Option("--anticipation", help="Periods of anticipation before treatment.")
    ] = 0,
    base_period: Annotated[
        str, typer.Option("--base-period", help="varying (R did's default) or universal.")
    ] = "varying",
    bootstrap: Annotated[
        int,
        typer.Option("--bootstrap", help="Multiplier-bootstrap draws (0: analytic SEs)."),
    ] = 0,
    cluster: Annotated[
        str | None, typer.Option("--cluster", help="Cluster the bootstrap by this column.")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the bootstrap.")] = None,
    balance: Annotated[
        bool,
        typer.Option("--balance", help="Drop units not observed in every period (R's default)."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Staggered difference-in-differences (Callaway & Sant'Anna 2021, as R did): ATT(g,t),
    simple, event-study, group and calendar aggregations and the pre-trend test."""
    from trepart.analysis.effects import did as estimator

    if control not in ("never", "notyet"):
        raise _did_fail(f"--control must be never or notyet, not {control!r}")
    if method not in ("dr", "ipw", "reg"):
        raise _did_fail(f"--method must be dr, ipw or reg, not {method!r}")
    if base_period not in ("varying", "universal"):
        raise _did_fail(f"--base-period must be varying or universal, not {base_period!r}")
    settings = estimator.DidSettings(
        control="never" if control == "never" else "notyet",
        method="dr" if method == "dr" else "ipw" if method == "ipw" else "reg",
        anticipation=anticipation,
        base_period="varying" if base_period == "varying" else "universal",
        bootstrap=bootstrap,
        seed=seed,
        balance=balance,
    )
    covariates = list(covariate or [])
    bar = progress_bar()
    try:
        with bar:
            task = bar.add_task("ATT(g,t)", total=None)
            frame = estimator.read_panel(
                data,
                unit=unit,
                time=time,
                cohort=cohort,
                outcome=outcome,
                covariates=covariates,
                cluster=cluster,
            )
            result = estimator.estimate(
                frame,
                unit=unit,
                time=time,
                cohort=cohort,
                outcome=outcome,
                covariates=covariates,
                cluster=cluster,
                settings=settings,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except estimator.DidInputError as error:
        message = str(error)
        raise _did_fail(
            message if message.startswith(str(data)) else f"{data}: {message}"
        ) from None
    if as_json:
        typer.echo(json.dumps(result.to_json(), allow_nan=False))
        return
    _print_did(result)


def _print_did(result: Any) -> None:
    out = Console()

    def fmt(value: float) -> str:
        return "NA" if value != value else f"{value:.4f}"

    se_kind = "bootstrap" if result.settings.bootstrap > 0 else "analytic"
    table = Table(title=f"Group-time ATT(g,t) ({se_kind} SE)")
    for name in ("group", "time", "ATT", "SE", "CI low", "CI high"):
        table.add_column(name, justify="right")
    for cell in result.cells:
        table.add_row(
            f"{cell.group:g}",
            f"{cell.time:g}",
            fmt(cell.att),
            fmt(cell.se),
            fmt(cell.ci_low),
            fmt(cell.ci_high),
        )
    out.print(table)
    for title, agg, key in (
        ("Simple (overall ATT)", result.simple, None),
        ("Dynamic (event study), e = t − g", result.dynamic, "e"),
        ("By cohort (group)", result.group, "group"),
        ("By period (calendar)", result.calendar, "time"),
    ):
        out.print(f"{title}: {fmt(agg.att)} (SE {fmt(agg.se)})")
        if key is not None:
            table = Table()
            for name in (key, "ATT", "SE", "CI low", "CI high"):
                table.add_column(name, justify="right")
            for row in agg.by:
                table.add_row(
                    f"{row.key:g}", fmt(row.att), fmt(row.se), fmt(row.ci_low), fmt(row.ci_high)
                )
            out.print(table)
    out.print(
        f"Pre-test of parallel trends: chi2({result.pretest_df}) = "
        f"{fmt(result.pretest_statistic)}, p = {fmt(result.pretest_p)}"
    )
    out.print(f"Units: {result.n_units}; balanced panel: {'yes' if result.balanced else 'no'}")
    for note in result.notes:
        out.print(f"Note: {note}")


# -- trepart effects synth -------------------------------------------------------------------
# Contract (docs/effects-synth.md): exit 0 with the results (rich tables, or one JSON document
# with --json) on stdout; exit 2 with "Error: FILE: reason" on stderr for bad input.


def _synth_fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(2)


def _synth_period(text: str, option: str) -> tuple[float, float]:
    import re

    match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(?:-\s*(-?\d+(?:\.\d+)?)\s*)?", text)
    if match is None:
        raise _synth_fail(f"{option} {text!r}: use FROM-TO (or FROM), e.g. 1960-1969")
    start = float(match.group(1))
    end = float(match.group(2)) if match.group(2) is not None else start
    return start, end


@app.command("synth")
def synth_command(
    data: Annotated[Path, typer.Option("--data", help="The panel: .csv or .parquet, long format.")],
    unit: Annotated[str, typer.Option("--unit", help="Column identifying the unit.")],
    time: Annotated[str, typer.Option("--time", help="Column with the time (a number).")],
    outcome: Annotated[str, typer.Option("--outcome", help="Column with the outcome.")],
    treated: Annotated[
        str, typer.Option("--treated", help="The treated unit (a value of --unit).")
    ],
    treatment_time: Annotated[
        float, typer.Option("--treatment-time", help="The first treated time.")
    ],
    predictor: Annotated[
        list[str],
        typer.Option(
            "--predictor",
            help="VAR[:FROM[-TO]] (repeatable): the mean of VAR over FROM–TO, missing values "
            "skipped; one time if only FROM; the whole pre-treatment period if no period.",
        ),
    ],
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help="A unit to leave out of the donor pool (repeatable)."),
    ] = None,
    optimize_period: Annotated[
        str | None,
        typer.Option(
            "--optimize-period",
            help="FROM-TO: the pre-treatment times whose outcome fit chooses the predictor "
            "weights (default: all times before the treatment).",
        ),
    ] = None,
    placebos: Annotated[
        bool,
        typer.Option("--placebos", help="In-space placebos: each donor treated in turn; p-value."),
    ] = False,
    placebo_max_pre_mspe: Annotated[
        float | None,
        typer.Option(
            "--placebo-max-pre-mspe",
            help="With --placebos: leave out placebos whose pre-treatment MSPE is more than "
            "this many times the treated unit's (Abadie et al. 2010 use 20, 5, 2).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Synthetic control (Abadie, Diamond & Hainmueller; as R Synth): donor weights, predictor
    weights and balance, the gap per time, RMSPE, and optionally placebo inference."""
    import json as json_module

    from trepart.analysis.effects import synth as estimator

    period = (
        _synth_period(optimize_period, "--optimize-period") if optimize_period is not None else None
    )
    if placebo_max_pre_mspe is not None and not placebos:
        raise _synth_fail("--placebo-max-pre-mspe needs --placebos")
    bar = progress_bar()
    try:
        prepared = estimator.prepare(
            estimator.read_panel(data),
            unit=unit,
            time=time,
            outcome=outcome,
            treated=treated,
            treatment_time=treatment_time,
            predictors=[estimator.Predictor.parse(spec) for spec in predictor],
            exclude=list(exclude or []),
            optimize_period=period,
        )
        result = estimator.synth(prepared)
        test = None
        if placebos:
            with bar:
                task = bar.add_task("Placebos", total=len(prepared.donors))
                test = estimator.placebo_test(
                    prepared,
                    result,
                    max_pre_mspe_ratio=placebo_max_pre_mspe,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
    except estimator.SynthError as error:
        message = str(error)
        raise _synth_fail(
            message if message.startswith(str(data)) else f"{data}: {message}"
        ) from None
    if as_json:
        document = result.to_dict()
        if test is not None:
            placebo_document = test.to_dict()
            gaps = {run.unit: run.gaps for run in test.runs}
            for entry in placebo_document["units"]:  # type: ignore[attr-defined]
                entry["gaps"] = [None if gap != gap else gap for gap in gaps.get(entry["unit"], ())]
            document["placebos"] = placebo_document
        typer.echo(json_module.dumps(document, allow_nan=False))
        return
    _print_synth(result, test)


def _print_synth(result: Any, test: Any) -> None:
    from rich.console import Console as RichConsole
    from rich.markup import escape
    from rich.table import Table as RichTable

    out = RichConsole()

    def fmt(value: float, digits: int = 3) -> str:
        return "NA" if value != value else f"{value:,.{digits}f}"

    weights = RichTable(title=f"Synthetic {escape(result.treated)}: donor weights")
    weights.add_column("donor")
    weights.add_column("weight", justify="right")
    shown = sorted(
        (pair for pair in result.weight_by_donor.items() if pair[1] >= 0.0005),
        key=lambda pair: -pair[1],
    )
    for donor, weight in shown:
        weights.add_row(escape(donor), fmt(weight))
    out.print(weights)
    hidden = len(result.donors) - len(shown)
    if hidden:
        out.print(f"{hidden} other donors have weight below 0.0005.")
    balance = RichTable(title="Predictor balance")
    for name in ("predictor", "treated", "synthetic", "donor mean", "v"):
        balance.add_column(name, justify="left" if name == "predictor" else "right")
    for label, treated, synthetic, mean, v in zip(
        (p.label for p in result.predictors),
        result.treated_predictors,
        result.synthetic_predictors,
        result.donor_mean_predictors,
        result.v,
        strict=True,
    ):
        balance.add_row(escape(label), fmt(treated), fmt(synthetic), fmt(mean), fmt(v, 4))
    out.print(balance)
    fit = RichTable(title="Fit and effect")
    fit.add_column("measure")
    fit.add_column("value", justify="right")
    fit.add_row("MSPE over the optimisation period (loss V)", fmt(result.loss_v, 6))
    fit.add_row("RMSPE before treatment", fmt(result.rmspe_pre, 4))
    fit.add_row("RMSPE from treatment on", fmt(result.rmspe_post, 4))
    fit.add_row("post/pre RMSPE ratio", fmt(result.ratio, 2))
    fit.add_row("mean gap from treatment on", fmt(result.mean_post_gap, 4))
    if test is not None:
        fit.add_row(
            "placebo p-value (rank / units)",
            f"{fmt(test.p_value, 3)} ({test.rank} / {len(test.compared()) + 1})",
        )
    out.print(fit)
    if test is not None:
        table = RichTable(title="Placebos (each donor treated in turn)")
        for name in ("unit", "RMSPE pre", "RMSPE post", "ratio", "compared"):
            table.add_column(name, justify="left" if name == "unit" else "right")
        table.add_row(
            f"{escape(result.treated)} (treated)",
            fmt(result.rmspe_pre, 4),
            fmt(result.rmspe_post, 4),
            fmt(result.ratio, 2),
            "",
        )
        compared = test.compared_units()
        for run in sorted(test.runs, key=lambda run: -run.ratio if run.ratio == run.ratio else 0):
            table.add_row(
                escape(run.unit),
                fmt(run.rmspe_pre, 4),
                fmt(run.rmspe_post, 4),
                fmt(run.ratio, 2),
                "yes"
                if run.unit in compared
                else escape(f"no{': ' + run.error if run.error else ''}"),
            )
        out.print(table)
    gaps = RichTable(title=f"Gap per time ({escape(result.treated)} − synthetic)")
    for name in ("time", "treated", "synthetic", "gap"):
        gaps.add_column(name, justify="right")
    for time_value, treated, synthetic in zip(
        result.times, result.treated_outcome, result.synthetic_outcome, strict=True
    ):
        gaps.add_row(
            f"{time_value:g}", fmt(treated, 4), fmt(synthetic, 4), fmt(treated - synthetic, 4)
        )
    out.print(gaps)
