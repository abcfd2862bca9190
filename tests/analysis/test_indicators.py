"""The indicator catalogue: every indicator complete, merge rules right, custom ones checked."""

from __future__ import annotations

import math
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

from trepart.analysis.indicators import (
    AGGREGATIONS,
    CATALOGUE,
    TEXT_FIELDS,
    UNITS,
    AggregationError,
    Indicator,
    InvalidIndicator,
    Language,
    UnknownIndicator,
    aggregate,
    custom_indicator,
    get,
    problems,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"
ALL = pytest.mark.parametrize("indicator", list(CATALOGUE.values()), ids=list(CATALOGUE))

# Other modules and apps build on these ids: renaming one is a breaking change.
FIXED_IDS = [
    "sick_leave_pct",
    "sick_leave_self_pct",
    "sick_leave_doctor_pct",
    "contracted_workdays",
    "lost_workdays",
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
    "conflict_index",
]


# -- the catalogue: invariants -----------------------------------------------------------


def test_the_fixed_ids_are_all_in_the_catalogue() -> None:
    assert [i for i in FIXED_IDS if i not in CATALOGUE] == []


@ALL
def test_every_indicator_has_every_field_filled_in(indicator: Indicator) -> None:
    for f in fields(indicator):
        value = getattr(indicator, f.name)
        if f.name in ("lower_is_better", "weight", "maximum"):
            continue  # None is meaningful for these
        assert value is not None and value != "", f"{indicator.id}.{f.name} is empty"
    assert problems(indicator) == {}


@ALL
def test_every_indicator_has_a_name_and_help_text_in_bokmal_nynorsk_and_english(
    indicator: Indicator,
) -> None:
    languages: tuple[Language, ...] = ("nb", "nn", "en")
    for language in languages:
        assert indicator.name(language).strip()
        assert len(indicator.help(language).strip()) > 20
    # An English text copied into the Norwegian field is a missing translation.
    assert indicator.help_nb != indicator.help_en
    assert indicator.help_nn != indicator.help_en


@ALL
def test_every_definition_states_a_formula_and_its_unit(indicator: Indicator) -> None:
    assert "=" in indicator.definition
    assert "[" in indicator.definition and "]" in indicator.definition


@ALL
def test_unit_and_aggregation_are_known_values(indicator: Indicator) -> None:
    assert indicator.unit in UNITS
    assert indicator.aggregation in AGGREGATIONS


@ALL
def test_a_weight_names_an_existing_volume_that_sums(indicator: Indicator) -> None:
    if indicator.aggregation == "weighted_mean":
        assert indicator.weight is not None and indicator.weight in CATALOGUE
        assert get(indicator.weight).aggregation == "sum"
    else:
        assert indicator.weight is None


@ALL
def test_rates_are_weighted_and_money_and_volumes_sum(indicator: Indicator) -> None:
    if indicator.unit in ("percent", "share"):
        assert indicator.aggregation == "weighted_mean"
    if indicator.unit in ("nok", "days", "persons", "fte", "count"):
        assert indicator.aggregation == "sum"


@pytest.mark.parametrize(
    "indicator_id, weight",
    [
        ("sick_leave_pct", "contracted_workdays"),
        ("sick_leave_self_pct", "contracted_workdays"),
        ("sick_leave_doctor_pct", "contracted_workdays"),
        ("turnover_pct", "headcount"),
        ("fulltime_share", "headcount"),
        # a mean over persons: 100 × Σ fte_years / Σ headcount, so weighted by headcount
        ("avg_fte_pct", "headcount"),
        ("afp_uptake_pct", "employees_aged_62_66"),
    ],
)
def test_each_rate_is_weighted_by_its_denominator(indicator_id: str, weight: str) -> None:
    assert get(indicator_id).weight == weight


@pytest.mark.parametrize(
    "indicator_id, lower_is_better",
    [
        ("sick_leave_pct", True),
        ("afp_uptake_pct", True),
        ("turnover_pct", True),
        ("fulltime_share", False),
        ("avg_fte_pct", False),
        ("consultant_spending_nok", True),
        ("tendering_costs_nok", True),
        ("conflict_index", True),
        ("headcount", None),
        ("operating_expenses_nok", None),
    ],
)
def test_direction(indicator_id: str, lower_is_better: bool | None) -> None:
    assert get(indicator_id).lower_is_better is lower_is_better


@ALL
def test_every_indicator_is_documented(indicator: Indicator) -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert f"`{indicator.id}`" in text, f"{indicator.id} is missing from docs/indicators.md"


def test_the_catalogue_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        CATALOGUE["x"] = get("headcount")  # type: ignore[index]


# -- get ---------------------------------------------------------------------------------


def test_get_an_unknown_id_names_the_known_ones() -> None:
    with pytest.raises(UnknownIndicator) as caught:
        get("sickleave")
    assert isinstance(caught.value, KeyError)
    assert "'sickleave'" in str(caught.value)
    assert "sick_leave_pct" in str(caught.value)
    assert caught.value.indicator_id == "sickleave"


# -- aggregation for merged municipalities -----------------------------------------------

AGGREGATIONS_WORKED = [
    # indicator, (value, weight) per merged municipality, expected
    pytest.param(
        "sick_leave_pct",
        [(10.0, 1000.0), (5.0, 3000.0)],
        6.25,
        id="sick leave 10 % of 1000 days and 5 % of 3000: (100 + 150) / 4000 = 6.25 %",
    ),
    pytest.param(
        "avg_fte_pct",
        [(50.0, 10.0), (100.0, 10.0)],
        75.0,
        id="positions 50 % x 10 persons and 100 % x 10: 15 FTE / 20 persons = 75 %",
    ),
    pytest.param(
        "turnover_pct",
        [(10.0, 400.0), (20.0, 100.0)],
        12.0,
        id="turnover 40 of 400 and 20 of 100: 60 / 500 = 12 %",
    ),
    pytest.param("headcount", [(400.0, None), (100.0, None)], 500.0, id="headcount sums"),
    pytest.param(
        "operating_expenses_nok",
        [(6e8, None), (4.5e8, None)],
        1.05e9,
        id="operating expenses sum",
    ),
    pytest.param("conflict_index", [(40.0, None), (60.0, None)], 50.0, id="index: plain mean"),
    pytest.param("sick_leave_pct", [(7.3, 500.0)], 7.3, id="one municipality: unchanged"),
]


@pytest.mark.parametrize("indicator_id, values, expected", AGGREGATIONS_WORKED)
def test_aggregate(
    indicator_id: str, values: list[tuple[float, float | None]], expected: float
) -> None:
    assert math.isclose(aggregate(get(indicator_id), values), expected)


@pytest.mark.parametrize(
    "values, message",
    [
        ([], "nothing to aggregate"),
        ([(10.0, 1000.0), (5.0, None)], "value 2 has no weight"),
        ([(10.0, -1.0)], "not negative"),
        ([(10.0, 0.0), (5.0, 0.0)], "sum to 0"),
        ([(math.nan, 10.0)], "not a number"),
        ([(10.0, math.inf)], "finite"),
    ],
)
def test_aggregate_refuses_what_it_cannot_weight(
    values: list[tuple[float, float | None]], message: str
) -> None:
    with pytest.raises(AggregationError, match=message):
        aggregate(get("sick_leave_pct"), values)


def test_a_sum_ignores_weights() -> None:
    assert aggregate(get("lost_workdays"), [(10.0, 99.0), (5.0, None)]) == 15.0


# -- custom indicators -------------------------------------------------------------------

TEXTS = {
    "name_nb": "Vikarbruk",
    "name_nn": "Vikarbruk",
    "name_en": "Use of temporary staff",
    "help_nb": "Utgifter til vikarer i året.",
    "help_nn": "Utgifter til vikarar i året.",
    "help_en": "Spending on temporary staff in the year.",
    "definition": "temp_staff_nok = Σ spending on temporary staff [NOK]",
    "source": "Kommunens regnskap",
}


def make(**changes: Any) -> Indicator:
    arguments: dict[str, Any] = {
        "id": "temp_staff_nok",
        "unit": "nok",
        "lower_is_better": True,
        "aggregation": "sum",
        **TEXTS,
    }
    arguments.update(changes)
    return custom_indicator(**arguments)


def test_a_valid_custom_indicator_is_returned_with_stripped_texts() -> None:
    indicator = make(name_en="  Use of temporary staff  ")
    assert indicator.id == "temp_staff_nok"
    assert indicator.name_en == "Use of temporary staff"
    assert indicator.weight is None


def test_a_custom_rate_may_be_weighted_by_a_built_in_or_another_custom_volume() -> None:
    assert make(unit="percent", aggregation="weighted_mean", weight="headcount").weight == (
        "headcount"
    )
    volume = make(id="temp_staff_days", unit="days")
    rate = make(
        id="temp_staff_pct",
        unit="percent",
        aggregation="weighted_mean",
        weight="temp_staff_days",
        others={"temp_staff_days": volume},
    )
    assert rate.weight == "temp_staff_days"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"id": "Vikar"}, "id", "not a valid id"),
        ({"id": "1vikar"}, "id", "not a valid id"),
        ({"id": "v"}, "id", "not a valid id"),
        ({"id": "v" * 64}, "id", "not a valid id"),
        ({"id": "vikar-bruk"}, "id", "not a valid id"),
        ({"id": "sick_leave_pct"}, "id", "built-in"),
        ({"unit": "kroner"}, "unit", "not a unit"),
        ({"aggregation": "median"}, "aggregation", "not an aggregation"),
        ({"aggregation": "weighted_mean"}, "weight", "needs a weight"),
        ({"aggregation": "weighted_mean", "weight": "nope"}, "weight", "not a known"),
        ({"aggregation": "weighted_mean", "weight": "sick_leave_pct"}, "weight", "by sum"),
        ({"weight": "headcount"}, "weight", "only a weighted_mean"),
        ({"help_nn": "   "}, "help_nn", "empty"),
        ({"source": ""}, "source", "empty"),
        ({"decimals": 9}, "decimals", "0 to 6"),
        ({"decimals": -1}, "decimals", "0 to 6"),
    ],
)
def test_custom_indicator_errors_name_the_field(
    changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(InvalidIndicator) as caught:
        make(**changes)
    assert field in caught.value.errors
    assert message in caught.value.errors[field]
    assert field in str(caught.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidIndicator) as caught:
        make(id="X", unit="kroner", name_nb="", help_en="")
    assert set(caught.value.errors) == {"id", "unit", "name_nb", "help_en"}


def test_an_id_already_used_by_another_custom_indicator_is_refused() -> None:
    existing = make()
    with pytest.raises(InvalidIndicator, match="already one of your indicators"):
        make(others={existing.id: existing})


def test_problems_of_a_broken_built_in_are_found() -> None:
    broken = replace(get("sick_leave_pct"), weight=None, help_nn="")
    assert set(problems(broken)) == {"weight", "help_nn"}
    assert all(field in TEXT_FIELDS for field in ("help_nn", "definition"))
