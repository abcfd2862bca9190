"""Translate an indicator panel to one municipal structure, so that series can be compared.

Every value is stored under the municipality code valid at the start of its period (1 January
of the year; the first day of the quarter for a quarterly value). Before a series crosses a
municipal reform, :func:`harmonise` translates each code to the structure of one target date
(SSB Klass 131, :mod:`trepart.analysis.municipalities`):

- **unchanged / renumbered** (Lunner 0533 → 3054 in 2020): the value is kept, under the new code.
- **merged** (Kristiansand 1001 + Songdalen 1017 + Søgne 1018 → 4204 in 2020): the values of
  the parts are combined by the indicator's aggregation rule
  (:func:`trepart.analysis.indicators.aggregate`): a sum for volumes and money, the plain mean
  for ``mean``, and for a ``weighted_mean`` Σ value × weight / Σ weight, where the weight is the
  value of the indicator's ``weight`` indicator *for the same part and period* (sick leave is
  weighted by contracted workdays). The combined value needs every part: if a part has no value
  (or, for a weighted mean, no weight) the merged value is **not computed** and reported — never
  a silent mean of what happens to be there.
- **split** (Ålesund 1507 → Ålesund 1508 + Haram 1580 in 2024): one value cannot be shared out
  without knowing how the parts compare, so it is left out and reported. The same happens going
  backwards over a merger (4204 translated to 2019 is "split" into 1001, 1017 and 1018).

Whatever is left out is listed in :attr:`HarmoniseResult.problems`, one :class:`Problem` per
(code, period, indicator) with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from trepart.analysis import municipalities
from trepart.analysis.indicators import AggregationError, Indicator, aggregate

__all__ = [
    "HarmoniseResult",
    "NationalAverage",
    "PanelRow",
    "Problem",
    "ProblemKind",
    "harmonise",
    "national_averages",
    "period_start",
]


class PanelRow(NamedTuple):
    """One value: ``code`` is a municipality code in the structure of the period's first day."""

    code: str
    year: int
    quarter: int | None
    indicator_id: str
    value: float


ProblemKind = Literal[
    "unknown_indicator",  # the indicator is not among those given
    "invalid_code",  # the code was not valid at the start of the period, or the date is outside
    "split",  # the code was divided between several codes of the target structure
    "incomplete",  # a merged unit lacks the value of one of its parts
    "no_weight",  # a weighted mean lacks the weight of one of its parts
    "not_aggregable",  # the values could not be combined (e.g. the weights sum to 0)
]


@dataclass(frozen=True)
class Problem:
    """A value (or a merged unit) left out of the harmonised panel, and why."""

    code: str
    year: int
    quarter: int | None
    indicator_id: str
    kind: ProblemKind
    reason: str


@dataclass(frozen=True)
class HarmoniseResult:
    #: the date whose municipal structure every code in ``rows`` belongs to
    to_date: date
    #: sorted by indicator, code, year, quarter (annual before quarterly)
    rows: tuple[PanelRow, ...]
    problems: tuple[Problem, ...]


def period_start(year: int, quarter: int | None) -> date:
    """1 January of ``year``, or the first day of ``quarter`` (1–4)."""
    return date(year, 1 if quarter is None else 3 * (quarter - 1) + 1, 1)


def _sort_key(row: PanelRow) -> tuple[str, str, int, int]:
    return (row.indicator_id, row.code, row.year, row.quarter or 0)


class _Translator:
    """Klass look-ups cached per (code, version): a panel repeats the same few thousand codes."""

    def __init__(self, klass: municipalities.Klass, to_date: date) -> None:
        self.klass = klass
        self.to_date = to_date
        self._translations: dict[tuple[str, date], municipalities.Translation | str] = {}
        self._sources: dict[tuple[str, date], tuple[str, ...]] = {}

    def translate(self, code: str, on: date) -> municipalities.Translation | str:
        """The translation, or the error message when the code cannot be translated."""
        version = self._version(on)
        key = (code, version)
        if key not in self._translations:
            try:
                self._translations[key] = self.klass.translate(code, on, self.to_date)
            except municipalities.MunicipalityError as error:
                self._translations[key] = str(error)
        return self._translations[key]

    def sources(self, target: str, on: date) -> tuple[str, ...]:
        """The codes of ``on``'s structure that (fully or partly) become ``target``."""
        key = (target, self._version(on))
        if key not in self._sources:
            self._sources[key] = tuple(
                m.code for m in self.klass.sources(target, to_date=self.to_date, from_date=on)
            )
        return self._sources[key]

    def _version(self, on: date) -> date:
        try:
            return self.klass.version_on(on)[0]
        except municipalities.MunicipalityError:
            return on


def harmonise(
    rows: Iterable[PanelRow],
    *,
    to_date: date,
    indicators: Mapping[str, Indicator],
    klass: municipalities.Klass | None = None,
) -> HarmoniseResult:
    """Translate every row to the municipal structure of ``to_date`` (see the module docstring).

    ``rows`` must hold at most one value per (code, year, quarter, indicator), and should hold
    the weight indicator's values too for every weighted-mean indicator that may be merged.
    """
    klass = klass or municipalities.load()
    translator = _Translator(klass, to_date)
    problems: list[Problem] = []
    values: dict[tuple[str, int, int | None, str], float] = {}
    # (target code, year, quarter, indicator) → the source codes present
    groups: dict[tuple[str, int, int | None, str], list[str]] = {}
    for row in rows:
        if row.indicator_id not in indicators:
            problems.append(_problem(row, "unknown_indicator", "unknown indicator"))
            continue
        values[(row.code, row.year, row.quarter, row.indicator_id)] = row.value
        translation = translator.translate(row.code, period_start(row.year, row.quarter))
        if isinstance(translation, str):
            problems.append(_problem(row, "invalid_code", translation))
            continue
        if translation.kind == "split":
            into = ", ".join(
                f"{c} {n}" for c, n in zip(translation.codes, translation.names, strict=True)
            )
            problems.append(
                _problem(
                    row,
                    "split",
                    f"split into {into} by {to_date}: one value cannot be shared out "
                    "without weights",
                )
            )
            continue
        target = translation.codes[0]
        groups.setdefault((target, row.year, row.quarter, row.indicator_id), []).append(row.code)

    result: list[PanelRow] = []
    for (target, year, quarter, indicator_id), present in groups.items():
        indicator = indicators[indicator_id]
        if len(present) == 1 and translator.sources(target, period_start(year, quarter)) == (
            present[0],
        ):
            value = values[(present[0], year, quarter, indicator_id)]
            result.append(PanelRow(target, year, quarter, indicator_id, value))
            continue
        combined = _combine(target, year, quarter, indicator, present, values, translator, problems)
        if combined is not None:
            result.append(PanelRow(target, year, quarter, indicator_id, combined))
    result.sort(key=_sort_key)
    problems.sort(key=lambda p: (p.indicator_id, p.code, p.year, p.quarter or 0))
    return HarmoniseResult(to_date, tuple(result), tuple(problems))


def _combine(
    target: str,
    year: int,
    quarter: int | None,
    indicator: Indicator,
    present: Sequence[str],
    values: Mapping[tuple[str, int, int | None, str], float],
    translator: _Translator,
    problems: list[Problem],
) -> float | None:
    """The merged value of ``target`` from its parts, or None after reporting why not."""
    expected = translator.sources(target, period_start(year, quarter))
    missing = [code for code in expected if code not in present]

    def report(kind: ProblemKind, reason: str) -> None:
        problems.append(Problem(target, year, quarter, indicator.id, kind, reason))

    if missing:
        report(
            "incomplete",
            f"merged from {', '.join(expected)}; no value (or only a split part) for "
            f"{', '.join(missing)}, so the merged value is not computed",
        )
        return None
    pairs: list[tuple[float, float | None]] = []
    no_weight: list[str] = []
    for code in expected:
        weight: float | None = None
        if indicator.aggregation == "weighted_mean":
            assert indicator.weight is not None
            weight = values.get((code, year, quarter, indicator.weight))
            if weight is None:
                no_weight.append(code)
        pairs.append((values[(code, year, quarter, indicator.id)], weight))
    if no_weight:
        report(
            "no_weight",
            f"a weighted mean by {indicator.weight}, which is missing for "
            f"{', '.join(no_weight)}; the merged value is not computed",
        )
        return None
    try:
        return aggregate(indicator, pairs)
    except AggregationError as error:
        report("not_aggregable", str(error))
        return None


def _problem(row: PanelRow, kind: ProblemKind, reason: str) -> Problem:
    return Problem(row.code, row.year, row.quarter, row.indicator_id, kind, reason)


# -- the national average ----------------------------------------------------------------------


@dataclass(frozen=True)
class NationalAverage:
    """The national average of one indicator in one period, over ``municipalities`` values.

    ``left_out`` counts municipalities with a value but no weight (weighted means only).
    """

    indicator_id: str
    year: int
    quarter: int | None
    value: float
    municipalities: int
    left_out: int


def national_averages(
    rows: Iterable[PanelRow], *, indicators: Mapping[str, Indicator]
) -> tuple[NationalAverage, ...]:
    """The average municipality per indicator and period, by the indicator's aggregation rule.

    - ``weighted_mean`` (rates such as sick leave): Σ value × weight / Σ weight over the
      municipalities that have both, i.e. the national rate (total lost workdays over total
      contracted workdays); those without a weight are counted in ``left_out``.
    - ``sum`` (volumes, money) and ``mean``: the plain mean per municipality — a national
      *total* would not be comparable with one municipality's value.

    Give the rows as stored (each period in its own structure): the average does not depend
    on the structure, and no value is lost to a split.
    """
    grouped: dict[tuple[str, int, int | None], list[PanelRow]] = {}
    weights: dict[tuple[str, int, int | None, str], float] = {}
    for row in rows:
        grouped.setdefault((row.indicator_id, row.year, row.quarter), []).append(row)
        weights[(row.code, row.year, row.quarter, row.indicator_id)] = row.value
    averages: list[NationalAverage] = []
    for (indicator_id, year, quarter), members in grouped.items():
        indicator = indicators.get(indicator_id)
        if indicator is None:
            continue
        if indicator.aggregation == "weighted_mean":
            assert indicator.weight is not None
            pairs = [
                (row.value, weights[key])
                for row in members
                if (key := (row.code, year, quarter, indicator.weight)) in weights
            ]
            left_out = len(members) - len(pairs)
            total = math.fsum(w for _, w in pairs)
            if not pairs or total <= 0:
                continue
            value = math.fsum(v * w for v, w in pairs) / total
            averages.append(
                NationalAverage(indicator_id, year, quarter, value, len(pairs), left_out)
            )
        else:
            value = math.fsum(row.value for row in members) / len(members)
            averages.append(NationalAverage(indicator_id, year, quarter, value, len(members), 0))
    averages.sort(key=lambda a: (a.indicator_id, a.year, a.quarter or 0))
    return tuple(averages)
