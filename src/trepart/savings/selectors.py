"""Savings inputs read from the indicator store: the one place stored values meet the model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from trepart.analysis import indicators as catalogue
from trepart.analysis import municipalities, savings
from trepart.indicators.selectors import municipality_indicators

#: Rates can be compared with a national average; amounts and volumes cannot (a national
#: mean of kroner says nothing about one municipality's size).
COMPARABLE_UNITS = ("percent", "share")


class SavingsInputMissing(ValueError):
    """The store lacks the values a savings computation needs."""


@dataclass(frozen=True)
class SavingsInputs:
    code: str
    name: str
    year: int
    actual: dict[str, float]
    baseline: savings.Baseline
    synthetic: bool


def savings_inputs(
    code: str,
    year: int,
    *,
    baseline: str,
    baseline_year: int | None = None,
    structure_date: dt.date | None = None,
) -> SavingsInputs:
    """The actual year's values of ``code`` and the chosen baseline's.

    ``baseline`` is ``"earlier"`` (the municipality's own values in ``baseline_year``) or
    ``"national"`` (the national average of ``year``, for rates and shares only). Values are
    read in the municipal structure of ``structure_date`` (default: the latest).
    """
    structure_date = structure_date or municipalities.load().latest
    page = municipality_indicators(code, structure_date=structure_date)
    by_year: dict[int, dict[str, float]] = {}
    national: dict[str, float] = {}
    for series in page.series:
        for point in series.points:
            if point.quarter is not None:
                continue
            by_year.setdefault(point.year, {})[series.indicator.id] = point.value
            if (
                point.year == year
                and point.national is not None
                and series.indicator.unit in COMPARABLE_UNITS
            ):
                national[series.indicator.id] = point.national
    known = set(catalogue.CATALOGUE)
    by_year = {y: {k: v for k, v in values.items() if k in known} for y, values in by_year.items()}
    if year not in by_year:
        raise SavingsInputMissing(f"no values stored for {code} {page.name} in {year}")
    if baseline == "earlier":
        if baseline_year is None or baseline_year not in by_year:
            raise SavingsInputMissing(
                f"no values stored for {code} {page.name} in the baseline year {baseline_year}"
            )
        chosen = savings.Baseline.earlier_period(
            by_year[baseline_year], label=f"{page.name} {baseline_year}"
        )
    elif baseline == "national":
        chosen = savings.Baseline.comparison_average(national, label=f"national average {year}")
    else:
        raise ValueError(f"unknown baseline {baseline!r}: use 'earlier' or 'national'")
    return SavingsInputs(code, page.name, year, by_year[year], chosen, page.synthetic)


def municipality_name(code: str, structure_date: dt.date | None = None) -> str:
    """The name of ``code`` in the structure of ``structure_date``; Http404 if not valid."""
    from django.http import Http404

    try:
        on = structure_date or municipalities.load().latest
        return municipalities.load().municipality(code, on).name
    except municipalities.MunicipalityError as error:
        raise Http404(str(error)) from None


def parse_baseline(spec: str) -> tuple[str, int | None]:
    """``"national"`` or ``"earlier:YEAR"`` as (kind, year); ValueError naming the spec."""
    kind, _, since = spec.partition(":")
    if kind == "national" and not since:
        return kind, None
    if kind == "earlier" and since.isdigit():
        return kind, int(since)
    raise ValueError(f"baseline {spec!r}: use 'national' or 'earlier:YEAR'")


def compute_scenario(
    code: str,
    year: int,
    *,
    baseline: str,
    changes: dict[str, str] | None = None,
    structure_date: dt.date | None = None,
) -> tuple[SavingsInputs, savings.SavingsReport]:
    """A municipality's savings in ``year`` against ``baseline`` (see :func:`parse_baseline`),
    with cost parameters changed by ``changes`` (name → value).

    Raises ValueError (bad baseline or parameter name), ``savings.SavingsError`` (a bad
    parameter value), SavingsInputMissing (values not stored) or Http404 (unknown code).
    """
    kind, since = parse_baseline(baseline)
    params = savings.DEFAULTS
    for name in changes or {}:
        if name not in savings.PARAMETER_NAMES:
            raise ValueError(f"{name!r} is not a cost parameter; see `trepart savings parameters`")
    if changes:
        params = params.replace(**changes)
    inputs = savings_inputs(
        code, year, baseline=kind, baseline_year=since, structure_date=structure_date
    )
    return inputs, savings.compute_savings(inputs.actual, inputs.baseline, params)
