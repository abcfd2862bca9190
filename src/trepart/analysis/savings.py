"""Savings: what a municipality's better indicators are worth in NOK per year.

The model follows the priced effects of De Facto's study «Samarbeid lønner seg» (Rapport
2:2015): less sick leave, lower AFP uptake, lower turnover, more full-time positions, less
consultant use, avoided tendering costs (an estimate) and reduced conflict (so uncertain
that it is shown but left out of the total). Each item compares an *actual* indicator
value with a *baseline* value (the municipality's own earlier period, a comparison
average, or a counterfactual from an effect estimate) and prices the difference with
versioned cost parameters.

Money is ``Decimal`` NOK; indicator values come in as floats (statistics) and are
converted with ``Decimal(str(value))`` so that 5.3 stays 5.3. Every derived number carries
a :class:`Trace` — formula, named inputs, result — so every figure in a report can be
followed back to its inputs. Item amounts are rounded to whole NOK (half up); the total is
the sum of the rounded items that are not ``"uncertain"``.

Sign convention: a saving is positive when the municipality did better than its baseline
in the indicator's own direction (``lower_is_better``); a negative amount is a cost.

>>> item = sick_leave_saving(baseline_pct=9.0, actual_pct=8.0, contracted_workdays=100_000)
>>> item.nok_per_year > 0
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType
from typing import Literal, get_args

from trepart.analysis.indicators import CATALOGUE, UnknownIndicator, get

__all__ = [
    "BASELINE_KINDS",
    "DEFAULTS",
    "ITEM_INDICATORS",
    "ITEM_KEYS",
    "ITEM_LABELS",
    "PARAMETER_NAMES",
    "STATUSES",
    "Baseline",
    "BaselineKind",
    "ItemKey",
    "Parameter",
    "ParameterError",
    "ParameterSet",
    "PriceAdjustment",
    "SavingsError",
    "SavingsInputError",
    "SavingsItem",
    "SavingsReport",
    "Skipped",
    "Status",
    "Trace",
    "afp_cost_per_retiree",
    "afp_saving",
    "annual_labour_cost",
    "compute_savings",
    "conflict_saving",
    "consultant_saving",
    "cost_per_lost_workday",
    "daily_labour_cost",
    "fulltime_saving",
    "fulltime_saving_per_conversion",
    "given_saving",
    "sick_leave_saving",
    "tendering_saving",
    "turnover_cost_per_leaver",
    "turnover_saving",
]

Status = Literal["computed", "estimate", "uncertain", "given"]
STATUSES: tuple[Status, ...] = get_args(Status)
ItemKey = Literal[
    "sick_leave", "afp", "turnover", "fulltime", "consultants", "tendering", "conflict"
]
ITEM_KEYS: tuple[ItemKey, ...] = get_args(ItemKey)
BaselineKind = Literal["earlier_period", "comparison_average", "counterfactual"]
BASELINE_KINDS: tuple[BaselineKind, ...] = get_args(BaselineKind)

NOK = Decimal("1")
_HUNDRED = Decimal(100)

# (nb, nn, en) per item, in the order of the seed study's table.
ITEM_LABELS: Mapping[ItemKey, tuple[str, str, str]] = MappingProxyType(
    {
        "sick_leave": ("Sykefravær", "Sjukefråvær", "Sick leave"),
        "afp": ("AFP", "AFP", "AFP (early retirement)"),
        "turnover": ("Turnover", "Turnover", "Turnover"),
        "fulltime": ("Heltid–deltid", "Heiltid–deltid", "Full-time vs part-time"),
        "consultants": ("Konsulentbruk", "Konsulentbruk", "Consultant use"),
        "tendering": ("Anbudskostnader", "Anbodskostnader", "Tendering costs"),
        "conflict": ("Redusert konflikt", "Redusert konflikt", "Reduced conflict"),
    }
)
ITEM_INDICATORS: Mapping[ItemKey, tuple[str, ...]] = MappingProxyType(
    {
        "sick_leave": ("sick_leave_pct", "contracted_workdays"),
        "afp": ("afp_uptake_pct", "employees_aged_62_66"),
        "turnover": ("turnover_pct", "headcount"),
        "fulltime": ("fulltime_share", "headcount"),
        "consultants": ("consultant_spending_nok",),
        "tendering": ("tendering_costs_nok",),
        "conflict": ("conflict_cases", "conflict_index"),
    }
)


class SavingsError(ValueError):
    """Base class for savings errors."""


class SavingsInputError(SavingsError):
    """A bad input value; the message names the field."""


class ParameterError(SavingsError):
    """An unknown parameter name or a parameter value out of its range."""


# -- traces ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Trace:
    """How one number was made: ``result = formula(inputs)`` in ``unit``.

    ``inputs`` maps each name in the formula to its value; ``steps`` are the traces of the
    inputs that were themselves derived (e.g. the daily labour cost inside the cost of a
    lost workday), so the whole derivation can be walked back to parameters and indicator
    values.
    """

    name: str
    formula: str
    inputs: Mapping[str, Decimal]
    result: Decimal
    unit: str
    steps: tuple[Trace, ...] = ()

    def all_inputs(self) -> dict[str, Decimal]:
        """Return every named input of this trace and of its steps, outermost first."""
        found: dict[str, Decimal] = dict(self.inputs)
        for step in self.steps:
            for name, value in step.all_inputs().items():
                found.setdefault(name, value)
        return found

    def explain(self, indent: int = 0) -> str:
        """Return the derivation as indented plain text, one trace per block."""
        pad = "  " * indent
        lines = [f"{pad}{self.name} = {self.formula}"]
        lines += [f"{pad}  {name} = {_plain(value)}" for name, value in self.inputs.items()]
        lines.append(f"{pad}  = {_plain(self.result)} {self.unit}")
        lines += [step.explain(indent + 1) for step in self.steps]
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        """Return ``{"name", "formula", "inputs", "result", "unit", "steps"}``.

        Numbers are JSON numbers rounded to 6 decimals (traces are for reading; the exact
        values live in the Decimal fields).
        """
        return {
            "name": self.name,
            "formula": self.formula,
            "inputs": {name: _json_number(value) for name, value in self.inputs.items()},
            "result": _json_number(self.result),
            "unit": self.unit,
            "steps": [step.to_json() for step in self.steps],
        }


def _plain(value: Decimal) -> str:
    text = format(value.quantize(Decimal("0.000001")).normalize(), "f")
    return text


def _json_number(value: Decimal) -> int | float:
    rounded = value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return int(rounded)
    return float(rounded)


# -- parameters ------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """One cost parameter: its value, unit, where the default comes from, and a note.

    ``assumption`` is True when no published figure backs the value: it is Trepart's
    documented guess and a municipality should set its own.
    """

    value: Decimal
    unit: str
    source: str
    note: str
    assumption: bool = False

    def to_json(self) -> dict[str, object]:
        """Return ``{"value", "unit", "source", "note", "assumption"}``; value as a string."""
        return {
            "value": str(self.value),
            "unit": self.unit,
            "source": self.source,
            "note": self.note,
            "assumption": self.assumption,
        }


# name -> (lowest allowed, highest allowed or None); all parameters are required.
_RANGES: Mapping[str, tuple[Decimal, Decimal | None]] = MappingProxyType(
    {
        "annual_wage_nok": (Decimal("0.01"), None),
        "holiday_pay_rate": (Decimal(0), Decimal(1)),
        "employer_pension_rate": (Decimal(0), Decimal(1)),
        "employer_tax_rate": (Decimal(0), Decimal(1)),
        "workdays_per_fte_year": (Decimal(1), Decimal(366)),
        "share_of_sick_days_in_employer_period": (Decimal(0), Decimal(1)),
        "cost_share_outside_employer_period": (Decimal(0), Decimal(1)),
        "sick_leave_replacement_cost_share": (Decimal(0), Decimal(2)),
        "turnover_fte_years_per_replacement": (Decimal(0), Decimal(5)),
        "afp_annual_cost_per_retiree_nok": (Decimal(0), None),
        "afp_employer_years_per_retiree": (Decimal(0), Decimal(5)),
        "fulltime_fte_years_per_conversion": (Decimal(0), Decimal(1)),
    }
)
PARAMETER_NAMES: tuple[str, ...] = tuple(_RANGES)


@dataclass(frozen=True)
class ParameterSet:
    """A versioned, complete set of cost parameters.

    ``params["annual_wage_nok"]`` is the value (Decimal); ``params.parameter(name)`` the
    whole :class:`Parameter`. Construction checks that every parameter is present, no
    unknown one is, and every value is within its range.
    """

    version: str
    values: Mapping[str, Parameter]

    def __post_init__(self) -> None:
        if not self.version or not self.version.strip():
            raise ParameterError("a parameter set needs a non-empty version label")
        unknown = sorted(set(self.values) - set(_RANGES))
        if unknown:
            raise ParameterError(
                f"unknown parameter(s) {', '.join(unknown)}; known: {', '.join(_RANGES)}"
            )
        missing = [name for name in _RANGES if name not in self.values]
        if missing:
            raise ParameterError(f"parameter set {self.version!r} lacks {', '.join(missing)}")
        for name, parameter in self.values.items():
            _check_range(name, parameter.value)
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def __getitem__(self, name: str) -> Decimal:
        return self.parameter(name).value

    def parameter(self, name: str) -> Parameter:
        """Return the :class:`Parameter` ``name``; :class:`ParameterError` if unknown."""
        try:
            return self.values[name]
        except KeyError:
            raise ParameterError(
                f"unknown parameter {name!r}; known: {', '.join(_RANGES)}"
            ) from None

    def replace(
        self, *, version: str | None = None, **changes: Decimal | int | str | Parameter
    ) -> ParameterSet:
        """Return a new set with ``changes`` applied and a new version label.

        A change is a :class:`Parameter`, or a bare value (Decimal, int or numeric string;
        floats are refused so that no binary rounding sneaks into money) that keeps the
        unit and records the default it replaced. Without ``version`` the label is derived:
        ``"2026-1+annual_wage_nok=650000"`` (changes sorted by name).
        """
        if not changes:
            raise ParameterError("replace() needs at least one parameter to change")
        values = dict(self.values)
        labels: list[str] = []
        for name in sorted(changes):
            old = self.parameter(name)
            change = changes[name]
            if isinstance(change, Parameter):
                new = change
            else:
                value = _parameter_value(name, change)
                new = Parameter(
                    value=value,
                    unit=old.unit,
                    source="set by the user",
                    note=f"replaces the default {old.value} ({old.source})",
                    assumption=False,
                )
            values[name] = new
            labels.append(f"{name}={new.value}")
        label = version if version is not None else f"{self.version}+{'+'.join(labels)}"
        return ParameterSet(version=label, values=values)

    def to_json(self) -> dict[str, object]:
        """Return ``{"version", "parameters": {name: Parameter.to_json()}}``."""
        return {
            "version": self.version,
            "parameters": {name: p.to_json() for name, p in self.values.items()},
        }


def _parameter_value(name: str, value: object) -> Decimal:
    if isinstance(value, bool | float):
        raise ParameterError(
            f"{name}: give a Decimal, an int or a numeric string, not {type(value).__name__}"
        )
    try:
        result = Decimal(value) if isinstance(value, int | str | Decimal) else None
    except InvalidOperation:
        result = None
    if result is None or not result.is_finite():
        raise ParameterError(f"{name}: {value!r} is not a number")
    return result


def _check_range(name: str, value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ParameterError(f"{name}: {value!r} is not a finite Decimal")
    low, high = _RANGES[name]
    if value < low or (high is not None and value > high):
        span = f"from {low}" + (f" to {high}" if high is not None else " up")
        raise ParameterError(f"{name} = {value} is out of range; allowed {span}")


_SICK_MODEL = "KS, Modell for kostnadsberegning av sykefravær (2023-tall)"

DEFAULTS = ParameterSet(
    version="2026-1",
    values={
        "annual_wage_nok": Parameter(
            value=Decimal("613200"),
            unit="NOK per FTE-year",
            source="KS, Lønnsstatistikk kommunal forvaltning: gjennomsnittlig årslønn "
            "(månedsfortjeneste × 12, heltidsekvivalent) i kommunene per 1.12.2023 = 613 200 kr",
            note="All positions in municipalities (not county municipalities, 685 400 kr). "
            "Includes fixed and variable supplements. Set your own municipality's figure "
            "(KS PAI, table per municipality) and year.",
        ),
        "holiday_pay_rate": Parameter(
            value=Decimal("0.12"),
            unit="share of wage",
            source="Ferieloven and Hovedtariffavtalen (KS): five weeks' holiday gives 12 % "
            "holiday pay (14.3 % from age 60)",
            note="Counted on top of the annual wage, as in KS's cost model; this is the usual "
            "convention, although within one year most of it replaces the wage deducted "
            "for the holiday.",
        ),
        "employer_pension_rate": Parameter(
            value=Decimal("0.20"),
            unit="share of wage",
            source=_SICK_MODEL + ", table 2: of the employer's 10 981 mill. kr in the "
            "employer period, 9 345 mill. kr are wage, holiday pay and employer's tax on "
            "them, so pension with employer's tax on it is 1 636 mill. kr: pension ≈ 17.5 % "
            "of wage and holiday pay together, ≈ 19.6 % of the wage alone (12 % holiday pay)",
            note="Derived, not stated by KS. Older figures are lower: about 16 % on top of "
            "the annual wage budgets (KS and KLP in Bergens Tidende, «Offentlig ansatte har "
            "gullpensjoner», 2010 or later) and premiums of 11.2–14.2 % of wages in the "
            "years up to 2010 (KRD, «Pensjon – kostnader og premieavvik», 2011). Varies by year, "
            "pension fund and municipality; take the pension cost rate from the "
            "municipality's accounts (note on pensions) or KLP's premium letter.",
        ),
        "employer_tax_rate": Parameter(
            value=Decimal("0.141"),
            unit="share of wage, holiday pay and pension premium",
            source="Arbeidsgiveravgift, sone I: 14.1 % (Stortingets vedtak om arbeidsgiveravgift)",
            note="Other zones pay less (II 10.6 %, III 6.4 %, IV 5.1 %, IVa 7.9 %, V 0 %); "
            "set your municipality's zone.",
        ),
        "workdays_per_fte_year": Parameter(
            value=Decimal("260"),
            unit="days per FTE-year",
            source="NAV: the daily rate of sick pay is the annual income divided by 260 "
            "(weekdays in a year)",
            note="The annual wage pays for every weekday, public holidays included, so one "
            "lost weekday costs 1/260 of it. Subtracting holidays and vacation (≈ 225) "
            "would double-count holiday pay, which is already added on top.",
        ),
        "share_of_sick_days_in_employer_period": Parameter(
            value=Decimal("0.34"),
            unit="share of lost workdays",
            source="Andersen & Nossen, Arbeids- og velferdsdirektoratet, «Hva koster "
            "sykefraværet for bedriftene?» (memu.no), 2016 data: about 34 % of all sick-leave "
            "days fall inside the employer period (a rough estimate, all sectors)",
            note="The employer period is the first 16 calendar days of a spell, paid by the "
            "employer; self-certified absence lies wholly inside it. KS's 2023 cost model "
            "for the municipal sector puts 11.0 of 30.3 bn kr (36 %) of the cost there. Use "
            "your own split when the HR system gives it.",
        ),
        "cost_share_outside_employer_period": Parameter(
            value=Decimal("0.18"),
            unit="share of daily labour cost",
            source=_SICK_MODEL + ": the employer carries 3.5 of the 19.3 bn kr that sick "
            "leave outside the employer period cost in 2023 (≈ 0.18)",
            note="After day 16 NAV refunds the wage up to 6G, but the employer still pays "
            "pension, employer's tax on holiday pay and pension, wage and holiday pay above "
            "6G, and holiday pay beyond 48 sick days.",
        ),
        "sick_leave_replacement_cost_share": Parameter(
            value=Decimal("0"),
            unit="share of daily labour cost",
            source="Trepart default: replacement not counted",
            note="Replacement (vikar) and overtime costs are often added to the cost of a "
            "lost workday; set the share of lost days replaced (e.g. 0.5) to include them.",
            assumption=True,
        ),
        "turnover_fte_years_per_replacement": Parameter(
            value=Decimal("0.2"),
            unit="FTE-years of labour cost per leaver",
            source="De Facto, «Samarbeid lønner seg» (Rapport 2:2015), Lunner case, as "
            "cited in Trepart's brief; the same order as Boushey & Glynn (Center for "
            "American Progress, 2012): replacing an employee costs about a fifth of a "
            "year's pay",
            note="Covers recruitment, induction and lower productivity while learning. Not "
            "checked against the report text (the seed deck does not state it).",
        ),
        "afp_annual_cost_per_retiree_nok": Parameter(
            value=Decimal("280000"),
            unit="NOK per AFP retiree per year",
            source="Trepart estimate from published parts: AFP from 62 to 65 is the folketrygd "
            "old-age pension computed as if working to 67 plus an AFP supplement of 20 400 kr "
            "a year (finansportalen.no, «Offentlig AFP»); NAV's average old-age pension from "
            "the folketrygd was 258 700 kr in 2021; 258 700 + 20 400 ≈ 280 000 kr",
            note="A proxy: the average covers all old-age pensioners, and women (most "
            "municipal AFP retirees) get less (NAV 2018: 210 440 kr against 266 798 kr for "
            "men). Applies to the early-retirement AFP of cohorts born 1962 or earlier (the "
            "scheme the 2015 study priced); lifelong AFP for later cohorts is financed "
            "differently. Use the AFP cost in KLP's/SPK's invoice.",
            assumption=True,
        ),
        "afp_employer_years_per_retiree": Parameter(
            value=Decimal("2.2"),
            unit="years",
            source="NAV, «Mottakere av AFP, etter ordning, alder og kjønn» per 31.12.2007, "
            "municipal AFP: 6 588 recipients aged 62–64 against 2 686 aged 65, i.e. about "
            "2.5 years of AFP before 65 per AFP retiree; times the average AFP grade in the "
            "public sector, 88.1 % (NAV, per 31.3.2007), ≈ 2.2 years at the full rate",
            note="Counts only the years before 65, on Trepart's premise that the employer "
            "pays the AFP in full from 62 until 65; we found no published source for that "
            "split, and a municipality in KLP may insure AFP rather than be «selvassurandør» "
            "(Verdal kommune, PS 104/12, 2012). Old data (cohorts born 1940–1945). Set to the "
            "average number of years your municipality pays the full AFP cost per retiree.",
            assumption=True,
        ),
        "fulltime_fte_years_per_conversion": Parameter(
            value=Decimal("0.05"),
            unit="FTE-years of labour cost per employee moved to full time",
            source="Trepart assumption: per-person overhead (recruitment, training, HR "
            "administration, leadership span, shift planning) of about 5 % of a year's "
            "labour cost; no published per-conversion figure found",
            note="The seed study priced this item (1.0–1.5 mill. kr per municipality in the "
            "seed deck's savings table) without stating its unit cost. Fafo-rapport 2023:22, "
            "«Hva koster heltid egentlig?», finds that larger positions save or cost money "
            "depending on the rota model, but gives no cost per conversion; SSB's labour cost "
            "survey puts training alone at about 2.6 % of the labour cost of an FTE in social "
            "and personal services (2000). Set your own.",
            assumption=True,
        ),
    },
)


# -- derived costs -----------------------------------------------------------------------


def annual_labour_cost(params: ParameterSet = DEFAULTS) -> Trace:
    """Employer's labour cost of one FTE-year [NOK per FTE-year].

    annual_labour_cost = annual_wage × (1 + holiday_pay_rate + employer_pension_rate)
    × (1 + employer_tax_rate): holiday pay and pension premium are shares of the wage, and
    employer's tax is levied on wage, holiday pay and pension premium alike.
    """
    inputs = _params(
        params,
        "annual_wage_nok",
        "holiday_pay_rate",
        "employer_pension_rate",
        "employer_tax_rate",
    )
    result = (
        inputs["annual_wage_nok"]
        * (1 + inputs["holiday_pay_rate"] + inputs["employer_pension_rate"])
        * (1 + inputs["employer_tax_rate"])
    )
    return Trace(
        name="annual_labour_cost_nok",
        formula="annual_wage_nok × (1 + holiday_pay_rate + employer_pension_rate) "
        "× (1 + employer_tax_rate)",
        inputs=inputs,
        result=result,
        unit="NOK per FTE-year",
    )


def daily_labour_cost(params: ParameterSet = DEFAULTS) -> Trace:
    """Employer's labour cost of one workday [NOK per day].

    daily_labour_cost = annual_labour_cost / workdays_per_fte_year.
    """
    annual = annual_labour_cost(params)
    inputs = {"annual_labour_cost_nok": annual.result, **_params(params, "workdays_per_fte_year")}
    return Trace(
        name="daily_labour_cost_nok",
        formula="annual_labour_cost_nok / workdays_per_fte_year",
        inputs=inputs,
        result=annual.result / inputs["workdays_per_fte_year"],
        unit="NOK per workday",
        steps=(annual,),
    )


def cost_per_lost_workday(params: ParameterSet = DEFAULTS) -> Trace:
    """Employer's cost of one workday lost to sick leave [NOK per lost workday].

    cost = daily_labour_cost × (s + (1 − s) × c + r), where s is the share of lost days in
    the employer period (the employer pays them in full), c the share of the daily labour
    cost the employer still carries after NAV's refund, and r the replacement share.
    """
    daily = daily_labour_cost(params)
    inputs = {
        "daily_labour_cost_nok": daily.result,
        **_params(
            params,
            "share_of_sick_days_in_employer_period",
            "cost_share_outside_employer_period",
            "sick_leave_replacement_cost_share",
        ),
    }
    s = inputs["share_of_sick_days_in_employer_period"]
    c = inputs["cost_share_outside_employer_period"]
    r = inputs["sick_leave_replacement_cost_share"]
    return Trace(
        name="cost_per_lost_workday_nok",
        formula="daily_labour_cost_nok × (share_of_sick_days_in_employer_period + "
        "(1 − share_of_sick_days_in_employer_period) × cost_share_outside_employer_period "
        "+ sick_leave_replacement_cost_share)",
        inputs=inputs,
        result=daily.result * (s + (1 - s) * c + r),
        unit="NOK per lost workday",
        steps=(daily,),
    )


def turnover_cost_per_leaver(params: ParameterSet = DEFAULTS) -> Trace:
    """Cost of replacing one employee who leaves [NOK per leaver].

    cost = turnover_fte_years_per_replacement × annual_labour_cost.
    """
    annual = annual_labour_cost(params)
    inputs = {
        **_params(params, "turnover_fte_years_per_replacement"),
        "annual_labour_cost_nok": annual.result,
    }
    return Trace(
        name="turnover_cost_per_leaver_nok",
        formula="turnover_fte_years_per_replacement × annual_labour_cost_nok",
        inputs=inputs,
        result=inputs["turnover_fte_years_per_replacement"] * annual.result,
        unit="NOK per leaver",
        steps=(annual,),
    )


def afp_cost_per_retiree(params: ParameterSet = DEFAULTS) -> Trace:
    """Employer's AFP cost of one AFP retirement [NOK per retiree].

    cost = afp_annual_cost_per_retiree_nok × afp_employer_years_per_retiree. One fewer AFP
    retirement each year saves this much each year once the flow is steady.
    """
    inputs = _params(params, "afp_annual_cost_per_retiree_nok", "afp_employer_years_per_retiree")
    return Trace(
        name="afp_cost_per_retiree_nok",
        formula="afp_annual_cost_per_retiree_nok × afp_employer_years_per_retiree",
        inputs=inputs,
        result=inputs["afp_annual_cost_per_retiree_nok"] * inputs["afp_employer_years_per_retiree"],
        unit="NOK per retiree",
    )


def fulltime_saving_per_conversion(params: ParameterSet = DEFAULTS) -> Trace:
    """Saving when one employee moves from part-time to full-time [NOK per employee].

    saving = fulltime_fte_years_per_conversion × annual_labour_cost (per-person overhead
    avoided because the same FTEs are covered by fewer persons).
    """
    annual = annual_labour_cost(params)
    inputs = {
        **_params(params, "fulltime_fte_years_per_conversion"),
        "annual_labour_cost_nok": annual.result,
    }
    return Trace(
        name="fulltime_saving_per_conversion_nok",
        formula="fulltime_fte_years_per_conversion × annual_labour_cost_nok",
        inputs=inputs,
        result=inputs["fulltime_fte_years_per_conversion"] * annual.result,
        unit="NOK per employee moved to full time",
        steps=(annual,),
    )


def _params(params: ParameterSet, *names: str) -> dict[str, Decimal]:
    return {name: params[name] for name in names}


# -- baselines ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """What the actual values are compared with: one baseline value per indicator.

    - ``earlier_period``: the municipality's own values in an earlier period (before/after).
    - ``comparison_average``: a comparison group's average (national, KOSTRA group).
    - ``counterfactual``: observed − estimated effect, from an effect estimate
      (:meth:`counterfactual`); ``effects`` keeps the estimates.

    Only rates and money are compared; volumes (workdays, headcount) come from the actual
    period.
    """

    kind: BaselineKind
    label: str
    values: Mapping[str, float]
    effects: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in BASELINE_KINDS:
            raise SavingsInputError(
                f"baseline kind {self.kind!r} is unknown; use one of {', '.join(BASELINE_KINDS)}"
            )
        if not self.label.strip():
            raise SavingsInputError("a baseline needs a label saying what it is")
        _check_ids("baseline", self.values)
        _check_ids("effects", self.effects)
        for name, value in {**self.values, **self.effects}.items():
            _finite_number(f"baseline {name}", value)
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        object.__setattr__(self, "effects", MappingProxyType(dict(self.effects)))

    @classmethod
    def earlier_period(
        cls, values: Mapping[str, float], label: str = "own earlier period"
    ) -> Baseline:
        """Compare with the municipality's own values in an earlier period."""
        return cls(kind="earlier_period", label=label, values=values)

    @classmethod
    def comparison_average(cls, values: Mapping[str, float], label: str) -> Baseline:
        """Compare with a comparison group's average; ``label`` names the group."""
        return cls(kind="comparison_average", label=label, values=values)

    @classmethod
    def counterfactual(
        cls,
        observed: Mapping[str, float],
        effects: Mapping[str, float],
        label: str = "counterfactual from an effect estimate",
    ) -> Baseline:
        """Baseline = observed − effect for each indicator with an estimated effect.

        ``effects`` are estimated effects of the cooperation in the indicator's unit (e.g.
        −1.2 percentage points of sick leave); an indicator without an effect is left out.
        """
        missing = sorted(set(effects) - set(observed))
        if missing:
            raise SavingsInputError(f"effects given for {', '.join(missing)} but no observed value")
        values = {
            name: _finite_number(f"observed {name}", observed[name])
            - _finite_number(f"effect {name}", effect)
            for name, effect in effects.items()
        }
        return cls(kind="counterfactual", label=label, values=values, effects=effects)

    def to_json(self) -> dict[str, object]:
        """Return ``{"kind", "label", "values", "effects"}``."""
        return {
            "kind": self.kind,
            "label": self.label,
            "values": dict(self.values),
            "effects": dict(self.effects),
        }


def _check_ids(what: str, values: Mapping[str, object]) -> None:
    for name in values:
        if name not in CATALOGUE:
            raise UnknownIndicator(name, list(CATALOGUE), where=what)


def _finite_number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise SavingsInputError(f"{name}: {value!r} is not a number")
    if not math.isfinite(float(value)):
        raise SavingsInputError(f"{name}: {value!r} is not a finite number")
    return float(value)


def _decimal(name: str, value: object) -> Decimal:
    """A float statistic as Decimal without binary noise: 5.3 -> Decimal("5.3")."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise SavingsInputError(f"{name}: {value!r} is not a finite number")
        return value
    number = _finite_number(name, value)
    return Decimal(str(value)) if isinstance(value, int) else Decimal(repr(number))


def _non_negative(name: str, value: object) -> Decimal:
    result = _decimal(name, value)
    if result < 0:
        raise SavingsInputError(f"{name} is {value}; it cannot be negative")
    return result


def _within(name: str, value: object, high: Decimal) -> Decimal:
    result = _non_negative(name, value)
    if result > high:
        raise SavingsInputError(f"{name} is {value}; it must be between 0 and {high}")
    return result


# -- items -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavingsItem:
    """One priced effect: NOK per year (whole NOK), how sure it is, and how it was made.

    ``status``: ``"computed"`` from indicator values and parameters; ``"estimate"`` counted
    in the total but flagged (e.g. tendering costs avoided); ``"uncertain"`` shown but not
    counted (reduced conflict); ``"given"`` a figure supplied from outside the model.
    """

    key: ItemKey
    label_nb: str
    label_nn: str
    label_en: str
    indicator_ids: tuple[str, ...]
    nok_per_year: Decimal
    status: Status
    trace: Trace

    @property
    def in_total(self) -> bool:
        """Return whether the item counts in the report's total (not ``"uncertain"``)."""
        return self.status != "uncertain"

    def label(self, language: str = "nb") -> str:
        """Return the label in nb, nn or en."""
        index = {"nb": 0, "nn": 1, "en": 2}.get(language)
        if index is None:
            raise ValueError(f"unknown language {language!r}; use one of nb, nn, en")
        return (self.label_nb, self.label_nn, self.label_en)[index]

    def to_json(self) -> dict[str, object]:
        """Return the item, NOK as a whole-number JSON number."""
        return {
            "key": self.key,
            "label_nb": self.label_nb,
            "label_nn": self.label_nn,
            "label_en": self.label_en,
            "indicator_ids": list(self.indicator_ids),
            "nok_per_year": int(self.nok_per_year),
            "status": self.status,
            "in_total": self.in_total,
            "trace": self.trace.to_json(),
        }


def _item(
    key: ItemKey,
    status: Status,
    *,
    formula: str,
    inputs: Mapping[str, Decimal],
    exact: Decimal,
    steps: tuple[Trace, ...] = (),
) -> SavingsItem:
    if status not in STATUSES:
        raise SavingsInputError(f"status {status!r} is unknown; use one of {', '.join(STATUSES)}")
    rounded = exact.quantize(NOK, rounding=ROUND_HALF_UP)
    trace = Trace(
        name=f"{key}_saving_nok",
        formula=f"round_to_whole_nok({formula})",
        inputs=dict(inputs),
        result=rounded,
        unit="NOK per year",
        steps=steps,
    )
    nb, nn, en = ITEM_LABELS[key]
    return SavingsItem(
        key=key,
        label_nb=nb,
        label_nn=nn,
        label_en=en,
        indicator_ids=ITEM_INDICATORS[key],
        nok_per_year=rounded + 0,  # + 0 turns -0 into 0
        status=status,
        trace=trace,
    )


def _improvement(indicator_id: str, baseline: Decimal, actual: Decimal) -> Decimal:
    """Baseline − actual when lower is better, actual − baseline when higher is better."""
    direction = get(indicator_id).lower_is_better
    if direction is None:
        raise SavingsInputError(f"{indicator_id} has no better direction; it cannot be saved on")
    return baseline - actual if direction else actual - baseline


def sick_leave_saving(
    *,
    baseline_pct: float,
    actual_pct: float,
    contracted_workdays: float,
    params: ParameterSet = DEFAULTS,
    status: Status = "computed",
) -> SavingsItem:
    """Saving from less sick leave [NOK per year].

    lost_workdays_avoided = (baseline_pct − actual_pct) × contracted_workdays / 100;
    saving = lost_workdays_avoided × cost_per_lost_workday (see :func:`cost_per_lost_workday`).
    """
    baseline = _within("baseline sick_leave_pct", baseline_pct, _HUNDRED)
    actual = _within("actual sick_leave_pct", actual_pct, _HUNDRED)
    workdays = _non_negative("contracted_workdays", contracted_workdays)
    cost = cost_per_lost_workday(params)
    avoided = _improvement("sick_leave_pct", baseline, actual) * workdays / _HUNDRED
    return _item(
        "sick_leave",
        status,
        formula="(baseline_sick_leave_pct − actual_sick_leave_pct) × contracted_workdays "
        "/ 100 × cost_per_lost_workday_nok",
        inputs={
            "baseline_sick_leave_pct": baseline,
            "actual_sick_leave_pct": actual,
            "contracted_workdays": workdays,
            "lost_workdays_avoided": avoided,
            "cost_per_lost_workday_nok": cost.result,
        },
        exact=avoided * cost.result,
        steps=(cost,),
    )


def afp_saving(
    *,
    baseline_pct: float,
    actual_pct: float,
    employees_aged_62_66: float,
    params: ParameterSet = DEFAULTS,
    status: Status = "computed",
) -> SavingsItem:
    """Saving from lower AFP uptake [NOK per year].

    retirements_avoided = (baseline_pct − actual_pct) × employees_aged_62_66 / 100;
    saving = retirements_avoided × afp_cost_per_retiree (see :func:`afp_cost_per_retiree`).
    """
    baseline = _within("baseline afp_uptake_pct", baseline_pct, _HUNDRED)
    actual = _within("actual afp_uptake_pct", actual_pct, _HUNDRED)
    employees = _non_negative("employees_aged_62_66", employees_aged_62_66)
    cost = afp_cost_per_retiree(params)
    avoided = _improvement("afp_uptake_pct", baseline, actual) * employees / _HUNDRED
    return _item(
        "afp",
        status,
        formula="(baseline_afp_uptake_pct − actual_afp_uptake_pct) × employees_aged_62_66 "
        "/ 100 × afp_cost_per_retiree_nok",
        inputs={
            "baseline_afp_uptake_pct": baseline,
            "actual_afp_uptake_pct": actual,
            "employees_aged_62_66": employees,
            "afp_retirements_avoided": avoided,
            "afp_cost_per_retiree_nok": cost.result,
        },
        exact=avoided * cost.result,
        steps=(cost,),
    )


def turnover_saving(
    *,
    baseline_pct: float,
    actual_pct: float,
    headcount: float,
    params: ParameterSet = DEFAULTS,
    status: Status = "computed",
) -> SavingsItem:
    """Saving from lower turnover [NOK per year].

    leavers_avoided = (baseline_pct − actual_pct) × headcount / 100;
    saving = leavers_avoided × turnover_fte_years_per_replacement × annual_labour_cost.
    """
    baseline = _within("baseline turnover_pct", baseline_pct, _HUNDRED)
    actual = _within("actual turnover_pct", actual_pct, _HUNDRED)
    persons = _non_negative("headcount", headcount)
    cost = turnover_cost_per_leaver(params)
    avoided = _improvement("turnover_pct", baseline, actual) * persons / _HUNDRED
    return _item(
        "turnover",
        status,
        formula="(baseline_turnover_pct − actual_turnover_pct) × headcount / 100 "
        "× turnover_cost_per_leaver_nok",
        inputs={
            "baseline_turnover_pct": baseline,
            "actual_turnover_pct": actual,
            "headcount": persons,
            "leavers_avoided": avoided,
            "turnover_cost_per_leaver_nok": cost.result,
        },
        exact=avoided * cost.result,
        steps=(cost,),
    )


def fulltime_saving(
    *,
    baseline_share: float,
    actual_share: float,
    headcount: float,
    params: ParameterSet = DEFAULTS,
    status: Status = "computed",
) -> SavingsItem:
    """Saving from more full-time positions [NOK per year].

    conversions = (actual_share − baseline_share) × headcount (shares 0–1; higher is
    better); saving = conversions × fulltime_saving_per_conversion.
    """
    baseline = _within("baseline fulltime_share", baseline_share, Decimal(1))
    actual = _within("actual fulltime_share", actual_share, Decimal(1))
    persons = _non_negative("headcount", headcount)
    per = fulltime_saving_per_conversion(params)
    conversions = _improvement("fulltime_share", baseline, actual) * persons
    return _item(
        "fulltime",
        status,
        formula="(actual_fulltime_share − baseline_fulltime_share) × headcount "
        "× fulltime_saving_per_conversion_nok",
        inputs={
            "baseline_fulltime_share": baseline,
            "actual_fulltime_share": actual,
            "headcount": persons,
            "employees_moved_to_full_time": conversions,
            "fulltime_saving_per_conversion_nok": per.result,
        },
        exact=conversions * per.result,
        steps=(per,),
    )


@dataclass(frozen=True)
class PriceAdjustment:
    """A price index of the baseline year and of the report year, to compare kroner of two
    years: a baseline amount in the report year's prices = amount × report_index /
    baseline_index.

    Trepart ships no index values: the user supplies them (e.g. SSB's consumer price index,
    table 03014, annual averages, or the municipal deflator from the state budget) and names
    the ``source``. Both indices must be on the same base; only their ratio is used.
    """

    baseline_year: int
    report_year: int
    baseline_index: Decimal
    report_index: Decimal
    source: str

    def __post_init__(self) -> None:
        for name in ("baseline_index", "report_index"):
            value = getattr(self, name)
            if isinstance(value, bool | float) or not isinstance(value, Decimal | int | str):
                raise SavingsInputError(f"{name}: give a Decimal, int or numeric string")
            try:
                number = Decimal(value)
            except InvalidOperation:
                raise SavingsInputError(f"{name}: {value!r} is not a number") from None
            if not number.is_finite() or number <= 0:
                raise SavingsInputError(f"{name} is {value}; a price index must be positive")
            object.__setattr__(self, name, number)
        if not self.source.strip():
            raise SavingsInputError("a price index needs a source (which index, which table)")

    @property
    def factor(self) -> Decimal:
        """report_index / baseline_index."""
        return self.report_index / self.baseline_index

    def to_json(self) -> dict[str, object]:
        """Return the years, the indices (as strings), the factor and the source."""
        return {
            "baseline_year": self.baseline_year,
            "report_year": self.report_year,
            "baseline_index": str(self.baseline_index),
            "report_index": str(self.report_index),
            "factor": _json_number(self.factor),
            "source": self.source,
        }


def _money_item(
    key: ItemKey,
    indicator_id: str,
    baseline_nok: float | Decimal,
    actual_nok: float | Decimal,
    status: Status,
    price: PriceAdjustment | None,
) -> SavingsItem:
    baseline = _non_negative(f"baseline {indicator_id}", baseline_nok)
    actual = _non_negative(f"actual {indicator_id}", actual_nok)
    if price is None:
        return _item(
            key,
            status,
            formula=f"baseline_{indicator_id} − actual_{indicator_id}",
            inputs={f"baseline_{indicator_id}": baseline, f"actual_{indicator_id}": actual},
            exact=_improvement(indicator_id, baseline, actual),
        )
    adjusted = baseline * price.factor
    return _item(
        key,
        status,
        formula=f"baseline_{indicator_id} × price_index_{price.report_year} / "
        f"price_index_{price.baseline_year} − actual_{indicator_id} "
        f"(price index: {price.source.strip()})",
        inputs={
            f"baseline_{indicator_id}": baseline,
            f"price_index_{price.baseline_year}": price.baseline_index,
            f"price_index_{price.report_year}": price.report_index,
            f"baseline_{indicator_id}_in_{price.report_year}_prices": adjusted,
            f"actual_{indicator_id}": actual,
        },
        exact=_improvement(indicator_id, adjusted, actual),
    )


def consultant_saving(
    *,
    baseline_nok: float | Decimal,
    actual_nok: float | Decimal,
    status: Status = "computed",
    price: PriceAdjustment | None = None,
) -> SavingsItem:
    """Saving from less consultant use [NOK per year]: baseline_nok − actual_nok.

    With ``price``, the baseline is first expressed in the report year's prices:
    baseline_nok × report_index / baseline_index.
    """
    return _money_item(
        "consultants", "consultant_spending_nok", baseline_nok, actual_nok, status, price
    )


def tendering_saving(
    *,
    baseline_nok: float | Decimal,
    actual_nok: float | Decimal,
    status: Status = "estimate",
    price: PriceAdjustment | None = None,
) -> SavingsItem:
    """Saving from avoided tendering costs [NOK per year]: baseline_nok − actual_nok.

    Marked ``"estimate"`` by default: tendering costs avoided are rarely accounted; the seed
    study estimated them assuming half of health and care services were tendered. ``price``
    as in :func:`consultant_saving`.
    """
    return _money_item("tendering", "tendering_costs_nok", baseline_nok, actual_nok, status, price)


def conflict_saving(nok_per_year: Decimal | int | str, *, source: str) -> SavingsItem:
    """Saving from reduced conflict, given in NOK per year; always ``"uncertain"``.

    Shown in reports (in parentheses) but never counted in the total, as in the seed study.
    """
    return given_saving("conflict", nok_per_year, source=source, status="uncertain")


def given_saving(
    key: ItemKey,
    nok_per_year: Decimal | int | str,
    *,
    source: str,
    status: Status = "given",
) -> SavingsItem:
    """An item whose NOK amount comes from outside the model (``source`` says from where)."""
    if key not in ITEM_KEYS:
        raise SavingsInputError(f"item key {key!r} is unknown; use one of {', '.join(ITEM_KEYS)}")
    if not source.strip():
        raise SavingsInputError(f"{key}: a given amount needs a source")
    if isinstance(nok_per_year, float | bool):
        raise SavingsInputError(f"{key}: give NOK as Decimal, int or string, not a float")
    try:
        amount = Decimal(nok_per_year)
    except InvalidOperation:
        raise SavingsInputError(f"{key}: {nok_per_year!r} is not an amount of NOK") from None
    if not amount.is_finite():
        raise SavingsInputError(f"{key}: {nok_per_year!r} is not a finite amount")
    return _item(
        key,
        status,
        formula=f"given_nok_per_year (source: {source.strip()})",
        inputs={"given_nok_per_year": amount},
        exact=amount,
    )


# -- report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    """An item the report could not compute, and why (a missing value)."""

    key: ItemKey
    reason: str


@dataclass(frozen=True)
class SavingsReport:
    """Savings items, their total and its share of operating expenses.

    ``total_nok`` = Σ nok_per_year over items that are not ``"uncertain"`` (whole NOK).
    ``share_of_operating_expenses`` = total_nok / operating_expenses_nok (a fraction, not
    percent), None without operating expenses. Build it with :meth:`build`.
    """

    items: tuple[SavingsItem, ...]
    total_nok: Decimal
    operating_expenses_nok: Decimal | None
    share_of_operating_expenses: Decimal | None
    parameters: ParameterSet
    total_trace: Trace
    share_trace: Trace | None
    baseline: Baseline | None = None
    skipped: tuple[Skipped, ...] = ()
    price: PriceAdjustment | None = None

    @classmethod
    def build(
        cls,
        items: Iterable[SavingsItem],
        *,
        parameters: ParameterSet = DEFAULTS,
        operating_expenses_nok: Decimal | float | None = None,
        baseline: Baseline | None = None,
        skipped: Sequence[Skipped] = (),
        price: PriceAdjustment | None = None,
    ) -> SavingsReport:
        """Sum the items (without uncertain ones) and relate the total to operating expenses."""
        items = tuple(items)
        keys = [item.key for item in items]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise SavingsInputError(f"each item may appear once; repeated: {', '.join(duplicates)}")
        counted = {f"{item.key}_saving_nok": item.nok_per_year for item in items if item.in_total}
        total = sum(counted.values(), Decimal(0))
        left_out = [item.key for item in items if not item.in_total]
        total_trace = Trace(
            name="total_saving_nok",
            formula=" + ".join(counted) if counted else "0 (no items counted)",
            inputs=counted,
            result=total,
            unit="NOK per year"
            + (f" (uncertain items left out: {', '.join(left_out)})" if left_out else ""),
        )
        opex: Decimal | None = None
        share: Decimal | None = None
        share_trace: Trace | None = None
        if operating_expenses_nok is not None:
            opex = _decimal("operating_expenses_nok", operating_expenses_nok)
            if opex <= 0:
                raise SavingsInputError(
                    f"operating_expenses_nok is {operating_expenses_nok}; it must be positive"
                )
            share = total / opex
            share_trace = Trace(
                name="share_of_operating_expenses",
                formula="total_saving_nok / operating_expenses_nok",
                inputs={"total_saving_nok": total, "operating_expenses_nok": opex},
                result=share,
                unit="fraction of operating expenses",
                steps=(total_trace,),
            )
        return cls(
            items=items,
            total_nok=total,
            operating_expenses_nok=opex,
            share_of_operating_expenses=share,
            parameters=parameters,
            total_trace=total_trace,
            share_trace=share_trace,
            baseline=baseline,
            skipped=tuple(skipped),
            price=price,
        )

    @property
    def traces(self) -> tuple[Trace, ...]:
        """Every item's trace, then the total's, then the share's (when there is one)."""
        extra = (self.total_trace,) + ((self.share_trace,) if self.share_trace else ())
        return tuple(item.trace for item in self.items) + extra

    def item(self, key: ItemKey) -> SavingsItem:
        """Return the item ``key``; KeyError when the report has none."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(f"the report has no {key!r} item; it has {[i.key for i in self.items]}")

    def to_json(self) -> dict[str, object]:
        """Return the report JSON-ready.

        NOK amounts are JSON numbers in whole NOK; ``share_of_operating_expenses`` is a
        fraction rounded to 6 decimals (0.030000 = 3 %); parameters keep their exact values
        as strings; traces use numbers rounded to 6 decimals.
        """
        return {
            "items": [item.to_json() for item in self.items],
            "total_nok": int(self.total_nok),
            "operating_expenses_nok": None
            if self.operating_expenses_nok is None
            else int(self.operating_expenses_nok.quantize(NOK, rounding=ROUND_HALF_UP)),
            "share_of_operating_expenses": None
            if self.share_of_operating_expenses is None
            else float(
                self.share_of_operating_expenses.quantize(
                    Decimal("0.000001"), rounding=ROUND_HALF_UP
                )
            ),
            "parameters": self.parameters.to_json(),
            "baseline": None if self.baseline is None else self.baseline.to_json(),
            "skipped": [{"key": s.key, "reason": s.reason} for s in self.skipped],
            "price_adjustment": None if self.price is None else self.price.to_json(),
            "total_trace": self.total_trace.to_json(),
            "share_trace": None if self.share_trace is None else self.share_trace.to_json(),
        }

    def render_table(self, language: str = "nb") -> str:
        """Return a plain-text table: item, status, NOK per year; total and share last.

        Uncertain items are shown in parentheses, as in the seed study, and are not summed.
        """
        words = _WORDS.get(language)
        if words is None:
            raise ValueError(f"unknown language {language!r}; use one of nb, nn, en")
        rows: list[tuple[str, str, str]] = [(words["item"], words["status"], words["nok"])]
        for item in self.items:
            amount = _format_nok(item.nok_per_year, language)
            if not item.in_total:
                amount = f"({amount})"
            rows.append((item.label(language), words[item.status], amount))
        rows.append((words["total"], "", _format_nok(self.total_nok, language)))
        if self.share_of_operating_expenses is not None:
            percent = (self.share_of_operating_expenses * 100).quantize(Decimal("0.01"))
            text = f"{percent} %"
            rows.append((words["share"], "", text.replace(".", ",") if language != "en" else text))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [
            f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}".rstrip() for a, b, c in rows
        ]
        lines.insert(1, "-" * len(lines[0]))
        lines.append(f"{words['parameters']}: {self.parameters.version}")
        return "\n".join(lines)


_WORDS: Mapping[str, Mapping[str, str]] = {
    "nb": {
        "item": "Innsparing",
        "status": "Status",
        "nok": "kr per år",
        "computed": "beregnet",
        "estimate": "anslag",
        "uncertain": "usikker, ikke regnet med",
        "given": "oppgitt",
        "total": "Totalt (uten usikre)",
        "share": "Andel av driftsutgiftene",
        "parameters": "Parametre",
    },
    "nn": {
        "item": "Innsparing",
        "status": "Status",
        "nok": "kr per år",
        "computed": "rekna ut",
        "estimate": "overslag",
        "uncertain": "usikker, ikkje rekna med",
        "given": "oppgitt",
        "total": "Totalt (utan usikre)",
        "share": "Del av driftsutgiftene",
        "parameters": "Parametrar",
    },
    "en": {
        "item": "Saving",
        "status": "Status",
        "nok": "NOK per year",
        "computed": "computed",
        "estimate": "estimate",
        "uncertain": "uncertain, not counted",
        "given": "given",
        "total": "Total (without uncertain)",
        "share": "Share of operating expenses",
        "parameters": "Parameters",
    },
}


def _format_nok(value: Decimal, language: str) -> str:
    text = f"{int(value):,}"
    return text if language == "en" else text.replace(",", " ")


# -- the whole computation ---------------------------------------------------------------


def compute_savings(
    actual: Mapping[str, float],
    baseline: Baseline,
    params: ParameterSet = DEFAULTS,
    *,
    operating_expenses_nok: Decimal | float | None = None,
    tendering_status: Status = "estimate",
    conflict: SavingsItem | None = None,
    price: PriceAdjustment | None = None,
) -> SavingsReport:
    """Compute every item the values allow and return the report.

    ``actual`` maps indicator ids to the actual period's values; volumes (contracted
    workdays, headcount, employees aged 62–66) are taken from it. An item needs its rate in
    both ``actual`` and ``baseline`` and its volume in ``actual``; otherwise it is listed
    in ``report.skipped`` with the reason. Operating expenses come from the argument or
    else from ``actual["operating_expenses_nok"]``. ``conflict`` is an uncertain item made
    with :func:`conflict_saving`. Unknown indicator ids raise :class:`UnknownIndicator`.

    ``price`` expresses the baseline's NOK amounts (consultant use, tendering costs) in the
    report year's prices; it applies to an ``earlier_period`` baseline only (a comparison
    average or counterfactual is of the same year already).
    """
    _check_ids("actual", actual)
    for name, value in actual.items():
        _finite_number(f"actual {name}", value)
    if not isinstance(baseline, Baseline):
        raise SavingsInputError("baseline must be a Baseline (earlier_period, ...)")
    if price is not None and baseline.kind != "earlier_period":
        raise SavingsInputError(
            "a price adjustment applies to an earlier-year baseline only; "
            f"this baseline is a {baseline.kind.replace('_', ' ')}"
        )
    items: list[SavingsItem] = []
    skipped: list[Skipped] = []

    def available(key: ItemKey, rate: str, volume: str | None) -> bool:
        missing = [f"actual {rate}"] if rate not in actual else []
        missing += [f"baseline {rate}"] if rate not in baseline.values else []
        missing += [f"actual {volume}"] if volume and volume not in actual else []
        if missing:
            skipped.append(Skipped(key, f"no value for {', '.join(missing)}"))
        return not missing

    b = baseline.values
    if available("sick_leave", "sick_leave_pct", "contracted_workdays"):
        items.append(
            sick_leave_saving(
                baseline_pct=b["sick_leave_pct"],
                actual_pct=actual["sick_leave_pct"],
                contracted_workdays=actual["contracted_workdays"],
                params=params,
            )
        )
    if available("afp", "afp_uptake_pct", "employees_aged_62_66"):
        items.append(
            afp_saving(
                baseline_pct=b["afp_uptake_pct"],
                actual_pct=actual["afp_uptake_pct"],
                employees_aged_62_66=actual["employees_aged_62_66"],
                params=params,
            )
        )
    if available("turnover", "turnover_pct", "headcount"):
        items.append(
            turnover_saving(
                baseline_pct=b["turnover_pct"],
                actual_pct=actual["turnover_pct"],
                headcount=actual["headcount"],
                params=params,
            )
        )
    if available("fulltime", "fulltime_share", "headcount"):
        items.append(
            fulltime_saving(
                baseline_share=b["fulltime_share"],
                actual_share=actual["fulltime_share"],
                headcount=actual["headcount"],
                params=params,
            )
        )
    if available("consultants", "consultant_spending_nok", None):
        items.append(
            consultant_saving(
                baseline_nok=b["consultant_spending_nok"],
                actual_nok=actual["consultant_spending_nok"],
                price=price,
            )
        )
    if available("tendering", "tendering_costs_nok", None):
        items.append(
            tendering_saving(
                baseline_nok=b["tendering_costs_nok"],
                actual_nok=actual["tendering_costs_nok"],
                status=tendering_status,
                price=price,
            )
        )
    if conflict is not None:
        if conflict.key != "conflict" or conflict.status != "uncertain":
            raise SavingsInputError("conflict must be an uncertain item from conflict_saving()")
        items.append(conflict)
    if operating_expenses_nok is None:
        operating_expenses_nok = actual.get("operating_expenses_nok")
    return SavingsReport.build(
        items,
        parameters=params,
        operating_expenses_nok=operating_expenses_nok,
        baseline=baseline,
        skipped=skipped,
        price=price,
    )
