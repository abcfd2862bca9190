"""The two input tables of an HR-register extract: columns, kinds and the allowed values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, NamedTuple

Kind = Literal["id", "code", "date", "number", "choice"]

TABLES: tuple[str, ...] = ("employments", "absences")

END_REASONS: tuple[str, ...] = ("quit", "afp", "retirement", "disability", "death", "other")
CERTIFIERS: tuple[str, ...] = ("self", "doctor")


class Column(NamedTuple):
    """One input column: its name, kind, whether a value is required and the allowed choices."""

    name: str
    kind: Kind
    required: bool
    choices: tuple[str, ...] = ()


COLUMNS: dict[str, tuple[Column, ...]] = {
    "employments": (
        Column("employee_id", "id", True),
        Column("municipality", "code", True),
        Column("birth_date", "date", True),
        Column("start_date", "date", True),
        Column("end_date", "date", False),
        Column("fte_pct", "number", True),
        Column("end_reason", "choice", False, END_REASONS),
    ),
    "absences": (
        Column("employee_id", "id", True),
        Column("municipality", "code", True),
        Column("start_date", "date", True),
        Column("end_date", "date", True),
        Column("grade_pct", "number", True),
        Column("certified_by", "choice", True, CERTIFIERS),
    ),
}


# A small table made from Python values (the calendar, the municipality codes): each column's
# name -> (its type, ``int64`` or ``string``, and its values).
SmallColumns = Mapping[str, tuple[Literal["int64", "string"], Sequence[Any]]]
