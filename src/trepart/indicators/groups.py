"""Comparison groups read from the store: a municipality's group and the group's averages.

Groupings are imported (``trepart savings import-grouping``, stored in the savings app); this
module turns a stored grouping into :class:`trepart.analysis.groups.Grouping` and computes the
average of a group in one municipal structure (see :mod:`trepart.analysis.groups`), cached like
the national averages under the store's version and the grouping's import time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache

from trepart.analysis import groups
from trepart.analysis.harmonise import NationalAverage
from trepart.indicators.models import known_indicators
from trepart.indicators.selectors import store_version, stored_rows

__all__ = [
    "GroupContext",
    "GroupingMissing",
    "group_context",
    "grouping",
    "latest_grouping_slug",
]


class GroupingMissing(LookupError):
    """No grouping with that short name has been imported."""


def grouping(slug: str) -> groups.Grouping:
    """The stored grouping ``slug``; GroupingMissing if none was imported under it."""
    return _load(slug)[0]


def _load(slug: str) -> tuple[groups.Grouping, str]:
    """The grouping and a stamp that changes when it is imported again."""
    from trepart.savings.models import ComparisonGrouping

    found = ComparisonGrouping.objects.filter(slug=slug).first()
    if found is None:
        known = ", ".join(ComparisonGrouping.objects.values_list("slug", flat=True)) or "none"
        raise GroupingMissing(
            f"no comparison grouping {slug!r} has been imported (imported: {known}); "
            "see `trepart savings import-grouping`"
        )
    stamp = f"{found.pk}:{found.imported_at.isoformat()}"
    key = f"trepart:grouping:{stamp}"
    cached: groups.Grouping | None = cache.get(key)
    if cached is None:
        members: dict[str, str] = {}
        names: dict[str, str] = {}
        for code, group, name in found.memberships.values_list(
            "municipality_code", "group_code", "group_name"
        ):
            members[code] = group
            if name:
                names.setdefault(group, name)
        cached = groups.Grouping(
            name=found.name,
            valid_on=found.valid_on,
            source=found.source,
            members=members,
            group_names=names,
        )
        cache.set(key, cached, timeout=None)
    return cached, stamp


def latest_grouping_slug() -> str | None:
    """The short name of the grouping imported last, None when there is none."""
    from trepart.savings.models import ComparisonGrouping

    found = ComparisonGrouping.objects.order_by("-imported_at", "-id").first()
    return None if found is None else found.slug


@dataclass(frozen=True)
class GroupContext:
    """A municipality's group in a grouping, and the group's averages."""

    slug: str
    grouping: groups.Grouping
    group: str
    group_name: str
    members: groups.Members
    averages: tuple[NationalAverage, ...]


def group_context(
    slug: str,
    code: str,
    indicator_ids: Iterable[str],
    *,
    structure_date: dt.date,
    version: str | None = None,
) -> GroupContext | None:
    """The group of ``code`` (in the structure of ``structure_date``) in grouping ``slug`` and
    its averages of ``indicator_ids``; None when the municipality is in no group (or in an
    ambiguous one). GroupingMissing for an unknown grouping."""
    found, stamp = _load(slug)
    known = known_indicators()
    wanted = tuple(sorted(set(indicator_ids)))
    members_key = f"trepart:group-members:{stamp}:{structure_date.isoformat()}"
    all_members: dict[str, groups.Members] | None = cache.get(members_key)
    if all_members is None:
        all_members = {
            group: groups.members_on(found, group, structure_date)
            for group in sorted(set(found.members.values()))
        }
        cache.set(members_key, all_members, timeout=None)
    group = next((g for g, m in all_members.items() if code in m.codes), None)
    if group is None:
        return None
    members = all_members[group]
    wanted_key = hashlib.sha1(",".join(wanted).encode()).hexdigest()
    key = f"trepart:group:{version or store_version()}:{stamp}:{group}:{wanted_key}"
    averages: tuple[NationalAverage, ...] | None = cache.get(key)
    if averages is None:
        # Only the codes that ever became part of the group's municipalities are read, with
        # the weights (a weighted mean such as sick leave is weighted by its volume).
        group_codes = {code for code, member in found.members.items() if member == group}
        rows = stored_rows(wanted, codes_on=(group_codes, found.valid_on))
        averages = tuple(
            average
            for average in groups.group_averages(rows, found, group, indicators=known)
            if average.indicator_id in wanted
        )
        cache.set(key, averages, timeout=None)
    return GroupContext(slug, found, group, found.group_name(group), members, averages)
