"""Price adjustment of an earlier year's kroner: worked examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from trepart.analysis import savings

PRICE = savings.PriceAdjustment(
    baseline_year=2007,
    report_year=2024,
    baseline_index=Decimal("80"),
    report_index=Decimal("120"),
    source="test index",
)


def test_the_baseline_is_expressed_in_the_report_years_prices() -> None:
    """1 000 000 kr in 2007 at index 80 is 1 000 000 × 120 / 80 = 1 500 000 kr at 2024's index
    120; 1 200 000 kr spent in 2024 is then a saving of 300 000 kr (without the adjustment it
    would be a cost of 200 000 kr)."""
    item = savings.consultant_saving(baseline_nok=1_000_000, actual_nok=1_200_000, price=PRICE)
    assert item.nok_per_year == 300_000
    inputs = item.trace.inputs
    assert inputs["baseline_consultant_spending_nok_in_2024_prices"] == Decimal("1500000")
    assert inputs["price_index_2007"] == 80 and inputs["price_index_2024"] == 120
    assert "test index" in item.trace.formula
    plain = savings.consultant_saving(baseline_nok=1_000_000, actual_nok=1_200_000)
    assert plain.nok_per_year == -200_000


def test_tendering_costs_are_adjusted_too_and_the_report_says_so() -> None:
    baseline = savings.Baseline.earlier_period({"tendering_costs_nok": 400_000.0}, "2007")
    report = savings.compute_savings({"tendering_costs_nok": 500_000.0}, baseline, price=PRICE)
    # 400 000 × 1.5 = 600 000; 600 000 − 500 000 = 100 000.
    assert report.item("tendering").nok_per_year == 100_000
    assert report.to_json()["price_adjustment"] == {
        "baseline_year": 2007,
        "report_year": 2024,
        "baseline_index": "80",
        "report_index": "120",
        "factor": 1.5,
        "source": "test index",
    }


def test_rates_are_not_price_adjusted() -> None:
    baseline = savings.Baseline.earlier_period({"sick_leave_pct": 9.0}, "2007")
    actual = {"sick_leave_pct": 8.0, "contracted_workdays": 100_000.0}
    with_price = savings.compute_savings(actual, baseline, price=PRICE)
    without = savings.compute_savings(actual, baseline)
    assert with_price.item("sick_leave") == without.item("sick_leave")


def test_a_price_adjustment_needs_an_earlier_year_baseline_and_positive_indices() -> None:
    national = savings.Baseline.comparison_average({"tendering_costs_nok": 1.0}, "national")
    with pytest.raises(savings.SavingsInputError, match="earlier-year baseline only"):
        savings.compute_savings({"tendering_costs_nok": 1.0}, national, price=PRICE)
    with pytest.raises(savings.SavingsInputError, match="must be positive"):
        savings.PriceAdjustment(2007, 2024, Decimal(0), Decimal(1), "x")
    with pytest.raises(savings.SavingsInputError, match="needs a source"):
        savings.PriceAdjustment(2007, 2024, Decimal(1), Decimal(1), " ")
