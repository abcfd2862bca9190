"""The ``trepart`` command: the one entry point to serve, load demo data, manage and analyse."""

from __future__ import annotations

import os
import signal
import subprocess
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
    from trepart.cli import effects, indicators, municipalities, register, savings

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
    app.add_typer(
        register.app,
        name="register",
        help="HR-register extracts: indicators per municipality and year; synthetic extracts.",
    )
    app.add_typer(
        effects.app,
        name="effects",
        help="Effect estimates: staggered difference-in-differences and synthetic control.",
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
    background_worker: Annotated[
        bool,
        typer.Option(
            "--background-worker/--no-background-worker",
            help="Run the background worker (imports and other long jobs) beside the server; "
            "turn it off when `trepart worker` runs as a service of its own.",
        ),
    ] = True,
) -> None:
    """Apply migrations, collect static files and serve Trepart (gunicorn; --dev for Django's),
    with the background worker beside it."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    # Django's auto-reloader runs this command again in a child process (RUN_MAIN=true):
    # only the first process starts the worker.
    reloaded = os.environ.get("RUN_MAIN") == "true"
    if not reloaded:
        call_command("migrate", interactive=False, verbosity=0)
    worker_process = _start_worker() if background_worker and not reloaded else None
    if dev:
        signal.signal(signal.SIGTERM, _exit_on_signal)
        try:
            call_command("runserver", f"{host}:{port}")
        finally:
            _stop_worker(worker_process)
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
    if worker_process is None:
        os.execv(sys.executable, argv)
    server = subprocess.Popen(argv)

    def forward(signum: int, frame: object) -> None:
        server.send_signal(signum)

    for handled in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(handled, forward)
    try:
        code = server.wait()
    finally:
        _stop_worker(worker_process)
    raise typer.Exit(code)


#: seconds the worker gets to finish the job it is running when the server stops
WORKER_STOP_SECONDS = 60


def _exit_on_signal(signum: int, frame: object) -> None:
    sys.exit(0)


def _start_worker() -> subprocess.Popen[bytes]:
    typer.echo("Background worker started (trepart worker).")
    return subprocess.Popen([sys.executable, "-m", "trepart.cli", "worker"])


def _stop_worker(process: subprocess.Popen[bytes] | None) -> None:
    """Ask the worker to stop after its current job; end it if it takes too long."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@app.command()
def worker(
    interval: Annotated[
        float, typer.Option(help="Seconds between looks for new jobs when idle.", min=0.0)
    ] = 1.0,
    batch: Annotated[
        bool, typer.Option("--batch", help="Run the jobs waiting now, then stop.")
    ] = False,
) -> None:
    """Run the background worker: imports and other long jobs queued from the web and the API.

    `trepart serve` starts one; run it yourself with `serve --no-background-worker`, e.g. as
    a service of its own. It stops after the current job on SIGTERM or Ctrl+C.
    """
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command(
        "db_worker",
        interval=interval,
        batch=batch,
        reload=False,
        startup_delay=False,
        verbosity=1,
    )


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
