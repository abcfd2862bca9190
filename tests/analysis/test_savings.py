"""Savings: worked examples computed by hand, signs, totals, traces and versioned parameters."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from trepart.analysis.indicators import UnknownIndicator
from trepart.analysis.savings import (
    DEFAULTS,
    ITEM_KEYS,
    PARAMETER_NAMES,
    Baseline,
    Parameter,
    ParameterError,
    ParameterSet,
    SavingsInputError,
    SavingsItem,
    SavingsReport,
    afp_cost_per_retiree,
    afp_saving,
    annual_labour_cost,
    compute_savings,
    conflict_saving,
    consultant_saving,
    cost_per_lost_workday,
    daily_labour_cost,
    fulltime_saving,
    fulltime_saving_per_conversion,
    given_saving,
    sick_leave_saving,
    tendering_saving,
    turnover_cost_per_leaver,
    turnover_saving,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "savings.md"

# Round parameters so that every example below can be checked with pencil and paper (the
# pension rate is pinned here, so the examples do not move when its default does):
#   annual labour cost = 520 000 × (1 + 0.12 + 0.18) × (1 + 0)  = 676 000 NOK
#   daily labour cost  = 676 000 / 260                          =   2 600 NOK
#   cost of a lost day = 2 600 × (0.5 + 0.5 × 0.2 + 0)          =   1 560 NOK
#   turnover, per leaver       = 0.2 × 676 000                  = 135 200 NOK
#   AFP, per retiree           = 200 000 × 2                    = 400 000 NOK
#   full time, per conversion  = 0.05 × 676 000                 =  33 800 NOK
SIMPLE = DEFAULTS.replace(
    version="test-simple",
    annual_wage_nok=520_000,
    employer_pension_rate="0.18",
    employer_tax_rate=0,
    share_of_sick_days_in_employer_period="0.5",
    cost_share_outside_employer_period="0.2",
    afp_annual_cost_per_retiree_nok=200_000,
    afp_employer_years_per_retiree=2,
)


# -- derived costs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "function, simple, default",
    [
        # defaults: 613 200 × 1.32 × 1.141 = 923 552.784
        (annual_labour_cost, "676000", "923552.784"),
        # 923 552.784 / 260 = 3 552.126 092 307 692 … (28 significant digits)
        (daily_labour_cost, "2600", "3552.126092307692307692307692"),
        # 3 552.126 09… × (0.34 + 0.66 × 0.18) = 3 552.126 09… × 0.4588 = 1 629.715 45…
        (cost_per_lost_workday, "1560", "1629.715451150769230769230769"),
        # 0.2 × 923 552.784 = 184 710.5568
        (turnover_cost_per_leaver, "135200", "184710.5568"),
        # 280 000 × 2.2
        (afp_cost_per_retiree, "400000", "616000"),
        # 0.05 × 923 552.784 = 46 177.6392
        (fulltime_saving_per_conversion, "33800", "46177.6392"),
    ],
)
def test_derived_costs(function: Any, simple: str, default: str) -> None:
    assert function(SIMPLE).result == Decimal(simple)
    assert function(DEFAULTS).result == Decimal(default)
    assert function().result == Decimal(default)


def test_replacement_costs_add_to_the_cost_of_a_lost_day() -> None:
    # 2 600 × (0.5 + 0.5 × 0.2 + 0.5) = 2 860
    params = SIMPLE.replace(sick_leave_replacement_cost_share="0.5")
    assert cost_per_lost_workday(params).result == Decimal(2860)


# -- items: worked examples --------------------------------------------------------------

ITEMS = [
    # item, expected NOK per year, the hand computation
    pytest.param(
        lambda: sick_leave_saving(
            baseline_pct=9.0, actual_pct=8.0, contracted_workdays=100_000, params=SIMPLE
        ),
        1_560_000,
        id="sick leave 9 -> 8 %: 1 pp x 100 000 / 100 = 1 000 days x 1 560",
    ),
    pytest.param(
        lambda: sick_leave_saving(
            baseline_pct=8.7, actual_pct=7.2, contracted_workdays=123_456, params=SIMPLE
        ),
        2_888_870,
        id="sick leave 8.7 -> 7.2 %: 1.5 x 1 234.56 = 1 851.84 days x 1 560 = 2 888 870.4",
    ),
    pytest.param(
        lambda: sick_leave_saving(
            baseline_pct=8.0, actual_pct=9.0, contracted_workdays=100_000, params=SIMPLE
        ),
        -1_560_000,
        id="sick leave up 8 -> 9 %: a cost, negative",
    ),
    pytest.param(
        lambda: afp_saving(
            baseline_pct=20.0, actual_pct=15.0, employees_aged_62_66=80, params=SIMPLE
        ),
        1_600_000,
        id="AFP 20 -> 15 % of 80: 4 retirements x 400 000",
    ),
    pytest.param(
        lambda: turnover_saving(baseline_pct=12.0, actual_pct=10.0, headcount=1000, params=SIMPLE),
        2_704_000,
        id="turnover 12 -> 10 % of 1000: 20 leavers x 135 200",
    ),
    pytest.param(
        lambda: fulltime_saving(
            baseline_share=0.30, actual_share=0.35, headcount=1000, params=SIMPLE
        ),
        1_690_000,
        id="full-time share 0.30 -> 0.35 of 1000: 50 conversions x 33 800",
    ),
    pytest.param(
        lambda: fulltime_saving(
            baseline_share=0.35, actual_share=0.30, headcount=1000, params=SIMPLE
        ),
        -1_690_000,
        id="full-time share down: higher is better, so a cost",
    ),
    pytest.param(
        lambda: consultant_saving(baseline_nok=2_000_000, actual_nok=1_400_000),
        600_000,
        id="consultants 2.0 -> 1.4 million",
    ),
    pytest.param(
        lambda: consultant_saving(baseline_nok=1_000_000, actual_nok=1_250_000),
        -250_000,
        id="consultants up: negative",
    ),
    pytest.param(
        lambda: tendering_saving(baseline_nok=1_000_000, actual_nok=0),
        1_000_000,
        id="no tendering: the whole baseline cost",
    ),
    pytest.param(
        lambda: consultant_saving(baseline_nok=Decimal("100.5"), actual_nok=0),
        101,
        id="rounded half up to whole NOK",
    ),
]


@pytest.mark.parametrize("make, expected", ITEMS)
def test_item(make: Any, expected: int) -> None:
    item = make()
    assert item.nok_per_year == Decimal(expected)
    assert item.trace.result == item.nok_per_year


def test_no_change_saves_nothing_and_is_not_minus_zero() -> None:
    item = sick_leave_saving(baseline_pct=8.0, actual_pct=8.0, contracted_workdays=1000)
    assert item.nok_per_year == 0 and str(item.nok_per_year) == "0"


def test_statuses_and_labels() -> None:
    assert consultant_saving(baseline_nok=1, actual_nok=0).status == "computed"
    assert tendering_saving(baseline_nok=1, actual_nok=0).status == "estimate"
    conflict = conflict_saving(6_800_000, source="De Facto 2015")
    assert conflict.status == "uncertain" and not conflict.in_total
    assert conflict.label("nb") == "Redusert konflikt"
    assert conflict.label("en") == "Reduced conflict"


# -- traces ------------------------------------------------------------------------------


def test_the_sick_leave_trace_holds_every_input_down_to_the_parameters() -> None:
    item = sick_leave_saving(
        baseline_pct=9.0, actual_pct=8.0, contracted_workdays=100_000, params=SIMPLE
    )
    inputs = item.trace.all_inputs()
    assert inputs["baseline_sick_leave_pct"] == Decimal("9.0")
    assert inputs["actual_sick_leave_pct"] == Decimal("8.0")
    assert inputs["contracted_workdays"] == Decimal(100_000)
    assert inputs["lost_workdays_avoided"] == Decimal(1000)
    assert inputs["cost_per_lost_workday_nok"] == Decimal(1560)
    assert inputs["daily_labour_cost_nok"] == Decimal(2600)
    for name in (
        "annual_wage_nok",
        "holiday_pay_rate",
        "employer_pension_rate",
        "employer_tax_rate",
        "workdays_per_fte_year",
        "share_of_sick_days_in_employer_period",
        "cost_share_outside_employer_period",
        "sick_leave_replacement_cost_share",
    ):
        assert inputs[name] == SIMPLE[name], name
    text = item.trace.explain()
    assert "cost_per_lost_workday_nok = daily_labour_cost_nok" in text
    assert "annual_wage_nok = 520000" in text


def full_report(params: ParameterSet = SIMPLE) -> SavingsReport:
    baseline = Baseline.earlier_period(
        {
            "sick_leave_pct": 9.0,
            "afp_uptake_pct": 20.0,
            "turnover_pct": 12.0,
            "fulltime_share": 0.30,
            "consultant_spending_nok": 2_000_000,
            "tendering_costs_nok": 1_000_000,
        },
        label="2010",
    )
    actual = {
        "sick_leave_pct": 8.0,
        "contracted_workdays": 100_000.0,
        "afp_uptake_pct": 15.0,
        "employees_aged_62_66": 80.0,
        "turnover_pct": 10.0,
        "headcount": 1000.0,
        "fulltime_share": 0.35,
        "consultant_spending_nok": 1_400_000.0,
        "tendering_costs_nok": 0.0,
        "operating_expenses_nok": 600_000_000.0,
    }
    return compute_savings(
        actual, baseline, params, conflict=conflict_saving(500_000, source="an estimate")
    )


@pytest.mark.parametrize("name", PARAMETER_NAMES)
def test_every_parameter_that_moves_an_item_is_in_that_items_trace(name: str) -> None:
    before = full_report()
    bumped = SIMPLE[name] * Decimal("1.1") if SIMPLE[name] else Decimal("0.1")
    changes: dict[str, Any] = {name: bumped}
    after = full_report(SIMPLE.replace(**changes))
    for old, new in zip(before.items, after.items, strict=True):
        if old.nok_per_year != new.nok_per_year:
            assert name in old.trace.all_inputs(), f"{name} moves {old.key} but is not traced"


# -- the report --------------------------------------------------------------------------


def test_full_report_total_leaves_out_the_uncertain_item_and_keeps_the_estimate() -> None:
    report = full_report()
    amounts = {item.key: int(item.nok_per_year) for item in report.items}
    assert amounts == {
        "sick_leave": 1_560_000,
        "afp": 1_600_000,
        "turnover": 2_704_000,
        "fulltime": 1_690_000,
        "consultants": 600_000,
        "tendering": 1_000_000,
        "conflict": 500_000,
    }
    # 1 560 000 + 1 600 000 + 2 704 000 + 1 690 000 + 600 000 + 1 000 000 (no conflict)
    assert report.total_nok == Decimal(9_154_000)
    assert report.item("tendering").status == "estimate"
    assert report.item("tendering").in_total
    assert "conflict_saving_nok" not in report.total_trace.inputs
    assert "tendering_saving_nok" in report.total_trace.inputs
    # 9 154 000 / 600 000 000
    assert report.share_of_operating_expenses == Decimal(9_154_000) / Decimal(600_000_000)
    assert report.operating_expenses_nok == Decimal(600_000_000)
    assert report.skipped == ()
    assert len(report.traces) == len(report.items) + 2


def test_to_json_uses_whole_nok_numbers_and_a_rounded_share() -> None:
    data = json.loads(json.dumps(full_report().to_json()))
    assert data["total_nok"] == 9_154_000
    assert data["operating_expenses_nok"] == 600_000_000
    assert data["share_of_operating_expenses"] == 0.015257
    assert data["parameters"]["version"] == "test-simple"
    assert data["parameters"]["parameters"]["annual_wage_nok"]["value"] == "520000"
    conflict = next(item for item in data["items"] if item["key"] == "conflict")
    assert conflict == {**conflict, "status": "uncertain", "in_total": False}
    assert data["baseline"]["kind"] == "earlier_period"


@pytest.mark.parametrize(
    "language, expected",
    [
        ("nb", ["Sykefravær", "1 560 000", "(500 000)", "9 154 000", "1,53 %", "test-simple"]),
        ("nn", ["Sjukefråvær", "Totalt (utan usikre)"]),
        ("en", ["Sick leave", "1,560,000", "(500,000)", "9,154,000", "1.53 %"]),
    ],
)
def test_render_table(language: str, expected: list[str]) -> None:
    table = full_report().render_table(language)
    for text in expected:
        assert text in table


def test_without_operating_expenses_there_is_no_share() -> None:
    report = SavingsReport.build([consultant_saving(baseline_nok=10, actual_nok=0)])
    assert report.share_of_operating_expenses is None and report.share_trace is None
    assert report.to_json()["share_of_operating_expenses"] is None


def test_missing_values_skip_an_item_and_say_why() -> None:
    report = compute_savings(
        {"sick_leave_pct": 8.0, "turnover_pct": 10.0},
        Baseline.comparison_average({"sick_leave_pct": 9.0}, label="KOSTRA-gruppe 11"),
    )
    assert report.items == ()
    reasons = {s.key: s.reason for s in report.skipped}
    assert reasons["sick_leave"] == "no value for actual contracted_workdays"
    assert reasons["turnover"] == "no value for baseline turnover_pct, actual headcount"
    assert set(reasons) == {"sick_leave", "afp", "turnover", "fulltime", "consultants", "tendering"}


# -- baselines ---------------------------------------------------------------------------


def test_a_counterfactual_baseline_is_observed_minus_effect() -> None:
    baseline = Baseline.counterfactual(
        observed={"sick_leave_pct": 8.0, "turnover_pct": 10.0}, effects={"sick_leave_pct": -1.0}
    )
    assert dict(baseline.values) == {"sick_leave_pct": 9.0}
    report = compute_savings(
        {"sick_leave_pct": 8.0, "contracted_workdays": 100_000}, baseline, SIMPLE
    )
    # the cooperation lowered sick leave by 1 pp: the same 1 560 000 as 9 -> 8 %
    assert report.item("sick_leave").nok_per_year == Decimal(1_560_000)


def test_baseline_errors() -> None:
    with pytest.raises(SavingsInputError, match="no observed value"):
        Baseline.counterfactual(observed={}, effects={"sick_leave_pct": -1.0})
    with pytest.raises(UnknownIndicator, match="baseline: unknown indicator 'sickness'"):
        Baseline.earlier_period({"sickness": 9.0})
    with pytest.raises(SavingsInputError, match="not a finite number"):
        Baseline.earlier_period({"sick_leave_pct": math.nan})
    with pytest.raises(SavingsInputError, match="label"):
        Baseline.comparison_average({"sick_leave_pct": 9.0}, label=" ")


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda: turnover_saving(baseline_pct=12, actual_pct=10, headcount=-5),
            "headcount is -5; it cannot be negative",
        ),
        (
            lambda: sick_leave_saving(baseline_pct=9, actual_pct=108, contracted_workdays=1),
            "actual sick_leave_pct is 108; it must be between 0 and 100",
        ),
        (
            lambda: fulltime_saving(baseline_share=30, actual_share=0.3, headcount=10),
            "baseline fulltime_share is 30; it must be between 0 and 1",
        ),
        (
            lambda: afp_saving(baseline_pct=math.inf, actual_pct=1, employees_aged_62_66=1),
            "not a finite number",
        ),
        (
            lambda: consultant_saving(baseline_nok="1000", actual_nok=0),  # type: ignore[arg-type]
            "is not a number",
        ),
        (lambda: given_saving("afp", 1.5, source="x"), "not a float"),  # type: ignore[arg-type]
        (lambda: given_saving("afp", 1, source=" "), "needs a source"),
        (
            lambda: SavingsReport.build(
                [consultant_saving(baseline_nok=1, actual_nok=0)], operating_expenses_nok=0
            ),
            "must be positive",
        ),
        (
            lambda: SavingsReport.build(
                [
                    consultant_saving(baseline_nok=1, actual_nok=0),
                    consultant_saving(baseline_nok=2, actual_nok=0),
                ]
            ),
            "repeated: consultants",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_field(make: Any, message: str) -> None:
    with pytest.raises(SavingsInputError) as caught:
        make()
    assert message in str(caught.value)


def test_an_unknown_indicator_in_the_actual_values_is_refused() -> None:
    with pytest.raises(UnknownIndicator, match="actual: unknown indicator 'sick_leave'"):
        compute_savings({"sick_leave": 8.0}, Baseline.earlier_period({}))


def test_a_conflict_item_must_be_uncertain() -> None:
    with pytest.raises(SavingsInputError, match="uncertain"):
        compute_savings(
            {}, Baseline.earlier_period({}), conflict=given_saving("conflict", 1, source="x")
        )


# -- parameters --------------------------------------------------------------------------


def test_defaults_are_versioned_and_complete() -> None:
    assert DEFAULTS.version == "2026-1"
    assert set(DEFAULTS.values) == set(PARAMETER_NAMES)
    for name, parameter in DEFAULTS.values.items():
        assert parameter.unit and parameter.source and parameter.note, name
    # The defaults no published figure backs are flagged as assumptions.
    assumptions = {n for n, p in DEFAULTS.values.items() if p.assumption}
    assert assumptions == {
        "sick_leave_replacement_cost_share",
        "afp_annual_cost_per_retiree_nok",
        "afp_employer_years_per_retiree",
        "fulltime_fte_years_per_conversion",
    }


def test_replace_returns_a_new_set_with_a_derived_version() -> None:
    changed = DEFAULTS.replace(annual_wage_nok=650_000, employer_tax_rate="0.106")
    assert changed.version == "2026-1+annual_wage_nok=650000+employer_tax_rate=0.106"
    assert changed["annual_wage_nok"] == Decimal(650_000)
    assert changed.parameter("annual_wage_nok").source == "set by the user"
    assert "613200" in changed.parameter("annual_wage_nok").note
    assert DEFAULTS["annual_wage_nok"] == Decimal(613_200)  # the defaults are untouched
    again = changed.replace(holiday_pay_rate="0.143")
    assert again.version.startswith(changed.version + "+holiday_pay_rate=0.143")
    assert DEFAULTS.replace(version="Lunner 2014", annual_wage_nok=1).version == "Lunner 2014"


def test_replace_with_a_whole_parameter_keeps_its_source() -> None:
    wage = Parameter(Decimal(640_000), "NOK per FTE-year", "PAI, Lunner, 1.12.2023", "own figure")
    assert DEFAULTS.replace(annual_wage_nok=wage).parameter("annual_wage_nok") == wage


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"annual_wage": 1}, "unknown parameter 'annual_wage'"),
        ({"holiday_pay_rate": 0.12}, "not float"),
        ({"holiday_pay_rate": "12 %"}, "is not a number"),
        ({"holiday_pay_rate": "1.2"}, "out of range"),
        ({"annual_wage_nok": -1}, "out of range"),
        ({}, "at least one"),
    ],
)
def test_replace_errors(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        DEFAULTS.replace(**changes)


def test_a_parameter_set_must_be_complete() -> None:
    values = dict(DEFAULTS.values)
    del values["employer_tax_rate"]
    with pytest.raises(ParameterError, match="lacks employer_tax_rate"):
        ParameterSet("broken", values)


# -- docs --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PARAMETER_NAMES)
def test_every_parameter_is_documented(name: str) -> None:
    assert f"`{name}`" in DOCS.read_text(encoding="utf-8")


@pytest.mark.parametrize("key", ITEM_KEYS)
def test_every_item_is_documented(key: str) -> None:
    assert f"`{key}`" in DOCS.read_text(encoding="utf-8")


def test_item_type() -> None:
    item = consultant_saving(baseline_nok=1, actual_nok=0)
    assert isinstance(item, SavingsItem) and item.indicator_ids == ("consultant_spending_nok",)
