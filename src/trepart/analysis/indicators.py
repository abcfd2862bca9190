"""The indicator catalogue: what Trepart measures, in which unit, and who defines it.

Every indicator value in Trepart is a float in the indicator's ``unit`` for one
municipality and one period. The catalogue says, for each built-in indicator, which
direction is better, how values of merged municipalities combine (:func:`aggregate`), the
names and help texts in bokmål, nynorsk and English, the definition with its formula, and
the source that defines it. Money indicators are plain NOK floats here; the savings model
(:mod:`trepart.analysis.savings`) turns them into ``Decimal``.

User-defined indicators are validated by :func:`custom_indicator`, which the indicator
store calls before it saves one.

>>> get("sick_leave_pct").unit
'percent'
>>> aggregate(get("sick_leave_pct"), [(10.0, 1000.0), (5.0, 3000.0)])
6.25
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Literal, get_args

__all__ = [
    "AGGREGATIONS",
    "CATALOGUE",
    "TEXT_FIELDS",
    "UNITS",
    "Aggregation",
    "AggregationError",
    "Indicator",
    "IndicatorError",
    "InvalidIndicator",
    "Language",
    "Unit",
    "UnknownIndicator",
    "aggregate",
    "custom_indicator",
    "get",
    "problems",
]

Unit = Literal["percent", "share", "days", "persons", "fte", "nok", "count", "index"]
UNITS: tuple[Unit, ...] = get_args(Unit)
Aggregation = Literal["sum", "weighted_mean", "mean"]
AGGREGATIONS: tuple[Aggregation, ...] = get_args(Aggregation)
Language = Literal["nb", "nn", "en"]

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
TEXT_FIELDS: tuple[str, ...] = (
    "name_nb",
    "name_nn",
    "name_en",
    "help_nb",
    "help_nn",
    "help_en",
    "definition",
    "source",
)
MAX_DECIMALS = 6


class IndicatorError(ValueError):
    """Base class for indicator errors (bad definitions, bad values)."""


class UnknownIndicator(KeyError, IndicatorError):
    """An indicator id that is not in the catalogue (or in the given custom indicators)."""

    def __init__(self, indicator_id: str, known: Sequence[str], where: str = "") -> None:
        self.indicator_id = indicator_id
        self.known = tuple(sorted(known))
        prefix = f"{where}: " if where else ""
        super().__init__(
            f"{prefix}unknown indicator {indicator_id!r}; known indicators: {', '.join(self.known)}"
        )

    def __str__(self) -> str:
        # KeyError.__str__ would repr() the message and add quotes around it.
        return str(self.args[0])


class InvalidIndicator(IndicatorError):
    """An indicator definition with problems; ``errors`` maps each bad field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        detail = "; ".join(f"{field}: {message}" for field, message in self.errors.items())
        super().__init__(f"invalid indicator definition: {detail}")


class AggregationError(IndicatorError):
    """Values that cannot be combined by the indicator's aggregation rule."""


@dataclass(frozen=True)
class Indicator:
    """One indicator: identity, unit, direction, merge rule, texts in three languages, source.

    ``lower_is_better``: True (less is better, e.g. sick leave), False (more is better, e.g.
    the full-time share) or None (neither: a volume such as headcount).
    ``aggregation``: how the values of municipalities that merged combine into one value —
    ``"sum"`` for volumes and money, ``"weighted_mean"`` for rates (weighted by the volume
    indicator named in ``weight``, which itself sums), ``"mean"`` for an unweighted mean.
    ``decimals``: how many decimals to show.
    ``maximum``: the largest valid value, where the unit's own bound does not hold (a
    percentage is 0–100, except an average position size, where one person's positions in a
    municipality may add up to more than one full-time position).
    """

    id: str
    unit: Unit
    lower_is_better: bool | None
    aggregation: Aggregation
    weight: str | None
    name_nb: str
    name_nn: str
    name_en: str
    help_nb: str
    help_nn: str
    help_en: str
    definition: str
    source: str
    decimals: int
    maximum: float | None = None

    def name(self, language: Language = "nb") -> str:
        """Return the name in ``language`` (nb, nn or en)."""
        return str(getattr(self, f"name_{_language(language)}"))

    def help(self, language: Language = "nb") -> str:
        """Return the help text in ``language`` (nb, nn or en)."""
        return str(getattr(self, f"help_{_language(language)}"))

    @property
    def direction(self) -> str:
        """Return "lower is better", "higher is better" or "neither"."""
        if self.lower_is_better is None:
            return "neither"
        return "lower is better" if self.lower_is_better else "higher is better"

    def to_json(self) -> dict[str, object]:
        """Return every field as a JSON-ready dict, in field order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _language(language: str) -> str:
    if language not in get_args(Language):
        raise ValueError(f"unknown language {language!r}; use one of nb, nn, en")
    return language


def problems(indicator: Indicator, known: Mapping[str, Indicator] | None = None) -> dict[str, str]:
    """Return what is wrong with ``indicator`` as {field: message}; empty when it is valid.

    ``known`` holds the indicators a ``weight`` may refer to (default: the catalogue).
    The id must match ``^[a-z][a-z0-9_]{1,62}$``; every text field must be non-empty; a
    ``weighted_mean`` needs a ``weight`` naming a known indicator that aggregates by
    ``"sum"`` (a volume); other aggregations take no weight.
    """
    known = CATALOGUE if known is None else known
    errors: dict[str, str] = {}
    if not isinstance(indicator.id, str) or not ID_PATTERN.match(indicator.id):
        errors["id"] = (
            f"{indicator.id!r} is not a valid id: use 2–63 characters, lower-case letters, "
            "digits and underscores, starting with a letter"
        )
    if indicator.unit not in UNITS:
        errors["unit"] = f"{indicator.unit!r} is not a unit; use one of {', '.join(UNITS)}"
    if indicator.lower_is_better not in (True, False, None):
        errors["lower_is_better"] = "must be True, False or None"
    if indicator.aggregation not in AGGREGATIONS:
        errors["aggregation"] = (
            f"{indicator.aggregation!r} is not an aggregation; use one of {', '.join(AGGREGATIONS)}"
        )
    elif indicator.aggregation == "weighted_mean":
        if not indicator.weight:
            errors["weight"] = "a weighted_mean needs a weight: the id of a volume indicator"
        elif indicator.weight not in known:
            errors["weight"] = f"weight {indicator.weight!r} is not a known indicator"
        elif known[indicator.weight].aggregation != "sum":
            errors["weight"] = (
                f"weight {indicator.weight!r} must be a volume that aggregates by sum, "
                f"not by {known[indicator.weight].aggregation}"
            )
    elif indicator.weight is not None:
        errors["weight"] = f"only a weighted_mean takes a weight, not {indicator.aggregation}"
    for name in TEXT_FIELDS:
        value = getattr(indicator, name)
        if not isinstance(value, str) or not value.strip():
            errors[name] = "must not be empty"
    if (
        isinstance(indicator.decimals, bool)
        or not isinstance(indicator.decimals, int)
        or not 0 <= indicator.decimals <= MAX_DECIMALS
    ):
        errors["decimals"] = f"must be a whole number from 0 to {MAX_DECIMALS}"
    return errors


def get(indicator_id: str) -> Indicator:
    """Return the built-in indicator ``indicator_id``; :class:`UnknownIndicator` otherwise."""
    try:
        return CATALOGUE[indicator_id]
    except KeyError:
        raise UnknownIndicator(indicator_id, list(CATALOGUE)) from None


def custom_indicator(
    id: str,
    *,
    unit: str,
    lower_is_better: bool | None,
    aggregation: str,
    weight: str | None = None,
    name_nb: str,
    name_nn: str,
    name_en: str,
    help_nb: str,
    help_nn: str,
    help_en: str,
    definition: str,
    source: str,
    decimals: int = 1,
    others: Mapping[str, Indicator] | None = None,
) -> Indicator:
    """Validate a user-defined indicator and return it; :class:`InvalidIndicator` otherwise.

    ``others`` are the user's other custom indicators, which a ``weight`` may name besides
    the built-ins. Text fields are stripped of surrounding white space. Every problem is
    reported at once, field by field, in ``InvalidIndicator.errors``; an id that equals a
    built-in id (or one of ``others``) is refused.
    """
    indicator = Indicator(
        id=id,
        unit=unit,  # type: ignore[arg-type]  # checked by problems()
        lower_is_better=lower_is_better,
        aggregation=aggregation,  # type: ignore[arg-type]  # checked by problems()
        weight=weight or None,
        name_nb=_strip(name_nb),
        name_nn=_strip(name_nn),
        name_en=_strip(name_en),
        help_nb=_strip(help_nb),
        help_nn=_strip(help_nn),
        help_en=_strip(help_en),
        definition=_strip(definition),
        source=_strip(source),
        decimals=decimals,
    )
    others = {} if others is None else others
    errors = problems(indicator, known={**others, **CATALOGUE})
    if "id" not in errors and id in CATALOGUE:
        errors["id"] = f"{id!r} is a built-in indicator; choose another id"
    elif "id" not in errors and id in others:
        errors["id"] = f"{id!r} is already one of your indicators; choose another id"
    if errors:
        raise InvalidIndicator(errors)
    return indicator


def _strip(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def aggregate(indicator: Indicator, values: Sequence[tuple[float, float | None]]) -> float:
    """Combine the values of municipalities that merged into one value, by the indicator's rule.

    ``values`` holds one ``(value, weight)`` pair per municipality, the weight being the
    value of ``indicator.weight`` for that municipality (None when not needed).

    - ``sum``: Σ value (money, days, persons, counts).
    - ``mean``: Σ value / n.
    - ``weighted_mean``: Σ (value × weight) / Σ weight. Every weight must be given, finite
      and ≥ 0, and their sum > 0 — a missing weight is an error, never silently a mean.

    Example: sick leave 10 % of 1 000 contracted workdays and 5 % of 3 000 →
    (10 × 1 000 + 5 × 3 000) / 4 000 = 6.25 %.
    """
    if not values:
        raise AggregationError(f"{indicator.id}: nothing to aggregate (no values)")
    for position, (value, _weight) in enumerate(values, start=1):
        if not _finite(value):
            raise AggregationError(f"{indicator.id}: value {position} is {value!r}, not a number")
    if indicator.aggregation == "sum":
        return math.fsum(value for value, _ in values)
    if indicator.aggregation == "mean":
        return math.fsum(value for value, _ in values) / len(values)
    weights: list[float] = []
    for position, (_value, weight) in enumerate(values, start=1):
        if weight is None:
            raise AggregationError(
                f"{indicator.id} is a weighted mean by {indicator.weight}: "
                f"value {position} has no weight; give {indicator.weight} for every municipality"
            )
        if not _finite(weight) or weight < 0:
            raise AggregationError(
                f"{indicator.id}: weight {position} ({indicator.weight}) is {weight!r}; "
                "weights must be finite and not negative"
            )
        weights.append(float(weight))
    total_weight = math.fsum(weights)
    if total_weight <= 0:
        raise AggregationError(
            f"{indicator.id}: the weights ({indicator.weight}) sum to 0; nothing to weight by"
        )
    weighted = math.fsum(value * weight for (value, _), weight in zip(values, weights, strict=True))
    return weighted / total_weight


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


_SSB_SICK_LEAVE = (
    "SSB, sykefraværsstatistikk: tapte dagsverk i prosent av avtalte dagsverk "
    "(dagsverk justert for stillingsandel og sykmeldingsgrad)"
)
_PAI = "KS, PAI-registeret (personal- og lønnsstatistikk for kommunesektoren)"

_BUILT_INS: tuple[Indicator, ...] = (
    Indicator(
        id="sick_leave_pct",
        unit="percent",
        lower_is_better=True,
        aggregation="weighted_mean",
        weight="contracted_workdays",
        name_nb="Sykefravær",
        name_nn="Sjukefråvær",
        name_en="Sick leave",
        help_nb="Tapte dagsverk på grunn av egen sykdom i prosent av avtalte dagsverk, "
        "egenmeldt og legemeldt til sammen.",
        help_nn="Tapte dagsverk på grunn av eigen sjukdom i prosent av avtalte dagsverk, "
        "eigenmeldt og legemeldt til saman.",
        help_en="Workdays lost to the employee's own illness as a percentage of contracted "
        "workdays, self-certified and doctor-certified together.",
        definition="sick_leave_pct = 100 × lost_workdays / contracted_workdays, where a lost "
        "workday is one sick day × position share (0–1) × sick-leave grade (0.2–1) "
        "[percent of contracted workdays]; = sick_leave_self_pct + sick_leave_doctor_pct.",
        source=_SSB_SICK_LEAVE,
        decimals=1,
    ),
    Indicator(
        id="sick_leave_self_pct",
        unit="percent",
        lower_is_better=True,
        aggregation="weighted_mean",
        weight="contracted_workdays",
        name_nb="Egenmeldt sykefravær",
        name_nn="Eigenmeldt sjukefråvær",
        name_en="Self-certified sick leave",
        help_nb="Dagsverk tapt ved egenmeldt fravær i prosent av avtalte dagsverk.",
        help_nn="Dagsverk tapte ved eigenmeldt fråvær i prosent av avtalte dagsverk.",
        help_en="Workdays lost to self-certified absence as a percentage of contracted workdays.",
        definition="sick_leave_self_pct = 100 × self-certified lost workdays / "
        "contracted_workdays; the sick-leave grade of self-certified absence is 1 "
        "[percent of contracted workdays].",
        source=_SSB_SICK_LEAVE,
        decimals=1,
    ),
    Indicator(
        id="sick_leave_doctor_pct",
        unit="percent",
        lower_is_better=True,
        aggregation="weighted_mean",
        weight="contracted_workdays",
        name_nb="Legemeldt sykefravær",
        name_nn="Legemeldt sjukefråvær",
        name_en="Doctor-certified sick leave",
        help_nb="Dagsverk tapt ved legemeldt fravær i prosent av avtalte dagsverk, justert "
        "for stillingsandel og sykmeldingsgrad.",
        help_nn="Dagsverk tapte ved legemeldt fråvær i prosent av avtalte dagsverk, justert "
        "for stillingsdel og sjukmeldingsgrad.",
        help_en="Workdays lost to doctor-certified absence as a percentage of contracted "
        "workdays, adjusted for position share and sick-leave grade.",
        definition="sick_leave_doctor_pct = 100 × Σ(sick days × position share × sick-leave "
        "grade) / contracted_workdays over doctor-certified spells "
        "[percent of contracted workdays].",
        source=_SSB_SICK_LEAVE,
        decimals=1,
    ),
    Indicator(
        id="contracted_workdays",
        unit="days",
        lower_is_better=None,
        aggregation="sum",
        weight=None,
        name_nb="Avtalte dagsverk",
        name_nn="Avtalte dagsverk",
        name_en="Contracted workdays",
        help_nb="Dager de ansatte etter avtalen skulle vært på jobb, justert for stillingsandel.",
        help_nn="Dagar dei tilsette etter avtalen skulle vore på jobb, justert for stillingsdel.",
        help_en="Days the employees were contracted to work, adjusted for position share.",
        definition="contracted_workdays = Σ over employments of (workdays in the period × "
        "position share); workdays are Monday–Friday except public holidays [days].",
        source="SSB and NAV, sykefraværsstatistikk: avtalte dagsverk",
        decimals=0,
    ),
    Indicator(
        id="lost_workdays",
        unit="days",
        lower_is_better=True,
        aggregation="sum",
        weight=None,
        name_nb="Tapte dagsverk",
        name_nn="Tapte dagsverk",
        name_en="Lost workdays",
        help_nb="Dagsverk tapt på grunn av egen sykdom, justert for stillingsandel og "
        "sykmeldingsgrad.",
        help_nn="Dagsverk tapte på grunn av eigen sjukdom, justert for stillingsdel og "
        "sjukmeldingsgrad.",
        help_en="Workdays lost to the employee's own illness, adjusted for position share "
        "and sick-leave grade.",
        definition="lost_workdays = Σ over sick days of (position share × sick-leave grade) "
        "= sick_leave_pct × contracted_workdays / 100 [days].",
        source="SSB, sykefraværsstatistikk: sykefraværsdagsverk",
        decimals=0,
    ),
    Indicator(
        id="employees_aged_62_66",
        unit="persons",
        lower_is_better=None,
        aggregation="sum",
        weight=None,
        name_nb="Ansatte 62–66 år",
        name_nn="Tilsette 62–66 år",
        name_en="Employees aged 62–66",
        help_nb="Antall ansatte som var 62–66 år 1. januar; de som kan ta ut AFP.",
        help_nn="Talet på tilsette som var 62–66 år 1. januar; dei som kan ta ut AFP.",
        help_en="Number of employees aged 62–66 on 1 January: those who can take AFP.",
        definition="employees_aged_62_66 = number of distinct employees aged 62–66 on "
        "1 January of the year [persons].",
        source=_PAI,
        decimals=0,
    ),
    Indicator(
        id="afp_uptake_pct",
        unit="percent",
        lower_is_better=True,
        aggregation="weighted_mean",
        weight="employees_aged_62_66",
        name_nb="AFP-uttak",
        name_nn="AFP-uttak",
        name_en="AFP uptake",
        help_nb="Andel av ansatte 62–66 år som gikk av med avtalefestet pensjon (AFP) i "
        "løpet av året.",
        help_nn="Del av tilsette 62–66 år som gjekk av med avtalefesta pensjon (AFP) i "
        "løpet av året.",
        help_en="Share of employees aged 62–66 who left with contractual early retirement "
        "pension (AFP) during the year.",
        definition="afp_uptake_pct = 100 × employees whose employment ended with AFP during "
        "the year / employees_aged_62_66 on 1 January [percent].",
        source=_PAI + "; KLP/SPK AFP-statistikk",
        decimals=1,
    ),
    Indicator(
        id="turnover_pct",
        unit="percent",
        lower_is_better=True,
        aggregation="weighted_mean",
        weight="headcount",
        name_nb="Turnover",
        name_nn="Turnover",
        name_en="Turnover",
        help_nb="Andel av de ansatte 1. desember som ikke var ansatt i noen kommune "
        "1. desember året etter.",
        help_nn="Del av dei tilsette 1. desember som ikkje var tilsette i nokon kommune "
        "1. desember året etter.",
        help_en="Share of the employees on 1 December who were not employed in any "
        "municipality on 1 December the year after.",
        definition="turnover_pct = 100 × employees on 1 Dec of year t not employed in any "
        "municipality on 1 Dec of year t+1 / headcount on 1 Dec of year t [percent].",
        source="KS, PAI-registeret: turnover",
        decimals=1,
    ),
    Indicator(
        id="headcount",
        unit="persons",
        lower_is_better=None,
        aggregation="sum",
        weight=None,
        name_nb="Antall ansatte",
        name_nn="Talet på tilsette",
        name_en="Headcount",
        help_nb="Antall ansatte personer 1. desember, uansett stillingsstørrelse.",
        help_nn="Talet på tilsette personar 1. desember, same kor stor stillinga er.",
        help_en="Number of employed persons on 1 December, whatever their position size.",
        definition="headcount = number of distinct employees with a position on 1 December "
        "[persons]; when municipalities merge, a person employed in two of them counts "
        "twice in the sum.",
        source=_PAI,
        decimals=0,
    ),
    Indicator(
        id="fte_years",
        unit="fte",
        lower_is_better=None,
        aggregation="sum",
        weight=None,
        name_nb="Årsverk",
        name_nn="Årsverk",
        name_en="Full-time equivalents",
        help_nb="Summen av stillingsprosentene 1. desember delt på 100.",
        help_nn="Summen av stillingsprosentane 1. desember delt på 100.",
        help_en="The position percentages on 1 December summed and divided by 100.",
        definition="fte_years = Σ over employees of position percentage / 100 on "
        "1 December [full-time equivalents].",
        source=_PAI + ": årsverk",
        decimals=1,
    ),
    Indicator(
        id="fulltime_share",
        unit="share",
        lower_is_better=False,
        aggregation="weighted_mean",
        weight="headcount",
        name_nb="Andel heltid",
        name_nn="Del heiltid",
        name_en="Full-time share",
        help_nb="Andel av de ansatte som har til sammen minst 100 prosent stilling.",
        help_nn="Del av dei tilsette som har til saman minst 100 prosent stilling.",
        help_en="Share of the employees whose positions add up to at least 100 percent.",
        definition="fulltime_share = employees whose summed position percentage ≥ 100 / "
        "headcount, on 1 December [share, 0–1].",
        source=_PAI + ": heltid/deltid",
        decimals=3,
    ),
    Indicator(
        id="avg_fte_pct",
        unit="percent",
        lower_is_better=False,
        aggregation="weighted_mean",
        # A mean over persons: merged = Σ fte_years × 100 / Σ headcount, i.e. weighted by
        # headcount (weighting by fte_years would over-count the municipality with bigger
        # positions).
        weight="headcount",
        name_nb="Gjennomsnittlig stillingsstørrelse",
        name_nn="Gjennomsnittleg stillingsstorleik",
        name_en="Average position size",
        help_nb="Gjennomsnittlig stillingsprosent per ansatt 1. desember.",
        help_nn="Gjennomsnittleg stillingsprosent per tilsett 1. desember.",
        help_en="Average position percentage per employee on 1 December.",
        definition="avg_fte_pct = 100 × fte_years / headcount on 1 December [percent of a "
        "full-time position; above 100 where employees hold several positions in the "
        "municipality adding up to more than one full-time position].",
        source=_PAI,
        decimals=1,
        maximum=300.0,
    ),
    Indicator(
        id="consultant_spending_nok",
        unit="nok",
        lower_is_better=True,
        aggregation="sum",
        weight=None,
        name_nb="Konsulentbruk",
        name_nn="Konsulentbruk",
        name_en="Consultant spending",
        help_nb="Utgifter til kjøp av konsulenttjenester i året, i kroner.",
        help_nn="Utgifter til kjøp av konsulenttenester i året, i kroner.",
        help_en="Spending on purchased consultancy services in the year, in NOK.",
        definition="consultant_spending_nok = Σ accounted expenses for consultancy services "
        "in the year [NOK].",
        source="Kommunens regnskap (KOSTRA-artene for kjøp av konsulenttjenester)",
        decimals=0,
    ),
    Indicator(
        id="tendering_costs_nok",
        unit="nok",
        lower_is_better=True,
        aggregation="sum",
        weight=None,
        name_nb="Anbudskostnader",
        name_nn="Anbodskostnader",
        name_en="Tendering costs",
        help_nb="Kostnader ved å konkurranseutsette tjenester: utlysning, evaluering, "
        "kontraktsoppfølging og omstilling, i kroner per år.",
        help_nn="Kostnader ved å konkurranseutsetje tenester: utlysing, evaluering, "
        "kontraktsoppfølging og omstilling, i kroner per år.",
        help_en="Costs of putting services out to tender: procurement, evaluation, contract "
        "management and transition, in NOK per year.",
        definition="tendering_costs_nok = Σ costs of tendering processes and contract "
        "management in the year [NOK]; often an estimate rather than an accounted figure.",
        source="Kommunens regnskap, eller anslag (De Facto, «Samarbeid lønner seg», 2015)",
        decimals=0,
    ),
    Indicator(
        id="operating_expenses_nok",
        unit="nok",
        lower_is_better=None,
        aggregation="sum",
        weight=None,
        name_nb="Driftsutgifter",
        name_nn="Driftsutgifter",
        name_en="Operating expenses",
        help_nb="Kommunens brutto driftsutgifter i året, i kroner.",
        help_nn="Kommunen sine brutto driftsutgifter i året, i kroner.",
        help_en="The municipality's gross operating expenses in the year, in NOK.",
        definition="operating_expenses_nok = gross operating expenses (brutto driftsutgifter) "
        "of the municipality in the year [NOK].",
        source="SSB KOSTRA tabell 12362",
        decimals=0,
    ),
    Indicator(
        id="conflict_cases",
        unit="count",
        lower_is_better=True,
        aggregation="sum",
        weight=None,
        name_nb="Konfliktsaker",
        name_nn="Konfliktsaker",
        name_en="Conflict cases",
        help_nb="Antall tvister, uenighetsprotokoller og klagesaker mellom partene i året.",
        help_nn="Talet på tvistar, usemjeprotokollar og klagesaker mellom partane i året.",
        help_en="Number of disputes, protocols of disagreement and grievances between the "
        "parties in the year.",
        definition="conflict_cases = number of formal disputes and grievances registered "
        "between employer and union representatives in the year [count].",
        source="Kommunens egen registrering (saksarkiv, protokoller)",
        decimals=0,
    ),
    Indicator(
        id="conflict_index",
        unit="index",
        lower_is_better=True,
        aggregation="mean",
        weight=None,
        name_nb="Konfliktindeks",
        name_nn="Konfliktindeks",
        name_en="Conflict index",
        help_nb="Hvor mye konflikt de spurte opplever i samarbeidet, fra 0 (ingen) til 100 "
        "(svært mye), fra samarbeidsundersøkelsen.",
        help_nn="Kor mykje konflikt dei spurde opplever i samarbeidet, frå 0 (ingen) til 100 "
        "(svært mykje), frå samarbeidsundersøkinga.",
        help_en="How much conflict respondents experience in the cooperation, from 0 (none) "
        "to 100 (a great deal), from the cooperation survey.",
        definition="conflict_index = mean over respondents of the conflict items rescaled "
        "to 0–100 [index]; merged municipalities take the unweighted mean.",
        source="Trepart, samarbeidsundersøkelsen",
        decimals=1,
    ),
)

CATALOGUE: Mapping[str, Indicator] = MappingProxyType(
    {indicator.id: indicator for indicator in _BUILT_INS}
)


def _check_catalogue() -> None:
    # The catalogue is code: a broken entry is a bug, so fail on import, not at use.
    for indicator in _BUILT_INS:
        errors = problems(indicator, known=CATALOGUE)
        if errors:
            raise InvalidIndicator({f"{indicator.id}.{k}": v for k, v in errors.items()})


_check_catalogue()
