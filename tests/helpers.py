"""Helpers shared by tests that run the `trepart` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: ``../shared/data/reference`` beside the repository: data sets with published results
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "data" / "reference"


def clean_environ(**settings: str) -> dict[str, str]:
    """This process's environment without Trepart's, the database's or Django's variables."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TREPART_", "DATABASE_", "DJANGO_"))
    }
    environ.update(settings)
    return environ


def run_trepart(
    *args: str, timeout: float = 300, **settings: str
) -> subprocess.CompletedProcess[str]:
    """Run `trepart ARGS...` with only the given settings in the environment."""
    return subprocess.run(
        [sys.executable, "-m", "trepart.cli", *args],
        capture_output=True,
        text=True,
        env=clean_environ(**settings),
        timeout=timeout,
    )
