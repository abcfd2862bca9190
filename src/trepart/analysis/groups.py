"""Comparison groups of municipalities (e.g. SSB's KOSTRA groups) and their averages.

A *grouping* puts each municipality (a code valid on the grouping's ``valid_on`` date) in one
group. SSB's KOSTRA groups (*KOSTRA-grupper*, Klass classification 112, «Gruppering av kommuner
etter folkemengde og økonomiske rammebetingelser») are one such grouping: SSB publishes the
municipality → group correspondence in Klass, and its CSV export can be read by
:func:`parse_grouping_csv`. Trepart ships no grouping itself: no complete, citable membership
list was available when this was written, and memberships are never made up. Import SSB's file
(or any grouping of your own) with ``trepart savings import-grouping``.

The average of a group is computed like the national average
(:func:`trepart.analysis.harmonise.national_averages`), from the values as stored, over the
values whose municipality (translated to the grouping's structure) lies wholly in the group
(:func:`group_averages`). :func:`members_on` translates the grouping's codes to the structure a
page is shown in, to find a municipality's group; a municipality that merged from parts in
*different* groups belongs to no group (it is listed in :attr:`Members.ambiguous`), never
silently to one of them.

Pure: no Django; a notebook can use it with rows from anywhere.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from trepart.analysis import municipalities
from trepart.analysis.harmonise import (
    NationalAverage,
    PanelRow,
    national_averages,
    period_start,
)
from trepart.analysis.indicators import Indicator

__all__ = [
    "Grouping",
    "GroupingError",
    "Members",
    "group_averages",
    "members_on",
    "parse_grouping_csv",
]

#: header names accepted for the municipality code and the group (lower case)
_CODE_COLUMNS = ("municipality", "code", "kommunenummer", "sourcecode", "source_code")
_GROUP_COLUMNS = ("group", "gruppe", "kostragruppe", "targetcode", "target_code")
_GROUP_NAME_COLUMNS = ("group_name", "gruppenavn", "targetname", "target_name")


class GroupingError(ValueError):
    """A grouping file or grouping is not valid; the message names the file, row and column."""


@dataclass(frozen=True)
class Grouping:
    """Municipality code (valid on ``valid_on``) → group code, with the groups' names."""

    name: str
    valid_on: date
    source: str
    members: Mapping[str, str]
    group_names: Mapping[str, str] = field(default_factory=dict)

    def group_of(self, code: str) -> str | None:
        """Return the group of ``code`` (a code valid on ``valid_on``), None if it has none."""
        return self.members.get(code)

    def group_name(self, group: str) -> str:
        """Return the group's name, or its code when the file named none."""
        return self.group_names.get(group) or group


@dataclass(frozen=True)
class Members:
    """A group's members in the structure of ``on``; ``ambiguous`` are codes formed from
    municipalities of different groups (they count in no group)."""

    group: str
    on: date
    codes: frozenset[str]
    ambiguous: frozenset[str]


def parse_grouping_csv(
    text: str, *, file_name: str, valid_on: date, klass: municipalities.Klass | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """Read ``code → group`` (and ``group → name``) from a CSV file.

    The separator (comma or semicolon) is detected. The header must name the municipality
    column (``municipality``, ``code``, ``kommunenummer`` or Klass's ``sourceCode``) and the
    group column (``group``, ``gruppe``, ``kostragruppe`` or Klass's ``targetCode``); a group
    name column (``group_name`` or Klass's ``targetName``) is optional. Every code must be a
    municipality valid on ``valid_on`` and appear once. Raises GroupingError naming the file,
    row (the header is row 1) and column of the first problems, and nothing is returned half.
    """
    klass = klass or municipalities.load()
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise GroupingError(f"{file_name}: the file is empty")
    header = [cell.strip().lower() for cell in rows[0]]

    def column(names: tuple[str, ...], required: bool) -> int | None:
        for name in names:
            if name in header:
                return header.index(name)
        if required:
            raise GroupingError(
                f"{file_name}, row 1: no column {' or '.join(names[:3])} in the header "
                f"{', '.join(rows[0])}"
            )
        return None

    code_at = column(_CODE_COLUMNS, True)
    group_at = column(_GROUP_COLUMNS, True)
    name_at = column(_GROUP_NAME_COLUMNS, False)
    assert code_at is not None and group_at is not None
    members: dict[str, str] = {}
    names: dict[str, str] = {}
    errors: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(code_at, group_at):
            errors.append(f"row {number}: too few columns")
            continue
        code = row[code_at].strip()
        group = row[group_at].strip()
        if code.isdigit() and len(code) == 3:
            code = "0" + code
        if not group:
            errors.append(f"row {number}, column {rows[0][group_at]}: no group")
            continue
        try:
            klass.municipality(code, valid_on)
        except municipalities.MunicipalityError as error:
            errors.append(f"row {number}, column {rows[0][code_at]}: {error}")
            continue
        if code in members:
            errors.append(f"row {number}, column {rows[0][code_at]}: {code} is listed twice")
            continue
        members[code] = group
        if name_at is not None and len(row) > name_at and row[name_at].strip():
            names.setdefault(group, row[name_at].strip())
    if errors:
        shown = "; ".join(errors[:5]) + (f"; and {len(errors) - 5} more" if len(errors) > 5 else "")
        raise GroupingError(f"{file_name}: {shown}")
    if not members:
        raise GroupingError(f"{file_name}: no municipalities in the file")
    return members, names


def members_on(
    grouping: Grouping, group: str, on: date, klass: municipalities.Klass | None = None
) -> Members:
    """The members of ``group`` translated to the municipal structure of ``on``."""
    klass = klass or municipalities.load()
    groups_of: dict[str, set[str]] = {}
    for code, member_group in grouping.members.items():
        translation = klass.translate(code, grouping.valid_on, on)
        for target in translation.codes:
            groups_of.setdefault(target, set()).add(member_group)
    codes = frozenset(code for code, found in groups_of.items() if found == {group})
    ambiguous = frozenset(
        code for code, found in groups_of.items() if group in found and len(found) > 1
    )
    return Members(group, on, codes, ambiguous)


def group_averages(
    rows: Iterable[PanelRow],
    grouping: Grouping,
    group: str,
    *,
    indicators: Mapping[str, Indicator],
    klass: municipalities.Klass | None = None,
) -> tuple[NationalAverage, ...]:
    """The average of ``group`` per indicator and period, by the same rule as the national
    average (weighted by the weight indicator for a weighted mean, else the mean per
    municipality), from ``rows`` *as stored* (each under the code valid at the start of its
    period, like :func:`trepart.analysis.harmonise.national_averages`).

    A stored value counts for the group when its code translates (SSB Klass 131) to the
    grouping's structure wholly into municipalities of ``group``; a code that was split over
    several groups, or is unknown on its date, counts for none.
    """
    klass = klass or municipalities.load()
    member: dict[tuple[str, date], bool] = {}

    def belongs(code: str, on: date) -> bool:
        key = (code, on)
        found = member.get(key)
        if found is None:
            try:
                codes = klass.translate(code, on, grouping.valid_on).codes
            except municipalities.MunicipalityError:
                found = False
            else:
                found = all(grouping.members.get(c) == group for c in codes)
            member[key] = found
        return found

    return national_averages(
        (row for row in rows if belongs(row.code, period_start(row.year, row.quarter))),
        indicators=indicators,
    )
