"""Check an input table against its schema, as Ibis expressions (one scan when all is well).

Each check is a boolean expression per row, true when the row breaks the rule. One aggregate
counts the rows read and the rows breaking any rule; only when some rule is broken are the
rows counted per rule and the offending rows fetched (the first ones by row number) to name
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import ibis  # type: ignore[import-untyped]
import ibis.expr.types as ir  # type: ignore[import-untyped]

from trepart.analysis.register._engine import ROW
from trepart.analysis.register._schema import COLUMNS, Column

# Strict ISO dates; a well-formed but impossible date (2023-02-30) fails the cast after it.
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# How many offending rows are fetched to be named in an error.
MAX_NAMED = 50
KNOWN = "_known_code"


class Check(NamedTuple):
    """One rule: the column it is about, its reason (the category counted) and its test."""

    column: str
    reason: str
    broken: ir.BooleanValue
    shown: ir.Value | None


@dataclass(frozen=True)
class Checked:
    """One table read and checked: the typed table and what broke."""

    table: str
    raw: ir.Table
    values: dict[str, ir.Value]
    invalid: ir.BooleanValue | None
    checks: tuple[Check, ...]
    # Every row typed, without the code look-up (for input that breaks no rule).
    typed: ir.Table

    def valid_rows(self) -> ir.Table:
        """The rows that break no rule, typed."""
        if self.invalid is None:
            return self.typed
        flagged = self.raw.select(**self.values, **{ROW: self.raw[ROW], "_bad": self.invalid})
        return flagged.filter(~flagged._bad).drop("_bad")


def missing_columns(table: str, raw: ir.Table) -> list[str]:
    """Return the required columns missing from ``raw`` (optional ones may be left out)."""
    present = set(raw.columns)
    return [c.name for c in COLUMNS[table] if c.name not in present and c.required]


def _blank(value: ir.Value) -> ir.BooleanValue:
    if value.type().is_string():
        return value.isnull() | (value.cast("string") == "")
    return value.isnull()


def _typed(
    column: Column, raw: ir.Table, *, with_checks: bool = True
) -> tuple[ir.Value, list[Check]]:
    """Return the column as its proper type, and the checks of its values."""
    name = column.name
    if name not in raw.columns:
        # An optional column left out: every value is empty.
        empty = {"date": "date", "number": "float64"}.get(column.kind, "string")
        return ibis.null().cast(empty), []
    value: ir.Value = raw[name]
    blank = _blank(value)
    checks: list[Check] = []
    if column.required:
        reason = "empty employee_id" if column.kind == "id" else "missing value"
        checks.append(Check(name, reason, blank, None))
    dtype = value.type()
    if column.kind == "date":
        if dtype.is_string():
            text = value.cast("string")
            parsed = ibis.ifelse(text.re_search(_ISO_DATE), text.try_cast("date"), ibis.null())
            checks.append(Check(name, "unparseable date", ~blank & parsed.isnull(), text))
            typed: ir.Value = ibis.ifelse(blank, ibis.null(), parsed).cast("date")
        elif dtype.is_timestamp():
            typed = value.cast("date")
        else:
            typed = value.cast("date")
    elif column.kind == "number":
        if dtype.is_string():
            text = value.cast("string")
            number = text.strip().try_cast("float64")
            checks.append(Check(name, "unparseable number", ~blank & number.isnull(), text))
            typed = ibis.ifelse(blank, ibis.null(), number).cast("float64")
        else:
            typed = value.cast("float64")
        out = ~typed.isnull() & ~((typed > 0) & (typed <= 100))
        checks.append(Check(name, "out of range (0, 100]", out, typed.cast("string")))
    else:
        text = value.cast("string")
        typed = ibis.ifelse(blank, ibis.null(), text)
        if column.kind == "code":
            if with_checks:
                # Looked up by a join (see `check`): a long IN list is slow to compile and run.
                unknown = ~blank & ~raw[KNOWN]
                checks.append(Check(name, "unknown municipality code", unknown, text))
        elif column.kind == "choice":
            unknown = ~blank & ~text.isin(list(column.choices))
            checks.append(Check(name, f"unknown {name}", unknown, text))
    return typed, checks


def check(table: str, raw: ir.Table, codes: ir.Table) -> Checked:
    """Type the columns of ``raw`` and build every check of ``table``'s schema.

    ``codes`` has one column ``_code``: the valid municipality codes.
    """
    joined = raw.left_join(codes, raw.municipality == codes._code).select(
        *raw.columns, **{KNOWN: codes._code.notnull()}
    )
    values: dict[str, ir.Value] = {}
    plain: dict[str, ir.Value] = {}
    checks: list[Check] = []
    for column in COLUMNS[table]:
        typed, found = _typed(column, joined)
        values[column.name] = typed
        plain[column.name] = _typed(column, raw, with_checks=False)[0]
        checks.extend(found)
    end_before_start = values["end_date"] < values["start_date"]
    checks.append(
        Check(
            "end_date",
            "end_date before start_date",
            end_before_start.fill_null(False),
            values["end_date"].cast("string"),
        )
    )
    invalid: ir.BooleanValue | None = None
    for each in checks:
        broken = each.broken.fill_null(False)
        invalid = broken if invalid is None else invalid | broken
    return Checked(table, joined, values, invalid, tuple(checks), raw.select(**plain))


def summarise(checked: Checked) -> ir.Table:
    """One row: ``rows`` read, ``broken`` the rows breaking some rule, and the earliest and
    latest ``start_date`` and ``end_date`` of all rows (``first_start``, ``last_start``,
    ``first_end``, ``last_end``): the dates of the valid rows when no rule is broken.

    The quick check of well-formed input: only when some rule is broken are the rows counted
    per rule (:func:`count_broken`).
    """
    raw = checked.raw
    invalid = ibis.literal(False) if checked.invalid is None else checked.invalid
    metrics: dict[str, Any] = {
        "rows": raw[ROW].count(),
        "broken": invalid.cast("int64").sum().fill_null(0),
    }
    return raw.aggregate(**metrics, **_date_bounds(checked, None))


def count_broken(checked: Checked) -> ir.Table:
    """One row: ``rows`` read, for each check ``c<i>`` the number of rows breaking it, and the
    earliest and latest ``start_date`` and ``end_date`` of the rows that break none
    (``first_start``, ``last_start``, ``first_end``, ``last_end``; null without such rows)."""
    raw = checked.raw
    metrics: dict[str, Any] = {"rows": raw[ROW].count()}
    for index, each in enumerate(checked.checks):
        metrics[f"c{index}"] = each.broken.fill_null(False).cast("int64").sum().fill_null(0)
    valid = None if checked.invalid is None else ~checked.invalid
    return raw.aggregate(**metrics, **_date_bounds(checked, valid))


def _date_bounds(checked: Checked, where: ir.BooleanValue | None) -> dict[str, ir.Scalar]:
    """The earliest and latest ``start_date`` and ``end_date`` (of the rows ``where`` holds)."""
    bounds = {}
    for name, column in (("start", "start_date"), ("end", "end_date")):
        value = checked.values[column]
        bounds[f"first_{name}"] = value.min(where=where)
        bounds[f"last_{name}"] = value.max(where=where)
    return bounds


def offending_rows(checked: Checked, broken: Sequence[int]) -> ir.Table:
    """The first :data:`MAX_NAMED` rows breaking any of the checks numbered ``broken``."""
    raw = checked.raw
    columns: dict[str, Any] = {ROW: raw[ROW]}
    any_broken: ir.BooleanValue | None = None
    for index in broken:
        each = checked.checks[index]
        flag = each.broken.fill_null(False)
        columns[f"b{index}"] = flag
        if each.shown is not None:
            columns[f"v{index}"] = each.shown.cast("string")
        any_broken = flag if any_broken is None else any_broken | flag
    assert any_broken is not None
    return raw.filter(any_broken).select(**columns).order_by(ROW).limit(MAX_NAMED)
