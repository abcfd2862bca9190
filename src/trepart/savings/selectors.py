"""Savings inputs read from the indicator store: the one place stored values meet the model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from trepart.analysis import indicators as catalogue
from trepart.analysis import municipalities, savings
from trepart.indicators import groups
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
    grouping: str | None = None,
    structure_date: dt.date | None = None,
    study: int | None = None,
    study_effect: str = "group",
) -> SavingsInputs:
    """The actual year's values of ``code`` and the chosen baseline's.

    ``baseline`` is ``"earlier"`` (the municipality's own values in ``baseline_year``),
    ``"national"`` (the national average of ``year``, for rates and shares only) or ``"group"``
    (the average of the municipality's group in the imported grouping ``grouping``, the same
    year, rates and shares only). Values are read in the municipal structure of
    ``structure_date`` (default: the latest). ``"study"`` is the counterfactual from the
    finished effect study ``study``: the observed value of its outcome minus the effect it
    estimated for the municipality (its cohort's, or with ``study_effect="simple"`` the
    average; see :func:`trepart.evaluation.selectors.counterfactual_baseline`).
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
    elif baseline == "group":
        slug = grouping or groups.latest_grouping_slug()
        if slug is None:
            raise SavingsInputMissing(
                "no comparison grouping has been imported; see `trepart savings import-grouping`"
            )
        try:
            context = groups.group_context(
                slug,
                code,
                (s.indicator.id for s in page.series),
                structure_date=structure_date,
                version=page.store_version,
            )
        except groups.GroupingMissing as error:
            raise SavingsInputMissing(str(error)) from None
        if context is None:
            raise SavingsInputMissing(f"{code} {page.name} is in no group of the grouping {slug!r}")
        units = {s.indicator.id: s.indicator.unit for s in page.series}
        values = {
            a.indicator_id: a.value
            for a in context.averages
            if a.year == year
            and a.quarter is None
            and a.indicator_id in known
            and units.get(a.indicator_id) in COMPARABLE_UNITS
        }
        chosen = savings.Baseline.comparison_average(
            values, label=f"{context.grouping.name}: {context.group_name} average {year}"
        )
    elif baseline == "study":
        from trepart.evaluation import selectors as evaluation

        if study is None:
            raise ValueError("choose the effect study: use 'study:ID' or 'study:ID:simple'")
        try:
            chosen = evaluation.counterfactual_baseline(
                study,
                code=code,
                name=page.name,
                year=year,
                observed=by_year[year],
                which=study_effect,
                structure_date=structure_date,
            )
        except evaluation.NoEffectForMunicipality as error:
            raise SavingsInputMissing(str(error)) from None
    else:
        raise ValueError(
            f"unknown baseline {baseline!r}: use 'earlier', 'national', 'group' or 'study'"
        )
    return SavingsInputs(code, page.name, year, by_year[year], chosen, page.synthetic)


def municipality_name(code: str, structure_date: dt.date | None = None) -> str:
    """The name of ``code`` in the structure of ``structure_date``; Http404 if not valid."""
    from django.http import Http404

    try:
        on = structure_date or municipalities.load().latest
        return municipalities.load().municipality(code, on).name
    except municipalities.MunicipalityError as error:
        raise Http404(str(error)) from None


@dataclass(frozen=True)
class BaselineSpec:
    """A parsed baseline: ``kind`` national, earlier (``year``) or group (``grouping``)."""

    kind: str
    year: int | None = None
    grouping: str | None = None
    #: an effect study's id, and which of its effects (group or simple)
    study: int | None = None
    study_effect: str = "group"


BASELINE_HELP = "use 'national', 'earlier:YEAR', 'group' or 'group:GROUPING'"


def parse_baseline(spec: str) -> BaselineSpec:
    """``"national"``, ``"earlier:YEAR"``, ``"group"`` (the grouping imported last) or
    ``"group:GROUPING"``; ValueError naming the spec."""
    kind, _, rest = spec.partition(":")
    if kind == "national" and not rest:
        return BaselineSpec("national")
    if kind == "earlier" and rest.isdigit():
        return BaselineSpec("earlier", year=int(rest))
    if kind == "group":
        return BaselineSpec("group", grouping=rest or None)
    number, _, which = rest.partition(":")
    if kind == "study" and number.isdigit() and which in ("", "group", "simple"):
        return BaselineSpec("study", study=int(number), study_effect=which or "group")
    raise ValueError(f"baseline {spec!r}: {BASELINE_HELP}")


def parameter_changes(changes: Mapping[str, str] | None) -> dict[str, str]:
    """The changes that differ from the defaults, by name; ValueError for an unknown name,
    ``savings.ParameterError`` for a bad value. A value equal to the default is no change, so
    the version label is the same whichever way the default was given."""
    kept: dict[str, str] = {}
    for name, value in (changes or {}).items():
        if name not in savings.PARAMETER_NAMES:
            raise ValueError(f"{name!r} is not a cost parameter; see `trepart savings parameters`")
        changed = savings.DEFAULTS.replace(**{name: value})  # checks the value
        if changed[name] != savings.DEFAULTS[name]:
            kept[name] = value
    return kept


def price_adjustment(
    price_index: Mapping[int, str] | None, source: str, *, baseline_year: int, year: int
) -> savings.PriceAdjustment | None:
    """The price adjustment from index values by year (None without any); ValueError naming
    what is missing or wrong."""
    if not price_index:
        return None
    values: dict[int, Decimal] = {}
    for index_year, raw in price_index.items():
        try:
            values[int(index_year)] = Decimal(str(raw).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            raise ValueError(f"price index for {index_year}: {raw!r} is not a number") from None
    missing = [str(y) for y in (baseline_year, year) if y not in values]
    if missing:
        raise ValueError(
            f"the price index needs a value for {' and '.join(missing)} "
            f"(the baseline year {baseline_year} and the report year {year})"
        )
    return savings.PriceAdjustment(
        baseline_year=baseline_year,
        report_year=year,
        baseline_index=values[baseline_year],
        report_index=values[year],
        source=source,
    )


def compute_scenario(
    code: str,
    year: int,
    *,
    baseline: str,
    changes: Mapping[str, str] | None = None,
    structure_date: dt.date | None = None,
    price_index: Mapping[int, str] | None = None,
    price_source: str = "",
) -> tuple[SavingsInputs, savings.SavingsReport]:
    """A municipality's savings in ``year`` against ``baseline`` (see :func:`parse_baseline`),
    with cost parameters changed by ``changes`` (name → value) and, for an earlier-year
    baseline, NOK amounts in the report year's prices by ``price_index`` (year → index value,
    from ``price_source``). The one computation behind the web page, the CLI and the API.

    Raises ValueError (bad baseline, parameter name or price index), ``savings.SavingsError``
    (a bad parameter value), SavingsInputMissing (values not stored) or Http404 (unknown code).
    """
    spec = parse_baseline(baseline)
    kept = parameter_changes(changes)
    params = savings.DEFAULTS.replace(**kept) if kept else savings.DEFAULTS
    price = None
    if price_index:
        if spec.kind != "earlier" or spec.year is None:
            raise ValueError("a price index is used with an earlier-year baseline only")
        price = price_adjustment(price_index, price_source, baseline_year=spec.year, year=year)
    inputs = savings_inputs(
        code,
        year,
        baseline=spec.kind,
        baseline_year=spec.year,
        grouping=spec.grouping,
        structure_date=structure_date,
        study=spec.study,
        study_effect=spec.study_effect,
    )
    return inputs, savings.compute_savings(inputs.actual, inputs.baseline, params, price=price)
