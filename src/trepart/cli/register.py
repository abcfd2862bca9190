"""``trepart register``: indicators from HR-register extracts, and synthetic extracts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import TaskID

from trepart.cli.progress import progress_bar

app = typer.Typer(
    help=(
        "HR-register extracts (employments and sick-leave spells): compute the indicators per "
        "municipality and year, or write a synthetic extract."
    ),
    no_args_is_help=True,
)

# -- trepart register indicators (pipeline) --------------------------------------------------

_MAX_ERROR_LINES = 50


def _indicators_fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(2)


@app.command("indicators")
def indicators(
    directory: Annotated[
        Path,
        typer.Argument(
            help="The extract: a folder with employments and absences (.parquet or .csv)."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="The file to write: .parquet or .csv.")],
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (embedded, the default) or spark.")
    ] = "duckdb",
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Drop rows that break the schema and count them, instead of stopping.",
        ),
    ] = False,
) -> None:
    """Compute sick leave, staff, turnover and AFP indicators per municipality and year.

    Writes the table to --out and the data-quality summary next to it as
    <out>.quality.json; prints the summary. A row that breaks the schema stops the run
    (exit code 2, every such row named by file, row and column) unless --skip-invalid.
    """

    from trepart.analysis import register as pipeline

    suffix = out.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise _indicators_fail(f"{out}: the output must end in .parquet or .csv")
    if engine not in ("duckdb", "spark"):
        raise _indicators_fail(f"unknown engine {engine!r}: use duckdb or spark")
    if not out.parent.is_dir():
        raise _indicators_fail(f"{out.parent}: no such folder for the output")
    bar = progress_bar(percent=True)
    task = bar.add_task("Register indicators", total=100)

    def progress(step: str, fraction: float) -> None:
        bar.update(task, description=step, completed=round(100 * fraction))

    try:
        with bar:
            result = pipeline.compute_indicators(
                directory,
                engine="spark" if engine == "spark" else "duckdb",
                skip_invalid=skip_invalid,
                on_progress=progress,
            )
    except pipeline.RegisterInputError as error:
        for problem in error.problems[:_MAX_ERROR_LINES]:
            typer.echo(f"Error: {problem.describe(error.files)}", err=True)
        shown = min(len(error.problems), _MAX_ERROR_LINES)
        if error.total > shown:
            typer.echo(f"... and {error.total - shown} more problems.", err=True)
        typer.echo(
            f"Nothing was written: {error.total} problems in the input"
            + ("" if error.problems and error.problems[0].row is None else
               " (use --skip-invalid to drop such rows and count them)")
            + ".",
            err=True,
        )  # fmt: skip
        raise typer.Exit(2) from None
    _write_indicators(result, out, suffix)
    quality_file = out.with_name(out.name + ".quality.json")
    quality_file.write_text(result.quality_json() + "\n", encoding="utf-8")
    quality = result.quality
    years = "" if quality.first_year is None else f" for {quality.first_year}–{quality.last_year}"
    typer.echo(
        f"Wrote {result.table.num_rows} rows (municipality × year){years} to {out} "
        f"in {quality.seconds:.1f} s ({engine})."
    )
    for line in quality.lines():
        typer.echo(line)
    typer.echo(f"Quality summary: {quality_file}")


def _write_indicators(result: Any, out: Path, suffix: str) -> None:
    """Write the table through a temporary file, so a failed write leaves nothing behind."""
    import os

    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    partial = out.with_name(f".{out.name}.partial")
    try:
        if suffix == ".parquet":
            pq.write_table(result.table, partial)
        else:
            pa_csv.write_csv(
                result.table,
                partial,
                write_options=pa_csv.WriteOptions(quoting_style="needed"),
            )
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


# -- trepart register synth (synthetic extract) ----------------------------------------------

_SYNTH_STAGES = {
    "employments": "Simulating employments",
    "absences": "Drawing sick-leave spells",
    "writing": "Writing the tables",
}


def _synth_fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(2)


def _synth_years(text: str) -> tuple[int, int]:
    first, dash, last = text.partition("-")
    if not dash:
        first = last = text
    try:
        return int(first), int(last)
    except ValueError:
        raise _synth_fail(f"--years {text!r}: give FROM-TO, for example 2005-2014") from None


def demo_participants() -> list[Any]:
    """The demo programme's participants, exactly as ``trepart demo`` registers them.

    ``trepart demo`` draws Kvalitetskommuneprogrammet's member lists with a fixed seed
    (``trepart.registry.demo``); this replays the same draws without touching the database,
    and keeps each municipality once, from its first join date, as
    ``trepart.indicators.demo.participants()`` reads them back.
    """
    import random

    from trepart.cli import setup_django

    setup_django()
    from trepart.analysis.demo_panel import Participant
    from trepart.indicators.demo import PROGRAMME
    from trepart.registry import demo

    rng = random.Random(demo.SEED)
    first: dict[str, Participant] = {}
    for spec in demo.PROGRAMMES:
        members = demo._draw_members(spec, rng)
        joined: list[tuple[Any, str]] = []
        for cohort, cohort_members in zip(spec.cohorts, members, strict=True):
            for member in cohort_members:
                demo._left(spec, rng)  # load_demo draws each member's leaving date in turn
                joined.append((cohort.start, member.code))
        if spec.slug == PROGRAMME:
            for start, code in sorted(joined):
                first.setdefault(code, Participant(code, start))
    return sorted(first.values(), key=lambda p: (p.joined, p.code))


def _read_participants(path: Path) -> list[Any]:
    """Read a CSV of participants: a header with ``code`` and ``joined`` (ISO date)."""
    import csv
    from datetime import date

    from trepart.analysis.demo_panel import Participant

    if not path.is_file():
        raise _synth_fail(f"{path}: no such file")
    found = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {"code", "joined"} - set(reader.fieldnames or ())
        if missing:
            raise _synth_fail(f"{path}: row 1: missing column(s) {', '.join(sorted(missing))}")
        for number, row in enumerate(reader, start=2):
            code = (row["code"] or "").strip()
            try:
                joined = date.fromisoformat((row["joined"] or "").strip())
            except ValueError:
                raise _synth_fail(
                    f"{path}: row {number}: column joined: {row['joined']!r} is not a date "
                    "(YYYY-MM-DD)"
                ) from None
            if len(code) != 4 or not code.isdigit():
                raise _synth_fail(
                    f"{path}: row {number}: column code: {code!r} is not a 4-digit code"
                )
            found.append(Participant(code, joined))
    return found


@app.command()
def synth(
    out: Annotated[Path, typer.Option("--out", help="The folder to write the extract to.")],
    employees: Annotated[
        int, typer.Option("--employees", help="Positions (employees at any one time).")
    ] = 20_000,
    years: Annotated[
        str, typer.Option("--years", help="FROM-TO, for example 2005-2014.")
    ] = "2005-2014",
    seed: Annotated[int, typer.Option("--seed", help="The random seed.")] = 2007,
    fmt: Annotated[
        str, typer.Option("--format", help="parquet (default) or csv (with a header).")
    ] = "parquet",
    participants: Annotated[
        str,
        typer.Option(
            "--participants",
            help=(
                "Who gets the programme effect: 'demo' (the demo programme's municipalities, "
                "as `trepart demo` registers them), 'none', or a CSV file with columns code "
                "and joined."
            ),
        ),
    ] = "demo",
    effect: Annotated[
        float | None,
        typer.Option(
            "--effect",
            help="The sick-leave effect in percentage points (default: the demo's, −0.4).",
        ),
    ] = None,
) -> None:
    """Write a synthetic HR-register extract (employments, absences) with a known effect."""
    from trepart.analysis.register import synth as generator

    first_year, last_year = _synth_years(years)
    try:
        generator.check_folder(out, fmt)
    except generator.SynthError as error:
        raise _synth_fail(str(error)) from None
    if participants == "demo":
        members = demo_participants()
    elif participants == "none":
        members = []
    else:
        members = _read_participants(Path(participants))
    bar = progress_bar()
    tasks: dict[str, TaskID] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(_SYNTH_STAGES.get(stage, stage), total=total)
        bar.update(tasks[stage], completed=done, total=total)

    size = generator.SICK_LEAVE_EFFECT_PP if effect is None else effect
    with bar:
        try:
            extract = generator.generate(
                employees,
                first_year,
                last_year,
                seed=seed,
                participants=members,
                effect_pp=size,
                on_progress=progress,
            )
            written = generator.write(
                extract, out, "csv" if fmt == "csv" else "parquet", on_progress=progress
            )
        except generator.SynthError as error:
            raise _synth_fail(str(error)) from None
    treated = len(extract.truth["treated"])
    typer.echo(
        f"Wrote a synthetic extract to {out}: {extract.employments.num_rows} employments, "
        f"{extract.absences.num_rows} absence spells, {employees} positions {first_year}–"
        f"{last_year}, seed {seed}; sick-leave effect {size:+g} percentage points in "
        f"{treated} municipalities ({', '.join(p.name for p in written)})."
    )
