"""Importing a file of indicator values: the one orchestration the CLI, the web and the API share.

Choose the format, read and validate the file (``trepart.analysis.indicator_files`` or
``.jsonstat``), then store it with :func:`trepart.indicators.actions.do_import` (all-or-nothing).
:func:`choose_format` works before Django is set up (the CLI checks its arguments first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from trepart.analysis import indicator_files, jsonstat

if TYPE_CHECKING:
    from trepart.indicators.actions import Actor
    from trepart.indicators.models import ImportBatch

FORMATS = ("csv", "xlsx", "jsonstat")

#: called as ``progress(done, total)`` while rows are read or written
Progress = Callable[[int, int | None], None]


class ImportOptionError(ValueError):
    """The options or the file as a whole cannot be used (a bad format, mapping...).

    ``option`` names the option at fault ("format", "mapping") or is "" for the file.
    """

    def __init__(self, message: str, option: str = "") -> None:
        super().__init__(message)
        self.option = option


@dataclass(frozen=True)
class ImportOptions:
    #: csv, xlsx or jsonstat; None: from the file name
    fmt: str | None = None
    #: JSON-stat2 only: a preset name (see ``jsonstat.PRESETS``) or a mapping JSON file
    mapping: str | None = None
    #: the source of values whose source cell is empty (JSON-stat2: of every value)
    source: str | None = None
    note: str = ""


@dataclass(frozen=True)
class ReadFile:
    parsed: indicator_files.ParsedFile
    fmt: str
    #: remarks on what was read but not stored (missing cells, other regions)
    notes: list[str] = field(default_factory=list)


def choose_format(path: Path, fmt: str | None, mapping: str | None) -> str:
    """The format to read ``path`` as; ImportOptionError when it cannot be used."""
    chosen = fmt or ("jsonstat" if path.suffix.lower() == ".json" else None)
    if chosen is None:
        try:
            chosen = indicator_files.detect_format(path)
        except ValueError as error:
            raise ImportOptionError(str(error), "format") from None
    if chosen not in FORMATS:
        raise ImportOptionError(f"unknown format {chosen!r}: use csv, xlsx or jsonstat", "format")
    if chosen == "jsonstat" and not mapping:
        raise ImportOptionError(
            f"a JSON-stat2 file needs a mapping (a JSON file or {', '.join(jsonstat.PRESETS)})",
            "mapping",
        )
    return chosen


def read(
    path: Path,
    options: ImportOptions,
    *,
    file_name: str | None = None,
    progress: Progress | None = None,
) -> ReadFile:
    """Read and validate ``path``: rows, or errors naming file, row, column and reason.

    ``file_name`` is the name errors give (default: the path's name).
    ImportOptionError for a bad format or mapping, or a JSON-stat2 file that cannot be read.
    """
    from trepart.indicators.models import known_indicators

    name = file_name or path.name
    chosen = choose_format(Path(name) if file_name else path, options.fmt, options.mapping)
    known = known_indicators()
    notes: list[str] = []
    if chosen == "jsonstat":
        assert options.mapping is not None
        try:
            result = jsonstat.read_file(
                path,
                options.mapping,
                indicators=known,
                source=options.source,
                progress=progress,
            )
        except jsonstat.JsonStatError as error:
            raise ImportOptionError(f"{name}: {error}") from None
        parsed = _renamed(result.parsed, name)
        if result.missing:
            notes.append(f"{result.missing} missing cells skipped")
        if result.other_regions:
            regions = ", ".join(f"{code} {label}" for code, label in result.other_regions)
            notes.append(f"{len(result.comparison)} values of other regions not stored: {regions}")
    else:
        parsed = _renamed(
            indicator_files.read_file(
                path,
                fmt="xlsx" if chosen == "xlsx" else "csv",
                indicators=known,
                default_source=options.source or "",
                progress=progress,
            ),
            name,
        )
    return ReadFile(parsed, chosen, notes)


def _renamed(parsed: indicator_files.ParsedFile, name: str) -> indicator_files.ParsedFile:
    if parsed.file_name == name:
        return parsed
    errors = tuple(
        indicator_files.FileError(name, e.row, e.column, e.reason) for e in parsed.errors
    )
    return indicator_files.ParsedFile(name, parsed.format, parsed.rows, errors, parsed.more_errors)


def store(
    actor: Actor,
    read_file: ReadFile,
    options: ImportOptions,
    *,
    progress: Progress | None = None,
) -> ImportBatch:
    """Write a valid file's rows as one import batch (all-or-nothing)."""
    from trepart.indicators import actions

    return actions.do_import(
        actor, read_file.parsed, fmt=read_file.fmt, note=options.note, progress=progress
    )
