"""A synthetic indicator panel with a known programme effect, for demos and estimator tests.

**Every value here is invented.** The panel looks like the municipal sector's HR and
finance indicators for every Norwegian municipality 2002–2024, so that ``trepart demo`` can
show series, savings and effect estimates, and so that difference-in-differences and
synthetic-control estimators can be tested against an effect that is known exactly.

The model (``docs/demo-panel.md`` explains each choice):

- *Latent units* are the 434 municipalities of the 2002 structure. Each has a size (FTE),
  unit random effects and its own random stream, seeded from ``seed`` and its code, so one
  unit's numbers never depend on which other units exist or participate.
- Each indicator is ``national time pattern + unit level + year noise``; treated and
  untreated units share the time pattern, so parallel trends hold by construction.
- A programme effect (:class:`TrueEffect`) is added at the unit level, exactly, from the
  first full calendar year after the participant joined (:func:`onset_year`), and persists.
- Each year's rows use the codes valid on 1 January that year: a code's value aggregates the
  latent units it translates back to (sums, or weighted means for rates, with the weights of
  the indicator catalogue), so a merged municipality reports the weighted mix of its treated
  and untreated parts.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Literal

from trepart.analysis.municipalities import FIRST_DATE, UNKNOWN_CODE, load

__all__ = [
    "DEFAULT_EFFECTS",
    "EFFECT_UNITS",
    "INDICATOR_IDS",
    "LAST_YEAR",
    "ONSET",
    "SELECTION_SHIFT_PP",
    "WORKDAYS_PER_FTE_YEAR",
    "DemoPanel",
    "DemoPanelError",
    "PanelRow",
    "Participant",
    "Structure",
    "TrueEffect",
    "generate",
    "onset_year",
]

# The catalogue's ids, in the order rows are written for each code and year.
INDICATOR_IDS: tuple[str, ...] = (
    "sick_leave_pct",
    "sick_leave_self_pct",
    "sick_leave_doctor_pct",
    "contracted_workdays",
    "lost_workdays",
    "employees_aged_62_66",
    "afp_uptake_pct",
    "turnover_pct",
    "headcount",
    "fte_years",
    "fulltime_share",
    "avg_fte_pct",
    "consultant_spending_nok",
    "tendering_costs_nok",
    "operating_expenses_nok",
    "conflict_cases",
)

# The one onset rule the generator implements (see onset_year).
ONSET = "from the first full calendar year after joining"

# Indicators an effect may act on, and the unit its size must be given in. Each is added
# to the unit's value as is ("percentage points" to a percent, "share points" to a share).
EFFECT_UNITS: Mapping[str, str] = MappingProxyType(
    {
        "sick_leave_pct": "percentage points",
        "turnover_pct": "percentage points",
        "afp_uptake_pct": "percentage points",
        "fulltime_share": "share points",
    }
)

LAST_YEAR = 2024  # the time patterns below end here (the latest Klass version)

# Contracted workdays (avtalte dagsverk) per full-time equivalent year: a constant, so that
# contracted_workdays = fte_years × 230 exactly.
WORKDAYS_PER_FTE_YEAR = 230

# Municipalities that joined had somewhat higher sick leave than the rest (they joined to do
# something about it): a level difference, never a trend difference. A naive treated-vs-rest
# comparison is biased by this; difference-in-differences is not.
SELECTION_SHIFT_PP = 0.3

_YEARS = range(FIRST_DATE.year, LAST_YEAR + 1)
_PRICE_BASE_YEAR = 2015
_PRICE_GROWTH = 0.025  # per year, operating-expense prices
_OPEX_PER_FTE_NOK = 1_300_000.0  # in 2015 kroner
_SIZE_YEAR = 2015  # the year the sizes below refer to
_MEDIAN_FTE = 450.0

# Approximate FTE of the largest municipalities (2015); all others are drawn.
_KNOWN_FTE: Mapping[str, float] = MappingProxyType(
    {
        "0301": 38_000.0,  # Oslo
        "1201": 13_000.0,  # Bergen
        "1601": 10_000.0,  # Trondheim
        "1103": 8_000.0,  # Stavanger
        "0219": 6_500.0,  # Bærum
        "1001": 4_500.0,  # Kristiansand
        "1902": 4_000.0,  # Tromsø
        "0106": 3_700.0,  # Fredrikstad
        "0602": 3_600.0,  # Drammen
        # The three municipalities of the "Samarbeid lønner seg" study, so that the demo's
        # worked examples have their rough real size.
        "0533": 700.0,  # Lunner
        "0814": 1_000.0,  # Bamble
        "1017": 450.0,  # Songdalen
    }
)

# Municipal-sector sick leave, percent of contracted workdays (national mean of the units).
# Falls after the 2004 tightening of sick-leave certification, flat 2008–2019, pandemic rise
# 2020–2022, easing after.
_SICK_LEAVE: Mapping[int, float] = MappingProxyType(
    {
        2002: 10.3,
        2003: 10.5,
        2004: 9.9,
        2005: 9.6,
        2006: 9.7,
        2007: 9.8,
        **dict.fromkeys(range(2008, 2020), 9.8),
        2020: 10.3,
        2021: 10.6,
        2022: 11.2,
        2023: 10.9,
        2024: 10.7,
    }
)
# Self-certified share of total sick leave rises with the pandemic (omicron peak in 2022).
_SELF_SHARE_SHIFT: Mapping[int, float] = MappingProxyType(
    {2020: 0.010, 2021: 0.010, 2022: 0.025, 2023: 0.010, 2024: 0.005}
)
# Share of the headcount aged 62–66 on 1 January (the people who can take AFP): about 8 % in
# 2002, drifting up to about 10 % in 2024 as the workforce aged. A unit's share is clipped to
# _AGED_SHARE_RANGE, so even the smallest unit (43 persons) has at least 3 such employees.
_AGED_SHARE_2002 = 0.080
_AGED_SHARE_DRIFT = 0.0009  # per year
_AGED_SHARE_RANGE = (0.065, 0.125)
# Turnover, percent of employees leaving per year: up in the 2007–2008 boom, down in the
# 2009 downturn and 2020 lockdown year, up in the 2022 tight labour market.
_TURNOVER: Mapping[int, float] = MappingProxyType(
    {
        2002: 9.5,
        2003: 9.0,
        2004: 9.0,
        2005: 9.5,
        2006: 10.5,
        2007: 11.5,
        2008: 11.5,
        2009: 9.5,
        2010: 9.5,
        2011: 10.0,
        2012: 10.2,
        2013: 10.2,
        2014: 10.0,
        2015: 9.8,
        2016: 9.6,
        2017: 9.8,
        2018: 10.0,
        2019: 10.2,
        2020: 9.0,
        2021: 10.5,
        2022: 11.8,
        2023: 11.5,
        2024: 11.0,
    }
)


class DemoPanelError(ValueError):
    """Bad input to :func:`generate`: an effect, a participant or the years."""


@dataclass(frozen=True)
class Participant:
    """A municipality in the programme from ``joined`` on.

    ``code`` is the code valid on ``joined`` (the 2002 code if it joined before 2002).
    """

    code: str
    joined: date


@dataclass(frozen=True)
class TrueEffect:
    """The programme's true effect on one indicator, added to each treated unit's value.

    ``effect`` is in ``unit`` (see :data:`EFFECT_UNITS`); ``onset`` states when it starts,
    and must be :data:`ONSET`, the one rule the generator implements.
    """

    indicator_id: str
    effect: float
    unit: str
    onset: str


@dataclass(frozen=True, slots=True)
class PanelRow:
    """One value: ``indicator_id`` of municipality ``code`` in ``year``, in the indicator's unit."""

    code: str
    year: int
    indicator_id: str
    value: float


# −0.4 pp sick leave: the size the national evaluation of Kvalitetskommuneprogrammet reported.
# −0.5 pp turnover: illustrative only, not from the evaluation; it gives estimators a second,
# smaller and noisier effect to find.
DEFAULT_EFFECTS: tuple[TrueEffect, ...] = (
    TrueEffect("sick_leave_pct", -0.4, "percentage points", ONSET),
    TrueEffect("turnover_pct", -0.5, "percentage points", ONSET),
)

Structure = Literal["yearly", "latent"]


@dataclass(frozen=True)
class DemoPanel:
    """A synthetic panel and the truth behind it.

    ``rows``: by year, then code, then indicator in :data:`INDICATOR_IDS` order.
    ``treated``: latent (2002) unit code → first treated year, for every unit of every
    participant (also when that year is after the panel's last year).
    ``composition``: ``(code, year)`` → the latent units behind the code that year, each with
    the share of the unit the code got (1.0 unless the unit is shared by several codes).
    ``contributions``: ``(code, year, indicator_id)`` → the true effect in that value, in the
    indicator's unit; only non-zero entries (read them with :meth:`true_effect_on`).
    """

    rows: tuple[PanelRow, ...]
    true_effects: tuple[TrueEffect, ...]
    treated: Mapping[str, int]
    seed: int
    description: str
    structure: Structure = "yearly"
    composition: Mapping[tuple[str, int], tuple[tuple[str, float], ...]] = field(
        default_factory=dict, repr=False
    )
    contributions: Mapping[tuple[str, int, str], float] = field(default_factory=dict, repr=False)

    def true_effect_on(self, code: str, year: int, indicator_id: str = "sick_leave_pct") -> float:
        """Return how much of the value of ``indicator_id`` for ``code`` in ``year`` is effect.

        This is the expected difference from a run with the same seed and no effects, in the
        indicator's unit (for sick leave, percentage points: the weighted mean of the unit
        effects, weighted by contracted workdays). The reported value differs from it by
        rounding only. Averaged over the treated code-years it is the true ATT.
        Raises DemoPanelError for a code-year or indicator not in the panel.
        """
        if (code, year) not in self.composition:
            raise DemoPanelError(f"no municipality {code!r} in {year} in this panel")
        if indicator_id not in INDICATOR_IDS:
            raise DemoPanelError(f"unknown indicator {indicator_id!r}")
        return self.contributions.get((code, year, indicator_id), 0.0)

    def values(self) -> dict[tuple[str, int, str], float]:
        """Return ``{(code, year, indicator_id): value}`` for every row."""
        return {(r.code, r.year, r.indicator_id): r.value for r in self.rows}


def onset_year(joined: date) -> int:
    """Return the first calendar year a participant that joined on ``joined`` is treated.

    That is the first year lying wholly after joining: the year after ``joined``, or the year
    of ``joined`` itself when it joined on 1 January (2007-03-28 → 2008; 2008-01-01 → 2008).
    """
    return joined.year if (joined.month, joined.day) == (1, 1) else joined.year + 1


# -- one latent unit -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _UnitYear:
    """One latent unit's values in one year, already rounded; effects included."""

    fte_tenths: int
    headcount: int
    sick_total: float
    sick_self: float
    lost: int
    aged_62_66: int
    afp: float
    turnover: float
    fulltime: float
    avg_fte: float
    opex: int
    consultant: int
    tendering: int
    conflicts: int


@dataclass(frozen=True, slots=True)
class _Counterfactual:
    """One latent unit's values in one year without any effect (rates before rounding)."""

    fte: float
    sick_total: float
    self_share: float
    aged_share: float
    afp: float
    turnover: float
    fulltime: float
    avg_fte: float
    opex: float
    consultant_share: float
    tendering_share: float
    conflicts: int


def _clip(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def _poisson(rng: random.Random, mean: float) -> int:
    """Draw a Poisson count (Knuth's method, on chunks of the mean so exp never underflows)."""
    count = 0
    while mean > 0:
        chunk = min(mean, 30.0)
        mean -= chunk
        limit = math.exp(-chunk)
        product = rng.random()
        while product > limit:
            count += 1
            product *= rng.random()
    return count


def _draw_unit(code: str, seed: int, participant: bool) -> dict[int, _Counterfactual]:
    """Return the unit's counterfactual for every year 2002–2024, from its own random stream.

    The draws happen in a fixed order whatever the arguments, so the same seed and code give
    the same numbers in every run.
    """
    rng = random.Random(f"trepart-demo-panel:{seed}:{code}")
    gauss = rng.gauss
    # Sizes: lognormal around the median, except the known large municipalities.
    drawn_size = _clip(_MEDIAN_FTE * math.exp(gauss(0.0, 0.85)), 55.0, 3_500.0)
    size = _KNOWN_FTE.get(code, drawn_size)
    # Larger places grew faster; the sector as a whole by about 1 % a year.
    growth = 0.008 + 0.003 * math.log(size / _MEDIAN_FTE) + gauss(0.0, 0.004)
    # Small units have noisier rates (fewer people behind each percentage).
    noise_scale = _clip((_MEDIAN_FTE / size) ** 0.3, 0.3, 2.0)
    sick_level = gauss(0.0, 1.1) + (SELECTION_SHIFT_PP if participant else 0.0)
    self_share_level = _clip(gauss(0.14, 0.015), 0.09, 0.20)
    turnover_level = gauss(0.0, 1.3)
    afp_level = gauss(0.0, 3.5)
    avg_fte_level = gauss(0.0, 3.0)
    fulltime_level = gauss(0.0, 0.03)
    opex_level = math.exp(gauss(0.0, 0.08))
    consultant_level = 0.01 * math.exp(gauss(0.0, 0.3))
    tendering_level = 0.002 * math.exp(gauss(0.0, 0.3))
    conflict_level = math.exp(gauss(0.0, 0.4))

    # The share aged 62–66 comes from a second stream of the unit's own, so that adding it
    # left every other value of the panel unchanged.
    aged_rng = random.Random(f"trepart-demo-panel:{seed}:{code}:aged-62-66")
    aged_level = aged_rng.gauss(0.0, 0.008)

    sick_noise = 0.0
    years: dict[int, _Counterfactual] = {}
    for year in _YEARS:
        fte = max(40.0, size * math.exp(growth * (year - _SIZE_YEAR) + gauss(0.0, 0.01)))
        # Sick leave noise is persistent (AR(1), ρ = 0.4) with a stationary SD of 0.5 pp
        # at the median size.
        shock = gauss(0.0, 0.5 * noise_scale)
        sick_noise = 0.4 * sick_noise + math.sqrt(1 - 0.4**2) * shock
        sick = _clip(_SICK_LEAVE[year] + sick_level + sick_noise, 4.0, 18.0)
        self_share = _clip(
            self_share_level + _SELF_SHARE_SHIFT.get(year, 0.0) + gauss(0.0, 0.008), 0.07, 0.25
        )
        aged_share = _clip(
            _AGED_SHARE_2002
            + _AGED_SHARE_DRIFT * (year - 2002)
            + aged_level
            + aged_rng.gauss(0.0, 0.003 * noise_scale),
            *_AGED_SHARE_RANGE,
        )
        turnover = _clip(_TURNOVER[year] + turnover_level + gauss(0.0, 1.0 * noise_scale), 2, 30)
        afp_trend = 30.0 + 0.35 * (year - 2002) if year <= 2010 else 33.0 - (year - 2010)
        afp = _clip(afp_trend + afp_level + gauss(0.0, 2.5 * noise_scale), 2.0, 65.0)
        avg_fte_deviation = avg_fte_level + gauss(0.0, 0.4)
        avg_fte = _clip(74.0 + 0.3 * (year - 2002) + avg_fte_deviation, 60.0, 92.0)
        fulltime = _clip(
            0.33
            + 0.0045 * (year - 2002)
            + 0.01 * avg_fte_deviation
            + fulltime_level
            + gauss(0.0, 0.01),
            0.10,
            0.80,
        )
        prices = (1 + _PRICE_GROWTH) ** (year - _PRICE_BASE_YEAR)
        opex = fte * _OPEX_PER_FTE_NOK * prices * opex_level * math.exp(gauss(0.0, 0.015))
        consultant_share = _clip(consultant_level * math.exp(gauss(0.0, 0.2)), 0.002, 0.04)
        tendering_share = _clip(tendering_level * math.exp(gauss(0.0, 0.15)), 0.0005, 0.008)
        conflicts = _poisson(rng, fte / 400.0 * conflict_level)
        years[year] = _Counterfactual(
            fte=fte,
            sick_total=sick,
            self_share=self_share,
            aged_share=aged_share,
            afp=afp,
            turnover=turnover,
            fulltime=fulltime,
            avg_fte=avg_fte,
            opex=opex,
            consultant_share=consultant_share,
            tendering_share=tendering_share,
            conflicts=conflicts,
        )
    return years


def _realise(base: _Counterfactual, effects: Mapping[str, float]) -> _UnitYear:
    """Round the counterfactual as reported, then add the effects to the rounded rates.

    Adding after rounding makes the difference from a run without effects exactly the effect
    (a multiple of 0.01 stays one). Self-certified sick leave is computed from the
    counterfactual total, so the sick-leave effect falls on doctor-certified leave. No effect
    touches the headcount or the employees aged 62–66 (a stock on 1 January).
    """
    fte_tenths = max(1, round(base.fte * 10))
    fte = fte_tenths / 10
    sick_cf = round(base.sick_total, 2)
    sick_self = round(sick_cf * base.self_share, 2)
    sick = max(sick_self, round(sick_cf + effects.get("sick_leave_pct", 0.0), 2))
    avg_fte = round(base.avg_fte, 2)
    opex = round(base.opex)
    headcount = max(1, round(fte / (avg_fte / 100)))
    return _UnitYear(
        fte_tenths=fte_tenths,
        headcount=headcount,
        sick_total=sick,
        sick_self=sick_self,
        lost=round(fte_tenths * WORKDAYS_PER_FTE_YEAR // 10 * sick / 100),
        aged_62_66=min(headcount, max(0, round(headcount * base.aged_share))),
        afp=_clip(round(round(base.afp, 2) + effects.get("afp_uptake_pct", 0.0), 2), 0.0, 100.0),
        turnover=_clip(
            round(round(base.turnover, 2) + effects.get("turnover_pct", 0.0), 2), 0.0, 100.0
        ),
        fulltime=_clip(
            round(round(base.fulltime, 4) + effects.get("fulltime_share", 0.0), 4), 0.0, 1.0
        ),
        avg_fte=avg_fte,
        opex=opex,
        consultant=round(opex * base.consultant_share),
        tendering=round(opex * base.tendering_share),
        conflicts=base.conflicts,
    )


# -- aggregation to each year's codes ------------------------------------------------------


def _part(total: int, index: int, parts: int) -> int:
    """Return part ``index`` of ``total`` split into ``parts`` integers that add up to it."""
    return total * (index + 1) // parts - total * index // parts


@dataclass
class _Sums:
    """Running sums for one code in one year."""

    fte_tenths: int = 0
    headcount: int = 0
    aged_62_66: int = 0
    lost: int = 0
    opex: int = 0
    consultant: int = 0
    tendering: int = 0
    conflicts: int = 0
    sick: float = 0.0  # × contracted workdays
    sick_self: float = 0.0  # × contracted workdays
    afp: float = 0.0  # × employees aged 62–66
    turnover: float = 0.0  # × headcount
    fulltime: float = 0.0  # × headcount
    avg_fte: float = 0.0  # × headcount
    effects: dict[str, float] = field(default_factory=dict)  # × the indicator's weight

    def add(self, unit: _UnitYear, index: int, parts: int, effects: Mapping[str, float]) -> None:
        fte_tenths = _part(unit.fte_tenths, index, parts)
        headcount = _part(unit.headcount, index, parts)
        aged = _part(unit.aged_62_66, index, parts)
        workdays = fte_tenths * WORKDAYS_PER_FTE_YEAR / 10
        self.fte_tenths += fte_tenths
        self.headcount += headcount
        self.aged_62_66 += aged
        self.lost += _part(unit.lost, index, parts)
        self.opex += _part(unit.opex, index, parts)
        self.consultant += _part(unit.consultant, index, parts)
        self.tendering += _part(unit.tendering, index, parts)
        self.conflicts += _part(unit.conflicts, index, parts)
        self.sick += workdays * unit.sick_total
        self.sick_self += workdays * unit.sick_self
        self.afp += aged * unit.afp
        self.turnover += headcount * unit.turnover
        self.fulltime += headcount * unit.fulltime
        self.avg_fte += headcount * unit.avg_fte
        for indicator, effect in effects.items():
            weight = {"sick_leave_pct": workdays, "afp_uptake_pct": aged}.get(indicator, headcount)
            self.effects[indicator] = self.effects.get(indicator, 0.0) + weight * effect

    def values(self) -> tuple[float, ...]:
        """Return the code's values in :data:`INDICATOR_IDS` order.

        Every code has employees aged 62–66 to weight AFP uptake by: each unit has at least 3
        (see ``_AGED_SHARE_RANGE``) and no unit is shared by more than 3 codes.
        """
        workdays = self.fte_tenths * WORKDAYS_PER_FTE_YEAR // 10
        people = self.headcount
        sick = round(self.sick / workdays, 2)
        sick_self = round(self.sick_self / workdays, 2)
        return (
            sick,
            sick_self,
            round(sick - sick_self, 2),
            float(workdays),
            float(self.lost),
            float(self.aged_62_66),
            round(self.afp / self.aged_62_66, 2),
            round(self.turnover / people, 2),
            float(people),
            self.fte_tenths / 10,
            round(self.fulltime / people, 4),
            round(self.avg_fte / people, 2),
            float(self.consultant),
            float(self.tendering),
            float(self.opex),
            float(self.conflicts),
        )

    def contributions(self) -> dict[str, float]:
        """Return the true effect in each affected value (weighted means of the unit effects)."""
        workdays = self.fte_tenths * WORKDAYS_PER_FTE_YEAR / 10
        found: dict[str, float] = {}
        for indicator, weighted in self.effects.items():
            if weighted == 0.0:
                continue
            if indicator == "sick_leave_pct":
                found["sick_leave_pct"] = found["sick_leave_doctor_pct"] = weighted / workdays
                found["lost_workdays"] = weighted / 100
            elif indicator == "afp_uptake_pct":
                found[indicator] = weighted / self.aged_62_66
            else:
                found[indicator] = weighted / self.headcount
        return found


def _check_effects(effects: Sequence[TrueEffect]) -> dict[str, float]:
    sizes: dict[str, float] = {}
    for effect in effects:
        expected_unit = EFFECT_UNITS.get(effect.indicator_id)
        if expected_unit is None:
            supported = ", ".join(EFFECT_UNITS)
            raise DemoPanelError(
                f"the demo panel cannot put an effect on {effect.indicator_id!r}; "
                f"it can on {supported}"
            )
        if effect.unit != expected_unit:
            raise DemoPanelError(
                f"the effect on {effect.indicator_id} must be in {expected_unit!r}, "
                f"not {effect.unit!r}"
            )
        if effect.onset != ONSET:
            raise DemoPanelError(
                f"the effect on {effect.indicator_id} has onset {effect.onset!r}; "
                f"the demo panel implements only {ONSET!r}"
            )
        if effect.indicator_id in sizes:
            raise DemoPanelError(f"two effects on {effect.indicator_id}")
        if not math.isfinite(effect.effect):
            raise DemoPanelError(f"the effect on {effect.indicator_id} is not a number")
        sizes[effect.indicator_id] = effect.effect
    return sizes


def _treated_units(participants: Sequence[Participant]) -> dict[str, int]:
    """Return latent unit → first treated year (the earliest, if several participants hold it)."""
    klass = load()
    treated: dict[str, int] = {}
    for participant in participants:
        if participant.code.strip() == UNKNOWN_CODE:
            raise DemoPanelError(f"participant code {UNKNOWN_CODE} is not a municipality")
        on = max(participant.joined, FIRST_DATE)
        units = klass.translate(participant.code, on, FIRST_DATE).codes
        start = onset_year(participant.joined)
        for unit in units:
            treated[unit] = min(start, treated.get(unit, start))
    return treated


def _describe(seed: int, effects: Sequence[TrueEffect], participants: int, years: str) -> str:
    if effects:
        stated = "; ".join(f"{e.indicator_id} {e.effect:+g} {e.unit} {e.onset}" for e in effects)
    else:
        stated = "none"
    return (
        f"SYNTHETIC DEMO DATA — invented, not real figures. Every Norwegian municipality "
        f"{years}, seed {seed}, {participants} participant(s); true programme effects: "
        f"{stated}."
    )


def generate(
    participants: Sequence[Participant],
    *,
    seed: int = 2007,
    first_year: int = 2002,
    last_year: int = LAST_YEAR,
    effects: Sequence[TrueEffect] = DEFAULT_EFFECTS,
    structure: Structure = "yearly",
) -> DemoPanel:
    """Return a synthetic panel of every indicator for every municipality and year.

    With ``structure="yearly"`` (the default) each year's rows use the codes valid on
    1 January that year; with ``"latent"`` they use the 434 latent units (the 2002 codes)
    in every year, which is the level where effects are exact. The same arguments always
    give the same rows. Raises DemoPanelError for years outside 2002–2024 or an effect the
    generator does not support, and MunicipalityError for a participant's code that is not
    valid on its join date.
    """
    if not FIRST_DATE.year <= first_year <= last_year <= LAST_YEAR:
        raise DemoPanelError(
            f"years {first_year}–{last_year} are outside {FIRST_DATE.year}–{LAST_YEAR}, "
            "the years the demo panel models"
        )
    if structure not in ("yearly", "latent"):
        raise DemoPanelError(f"structure must be 'yearly' or 'latent', not {structure!r}")
    sizes = _check_effects(effects)
    treated = _treated_units(participants)
    klass = load()
    units = [m.code for m in klass.municipalities_on(FIRST_DATE)]
    drawn = {unit: _draw_unit(unit, seed, unit in treated) for unit in units}
    years = range(first_year, last_year + 1)

    rows: list[PanelRow] = []
    composition: dict[tuple[str, int], tuple[tuple[str, float], ...]] = {}
    contributions: dict[tuple[str, int, str], float] = {}
    for year in years:
        unit_effects: dict[str, Mapping[str, float]] = {
            unit: sizes for unit, start in treated.items() if start <= year
        }
        realised = {u: _realise(drawn[u][year], unit_effects.get(u, {})) for u in units}
        on = date(year, 1, 1)
        members: dict[str, tuple[str, ...]]
        if structure == "latent":
            members = {unit: (unit,) for unit in units}
        else:
            members = {
                m.code: klass.translate(m.code, on, FIRST_DATE).codes
                for m in klass.municipalities_on(on)
            }
        holders: dict[str, list[str]] = {}
        for code, behind in members.items():
            for unit in behind:
                holders.setdefault(unit, []).append(code)
        for code, behind in members.items():
            sums = _Sums()
            parts = []
            for unit in behind:
                sharing = holders[unit]
                sums.add(
                    realised[unit], sharing.index(code), len(sharing), unit_effects.get(unit, {})
                )
                parts.append((unit, 1 / len(sharing)))
            composition[code, year] = tuple(parts)
            for indicator, value in zip(INDICATOR_IDS, sums.values(), strict=True):
                rows.append(PanelRow(code, year, indicator, value))
            for indicator, effect in sums.contributions().items():
                contributions[code, year, indicator] = effect

    span = f"{first_year}–{last_year}" if first_year != last_year else str(first_year)
    return DemoPanel(
        rows=tuple(rows),
        true_effects=tuple(effects),
        treated=MappingProxyType(treated),
        seed=seed,
        description=_describe(seed, effects, len(participants), span),
        structure=structure,
        composition=MappingProxyType(composition),
        contributions=MappingProxyType(contributions),
    )
