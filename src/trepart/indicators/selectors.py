"""Reads of the indicator store: the one place where stored rows become ``analysis`` inputs.

Rows are read as plain tuples (current values only), translated to the municipal structure of
one date by :func:`trepart.analysis.harmonise.harmonise`, and returned as frozen dataclasses.
Indicator values are public statistics about municipalities, not about persons, so these
reads need no permission check.

The national average of a period is computed over every stored municipality (not only those
asked for), from the values as stored, by the indicator's rule
(:func:`trepart.analysis.harmonise.national_averages`): weighted by the weight indicator for a
weighted mean (the national rate), otherwise the mean per municipality.

National averages read every stored value, so they are cached (Django's cache, one entry per
indicator) under a key that includes :func:`store_version`: the highest value id, the number of
rows and of current rows, and the custom indicators. Every import, correction, demo reload or
deletion changes it, so a stale average is never served and nothing has to be invalidated by
hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, Max
from django.http import Http404

from trepart.analysis import indicators as catalogue
from trepart.analysis import municipalities
from trepart.analysis.harmonise import (
    NationalAverage,
    PanelRow,
    Problem,
    harmonise,
    national_averages,
)
from trepart.analysis.indicator_files import IndicatorRow
from trepart.indicators.models import (
    CustomIndicator,
    ImportBatch,
    IndicatorValue,
    known_indicators,
)

__all__ = [
    "IndicatorSeries",
    "MunicipalityIndicators",
    "Panel",
    "Series",
    "SeriesPoint",
    "current_rows",
    "indicator_catalogue",
    "municipality_indicators",
    "panel",
    "series",
    "store_version",
    "stored_indicator_ids",
    "stored_rows",
    "value_history",
]


def indicator_catalogue() -> dict[str, catalogue.Indicator]:
    """The built-in indicators and the custom ones, by id."""
    return known_indicators()


def _indicator(indicator_id: str, known: Mapping[str, catalogue.Indicator]) -> catalogue.Indicator:
    try:
        return known[indicator_id]
    except KeyError:
        raise catalogue.UnknownIndicator(indicator_id, list(known)) from None


def _with_weights(
    indicator_ids: Iterable[str], known: Mapping[str, catalogue.Indicator]
) -> set[str]:
    ids = set()
    for indicator_id in indicator_ids:
        indicator = _indicator(indicator_id, known)
        ids.add(indicator_id)
        if indicator.weight:
            ids.add(indicator.weight)
    return ids


def _stored(indicator_ids: Collection[str], codes: Collection[str] | None = None) -> list[PanelRow]:
    values = IndicatorValue.objects.filter(
        superseded_at__isnull=True, indicator_id__in=sorted(indicator_ids)
    )
    if codes is not None:
        values = values.filter(municipality_code__in=sorted(codes))
    return [
        PanelRow(code, year, quarter, indicator_id, value)
        for code, year, quarter, indicator_id, value in values.values_list(
            "municipality_code", "year", "quarter", "indicator_id", "value"
        ).iterator(chunk_size=10_000)
    ]


def stored_rows(
    indicator_ids: Iterable[str], *, codes_on: tuple[Collection[str], dt.date] | None = None
) -> list[PanelRow]:
    """Current values of ``indicator_ids`` and their weight indicators, as stored.

    ``codes_on`` = (codes, date) limits them to the codes of any Klass version that become
    (part of) one of those codes on that date.
    """
    known = known_indicators()
    needed = _with_weights(indicator_ids, known)
    if codes_on is None:
        return _stored(needed)
    codes, on = codes_on
    return _stored(needed, _source_codes(codes, on))


def _source_codes(codes: Iterable[str], structure_date: dt.date) -> set[str]:
    """Every code of any Klass version that becomes (part of) one of ``codes`` on the date."""
    klass = municipalities.load()
    found: set[str] = set()
    for code in codes:
        klass.municipality(code, structure_date)  # MunicipalityError for a bad code
        for start, _end in klass.versions:
            found.update(
                m.code for m in klass.sources(code, to_date=structure_date, from_date=start)
            )
    return found


def store_version() -> str:
    """A key that changes with every write to the indicator store (and custom indicators).

    Every import, correction and demo reload creates an import batch (its time is part of the
    key) and adds rows (a higher id and count; a value is only superseded by a new row); a
    deletion lowers the count. The batch time also keeps the key unique where ids are reused
    (SQLite rolls its id counter back with a transaction, as in tests).
    """
    values = IndicatorValue.objects.aggregate(last=Max("id"), rows=Count("id"))
    batches = ImportBatch.objects.aggregate(last=Max("imported_at"), rows=Count("id"))
    custom = CustomIndicator.objects.aggregate(last=Max("id"), rows=Count("id"))
    stamp = batches["last"].isoformat() if batches["last"] else "-"
    return (
        f"{values['last']}.{values['rows']}.{batches['rows']}.{stamp}."
        f"{custom['last']}.{custom['rows']}"
    )


def _national(
    indicator_ids: Collection[str], known: Mapping[str, catalogue.Indicator], version: str
) -> tuple[NationalAverage, ...]:
    """National averages of ``indicator_ids``, from the cache when the store is unchanged."""
    found: list[NationalAverage] = []
    missing: list[str] = []
    for indicator_id in indicator_ids:
        cached = cache.get(f"trepart:national:{version}:{indicator_id}")
        if cached is None:
            missing.append(indicator_id)
        else:
            found.extend(cached)
    if missing:
        computed = national_averages(_stored(_with_weights(missing, known)), indicators=known)
        for indicator_id in missing:
            averages = tuple(a for a in computed if a.indicator_id == indicator_id)
            cache.set(f"trepart:national:{version}:{indicator_id}", averages, timeout=None)
            found.extend(averages)
    found.sort(key=lambda a: (a.indicator_id, a.year, a.quarter or 0))
    return tuple(found)


def stored_indicator_ids(version: str | None = None) -> list[str]:
    """The ids of the indicators with current values (cached like the national averages)."""
    version = version or store_version()
    key = f"trepart:stored-ids:{version}"
    ids: list[str] | None = cache.get(key)
    if ids is None:
        ids = sorted(
            set(
                IndicatorValue.objects.filter(superseded_at__isnull=True)
                .values_list("indicator_id", flat=True)
                .distinct()
            )
        )
        cache.set(key, ids, timeout=None)
    return ids


@dataclass(frozen=True)
class Panel:
    """Values of several indicators, every code in the structure of ``structure_date``."""

    structure_date: dt.date
    indicator_ids: tuple[str, ...]
    rows: tuple[PanelRow, ...]
    national: tuple[NationalAverage, ...]
    #: values (or merged units) left out, and why; see ``trepart.analysis.harmonise``
    problems: tuple[Problem, ...]


def panel(
    indicator_ids: Iterable[str],
    *,
    structure_date: dt.date,
    codes: Iterable[str] | None = None,
    version: str | None = None,
) -> Panel:
    """Current values of ``indicator_ids`` translated to the structure of ``structure_date``.

    ``codes`` (in that structure) limits the municipalities; values stored under their
    predecessors are included. Weight indicators are read too (to merge weighted means) but
    only the asked-for indicators are returned. UnknownIndicator for an unknown id,
    MunicipalityError for a code not valid on ``structure_date``.
    """
    known = known_indicators()
    wanted = tuple(dict.fromkeys(indicator_ids))
    needed = _with_weights(wanted, known)
    targets = None if codes is None else set(codes)
    if targets is None:
        stored = _stored(needed)
    else:
        stored = _stored(needed, _source_codes(targets, structure_date))
    result = harmonise(stored, to_date=structure_date, indicators=known)
    rows = tuple(
        row
        for row in result.rows
        if row.indicator_id in wanted and (targets is None or row.code in targets)
    )
    national = _national(wanted, known, version or store_version())
    problems = tuple(p for p in result.problems if p.indicator_id in wanted)
    return Panel(structure_date, wanted, rows, national, problems)


@dataclass(frozen=True)
class SeriesPoint:
    year: int
    quarter: int | None
    value: float
    #: the national average of the same period (None if none could be computed)
    national: float | None


@dataclass(frozen=True)
class Series:
    code: str
    name: str
    indicator: catalogue.Indicator
    structure_date: dt.date
    points: tuple[SeriesPoint, ...]
    problems: tuple[Problem, ...]


def series(code: str, indicator_id: str, *, structure_date: dt.date) -> Series:
    """One municipality's values of one indicator, in the structure of ``structure_date``."""
    name = municipalities.load().municipality(code, structure_date).name
    result = panel([indicator_id], structure_date=structure_date, codes=[code])
    national = {(a.year, a.quarter): a.value for a in result.national}
    points = tuple(
        SeriesPoint(row.year, row.quarter, row.value, national.get((row.year, row.quarter)))
        for row in result.rows
    )
    return Series(
        code=code,
        name=name,
        indicator=known_indicators()[indicator_id],
        structure_date=structure_date,
        points=points,
        problems=result.problems,
    )


def current_rows(
    *, indicator_ids: Iterable[str] | None = None, codes: Iterable[str] | None = None
) -> list[IndicatorRow]:
    """Current values as stored (each under its period's code), for export."""
    # Annual values before the quarters on every database (PostgreSQL sorts NULL last).
    values = IndicatorValue.objects.filter(superseded_at__isnull=True).order_by(
        "indicator_id", "municipality_code", "year", F("quarter").asc(nulls_first=True)
    )
    if indicator_ids is not None:
        values = values.filter(indicator_id__in=sorted(set(indicator_ids)))
    if codes is not None:
        values = values.filter(municipality_code__in=sorted(set(codes)))
    return [
        IndicatorRow(code, indicator_id, year, quarter, value, source)
        for code, indicator_id, year, quarter, value, source in values.values_list(
            "municipality_code", "indicator_id", "year", "quarter", "value", "source"
        ).iterator(chunk_size=10_000)
    ]


def value_history(
    code: str, indicator_id: str, year: int, quarter: int | None = None
) -> list[IndicatorValue]:
    """Every value stored for one key, newest first, with its import: the correction history."""
    return list(
        IndicatorValue.objects.filter(
            municipality_code=code, indicator_id=indicator_id, year=year, quarter=quarter
        )
        .select_related("batch", "superseded_by")
        .order_by("-id")
    )


# -- the municipality's indicator page -------------------------------------------------


@dataclass(frozen=True)
class IndicatorSeries:
    indicator: catalogue.Indicator
    points: tuple[SeriesPoint, ...]


@dataclass(frozen=True)
class MunicipalityIndicators:
    code: str
    name: str
    structure_date: dt.date
    series: tuple[IndicatorSeries, ...]
    problems: tuple[Problem, ...]
    #: some values shown are synthetic (the demo panel)
    synthetic: bool
    #: :func:`store_version` when the page was read (a cache key for more reads)
    store_version: str = ""


def municipality_indicators(code: str, *, structure_date: dt.date) -> MunicipalityIndicators:
    """Every indicator with values for ``code`` (in the structure of ``structure_date``),
    beside the national average of each period; Http404 for a code not valid then."""
    try:
        name = municipalities.load().municipality(code, structure_date).name
    except municipalities.MunicipalityError as error:
        raise Http404(str(error)) from None
    known = known_indicators()
    version = store_version()
    stored_ids = stored_indicator_ids(version)
    result = panel(stored_ids, structure_date=structure_date, codes=[code], version=version)
    national = {(a.indicator_id, a.year, a.quarter): a.value for a in result.national}
    by_indicator: dict[str, list[SeriesPoint]] = {}
    for row in sorted(result.rows, key=lambda r: (r.year, r.quarter or 0)):
        by_indicator.setdefault(row.indicator_id, []).append(
            SeriesPoint(
                row.year,
                row.quarter,
                row.value,
                national.get((row.indicator_id, row.year, row.quarter)),
            )
        )
    order = list(known)
    series = tuple(
        IndicatorSeries(known[indicator_id], tuple(points))
        for indicator_id, points in sorted(
            by_indicator.items(), key=lambda item: order.index(item[0])
        )
    )
    sources = _source_codes({code}, structure_date)
    synthetic = IndicatorValue.objects.filter(
        municipality_code__in=sources, superseded_at__isnull=True, is_synthetic=True
    ).exists()
    return MunicipalityIndicators(
        code, name, structure_date, series, result.problems, synthetic, version
    )
