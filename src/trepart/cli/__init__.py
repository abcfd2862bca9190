"""The ``trepart`` command: the one entry point to serve, load demo data, manage and analyse."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from trepart import __version__

app = typer.Typer(
    name="trepart",
    help="Trepart: tripartite cooperation in Norwegian municipalities.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _mount_subcommands() -> None:
    from trepart.cli import indicators, municipalities, savings

    app.add_typer(
        municipalities.app,
        name="municipalities",
        help="Municipalities and their code changes 2002–2024 (SSB Klass 131).",
    )
    app.add_typer(
        indicators.app,
        name="indicators",
        help="Indicator values: import, export, template and the list of indicators.",
    )
    app.add_typer(
        savings.app,
        name="savings",
        help="Savings: cost parameters and the seed study's table.",
    )


def setup_django() -> None:
    """Configure Django for a command; a bad setting ends the command with a clear message."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trepart.config.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(2) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"trepart {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    pass


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (gunicorn).", min=1)] = 2,
    dev: Annotated[
        bool, typer.Option("--dev", help="Django's auto-reloading development server instead.")
    ] = False,
) -> None:
    """Apply migrations, collect static files and serve Trepart (gunicorn; --dev for Django's)."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if dev:
        call_command("runserver", f"{host}:{port}")
        return
    _collect_static_if_changed()
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    note = "" if settings.HTTPS else " (plain HTTP: TREPART_HTTPS=false)"
    typer.echo(f"Trepart {__version__} on http://{bind}{note}")
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "trepart.config.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        "127.0.0.1",
    ]
    os.execv(sys.executable, argv)


def _collect_static_if_changed() -> None:
    """Collect (hash and compress) static files, unless they are unchanged since last time.

    Compression takes a while, so a restart with the same files skips it.
    """
    import hashlib
    from pathlib import Path

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            stat = Path(storage.path(path)).stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    marker = Path(settings.STATIC_ROOT) / ".trepart-sources"
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists() and marker.exists() and marker.read_text() == digest.hexdigest():
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    marker.write_text(digest.hexdigest())


@app.command()
def demo() -> None:
    """Load the demo data (programmes, cohorts, demo members, a synthetic indicator panel and
    demo logins); safe to rerun."""
    setup_django()
    from django.core.management import call_command

    from trepart.indicators import demo as indicators_demo
    from trepart.registry import demo as registry_demo

    call_command("migrate", interactive=False, verbosity=0)
    summary = registry_demo.load_demo()
    try:
        panel = indicators_demo.load_demo_panel()
    except indicators_demo.DemoRefused as error:
        typer.echo(
            f"Demo registry loaded, but not the synthetic indicator panel: {error}", err=True
        )
    else:
        typer.echo(panel.describe())
    typer.echo(summary.describe())


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. `trepart manage check --deploy`."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["trepart manage", *ctx.args])


_mount_subcommands()


def main() -> None:
    app()
