"""The one progress bar of the ``trepart`` commands."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def progress_bar(*, percent: bool = False) -> Progress:
    """A Rich progress bar on stderr, shown only on a terminal and removed when done.

    It counts steps (``3/10``), or with ``percent`` shows a percentage (for work reported as a
    fraction).
    """
    console = Console(stderr=True)
    count = TextColumn("{task.percentage:>3.0f}%") if percent else MofNCompleteColumn()
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        count,
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
