"""The synthetic demo panel: complete, plausible, consistent, deterministic, and its
programme effect is exactly the one injected.

Participants: Lunner, Bamble and Songdalen, the three municipalities of the "Samarbeid
lønner seg" study, joining on 2007-03-28, and Hattfjelldal joining on 1 January 2012 to pin
down the onset rule. Songdalen merged into Kristiansand (4204) in 2020.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import pairwise

import pytest

from trepart.analysis.demo_panel import (
    DEFAULT_EFFECTS,
    INDICATOR_IDS,
    ONSET,
    WORKDAYS_PER_FTE_YEAR,
    DemoPanel,
    DemoPanelError,
    Participant,
    Structure,
    TrueEffect,
    generate,
    onset_year,
)
from trepart.analysis.indicators import CATALOGUE
from trepart.analysis.municipalities import FIRST_DATE, MunicipalityError, load

klass = load()
YEARS = range(2002, 2025)
PARTICIPANTS = (
    Participant("0533", date(2007, 3, 28)),  # Lunner
    Participant("0814", date(2007, 3, 28)),  # Bamble
    Participant("1017", date(2007, 3, 28)),  # Songdalen
    Participant("1826", date(2012, 1, 1)),  # Hattfjelldal
)
Values = dict[tuple[str, int, str], float]


@pytest.fixture(scope="module")
def panel() -> DemoPanel:
    return generate(PARTICIPANTS)


@pytest.fixture(scope="module")
def values(panel: DemoPanel) -> Values:
    return panel.values()


@pytest.fixture(scope="module")
def without_effects() -> Values:
    return generate(PARTICIPANTS, effects=()).values()


@pytest.fixture(scope="module")
def latent() -> Values:
    return generate(PARTICIPANTS, structure="latent").values()


@pytest.fixture(scope="module")
def latent_without_effects() -> Values:
    return generate(PARTICIPANTS, structure="latent", effects=()).values()


def units_behind(code: str, year: int) -> tuple[str, ...]:
    return klass.translate(code, date(year, 1, 1), FIRST_DATE).codes


# -- complete ------------------------------------------------------------------------------


def test_every_code_valid_each_year_has_every_indicator_once(panel: DemoPanel) -> None:
    seen: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in panel.rows:
        seen[row.year][row.code].append(row.indicator_id)
    assert sorted(seen) == list(YEARS)
    for year in YEARS:
        codes = [m.code for m in klass.municipalities_on(date(year, 1, 1))]
        assert sorted(seen[year]) == codes, year
        for code in codes:
            assert seen[year][code] == list(INDICATOR_IDS), (code, year)


def test_the_latent_structure_has_the_434_municipalities_of_2002_every_year(
    latent: Values,
) -> None:
    assert len(latent) == 434 * len(YEARS) * len(INDICATOR_IDS)
    assert {code for code, _, _ in latent} == {m.code for m in klass.municipalities_on(FIRST_DATE)}


def test_a_shorter_span_gives_the_same_values_for_its_years(values: Values) -> None:
    short = generate(PARTICIPANTS, first_year=2019, last_year=2020).values()
    assert {year for _, year, _ in short} == {2019, 2020}
    assert short == {key: value for key, value in values.items() if key[1] in (2019, 2020)}


# -- plausible -----------------------------------------------------------------------------

RANGES = [
    # indicator, lowest, highest plausible value for any municipality and year
    ("sick_leave_pct", 4.0, 18.0),
    ("sick_leave_self_pct", 0.3, 4.0),
    ("sick_leave_doctor_pct", 3.0, 16.0),
    ("contracted_workdays", 9_000, 12_000_000),
    ("lost_workdays", 500, 1_200_000),
    ("employees_aged_62_66", 2, 8_000),
    ("afp_uptake_pct", 2.0, 65.0),
    ("turnover_pct", 2.0, 30.0),
    ("headcount", 45, 60_000),
    ("fte_years", 40, 45_000),
    ("fulltime_share", 0.10, 0.80),
    ("avg_fte_pct", 60.0, 92.0),
    ("consultant_spending_nok", 50_000, 2_000_000_000),
    ("tendering_costs_nok", 10_000, 500_000_000),
    ("operating_expenses_nok", 30_000_000, 100_000_000_000),
    ("conflict_cases", 0, 200),
]


@pytest.mark.parametrize(("indicator", "lowest", "highest"), RANGES)
def test_values_are_in_plausible_ranges(
    values: Values, indicator: str, lowest: float, highest: float
) -> None:
    found = [v for (_, _, i), v in values.items() if i == indicator]
    assert lowest <= min(found)
    assert max(found) <= highest


def test_the_ranges_table_covers_every_indicator() -> None:
    assert [row[0] for row in RANGES] == list(INDICATOR_IDS)


def test_every_indicator_is_in_the_catalogue_in_its_order() -> None:
    assert [i for i in CATALOGUE if i in INDICATOR_IDS] == list(INDICATOR_IDS)


def test_employees_aged_62_66_are_5_to_14_percent_of_the_headcount(values: Values) -> None:
    for code, year in {(code, year) for code, year, _ in values}:
        share = values[code, year, "employees_aged_62_66"] / values[code, year, "headcount"]
        assert 0.05 <= share <= 0.14, (code, year, share)


def test_the_share_aged_62_66_drifts_up_from_about_8_to_about_10_percent(
    values: Values,
) -> None:
    def national(year: int) -> float:
        codes = {code for code, y, _ in values if y == year}
        aged = sum(values[code, year, "employees_aged_62_66"] for code in codes)
        return aged / sum(values[code, year, "headcount"] for code in codes)

    shares = [national(year) for year in YEARS]
    assert 0.07 <= shares[0] <= 0.09
    assert 0.09 <= shares[-1] <= 0.11
    assert shares[-1] > shares[0] + 0.01
    assert all(later > earlier - 0.002 for earlier, later in pairwise(shares))


@pytest.mark.parametrize("year", YEARS)
def test_national_sick_leave_is_between_9_and_11_5_percent(values: Values, year: int) -> None:
    codes = {code for code, y, _ in values if y == year}
    lost = sum(values[code, year, "lost_workdays"] for code in codes)
    contracted = sum(values[code, year, "contracted_workdays"] for code in codes)
    assert 9.0 <= 100 * lost / contracted <= 11.5


def test_sick_leave_follows_the_common_time_pattern(values: Values) -> None:
    def national(year: int) -> float:
        codes = {code for code, y, _ in values if y == year}
        lost = sum(values[code, year, "lost_workdays"] for code in codes)
        return 100 * lost / sum(values[code, year, "contracted_workdays"] for code in codes)

    assert national(2003) > national(2005) + 0.5  # the fall after 2004
    assert national(2022) > national(2019) + 0.8  # the pandemic rise
    assert national(2024) < national(2022)


# -- consistent ------------------------------------------------------------------------------


def test_each_row_is_internally_consistent(values: Values) -> None:
    for code, year in {(code, year) for code, year, _ in values}:
        v = {i: values[code, year, i] for i in INDICATOR_IDS}
        parts = len(units_behind(code, year))
        workdays = v["contracted_workdays"]
        where = (code, year)
        assert workdays == pytest.approx(v["fte_years"] * WORKDAYS_PER_FTE_YEAR), where
        # Each unit's lost workdays are rounded, and so is the code's percent.
        slack = 0.5 * parts + workdays * 0.005 / 100
        assert abs(v["lost_workdays"] - workdays * v["sick_leave_pct"] / 100) <= slack, where
        assert v["sick_leave_self_pct"] + v["sick_leave_doctor_pct"] == pytest.approx(
            v["sick_leave_pct"], abs=1e-9
        ), where
        assert v["headcount"] >= v["fte_years"], where
        assert 0 <= v["employees_aged_62_66"] <= v["headcount"], where
        assert v["employees_aged_62_66"] == int(v["employees_aged_62_66"]), where
        implied = v["fte_years"] / (v["avg_fte_pct"] / 100)
        assert abs(v["headcount"] - implied) <= parts + v["headcount"] * 0.0001, where
        opex = v["operating_expenses_nok"]
        assert 0.002 <= v["consultant_spending_nok"] / opex <= 0.04, where
        assert 0.0005 <= v["tendering_costs_nok"] / opex <= 0.008, where
        assert 0.6e6 <= opex / v["fte_years"] <= 2.5e6, where  # 1.3 M in 2015 kroner


SUMMED = [
    "fte_years",
    "headcount",
    "employees_aged_62_66",
    "contracted_workdays",
    "lost_workdays",
    "operating_expenses_nok",
    "consultant_spending_nok",
    "tendering_costs_nok",
    "conflict_cases",
]
# Rate, weight. Doctor-certified sick leave is total − self-certified instead (tested above).
WEIGHTED = [
    ("sick_leave_pct", "contracted_workdays"),
    ("sick_leave_self_pct", "contracted_workdays"),
    ("turnover_pct", "headcount"),
    ("afp_uptake_pct", "employees_aged_62_66"),
    ("fulltime_share", "headcount"),
    ("avg_fte_pct", "headcount"),
]


def test_the_aggregation_tests_follow_the_catalogues_rules() -> None:
    sums = {i for i in INDICATOR_IDS if CATALOGUE[i].aggregation == "sum"}
    weighted = {
        (i, CATALOGUE[i].weight)
        for i in INDICATOR_IDS
        if CATALOGUE[i].aggregation == "weighted_mean" and i != "sick_leave_doctor_pct"
    }
    assert set(SUMMED) == sums
    assert set(WEIGHTED) == weighted
    assert ("afp_uptake_pct", "employees_aged_62_66") in weighted


@pytest.mark.parametrize("key", SUMMED)
def test_kristiansand_2020_is_the_sum_of_its_three_latent_units(
    values: Values, latent: Values, key: str
) -> None:
    units = units_behind("4204", 2020)
    assert units == ("1001", "1017", "1018")  # Kristiansand, Songdalen, Søgne
    assert values["4204", 2020, key] == pytest.approx(sum(latent[u, 2020, key] for u in units))


@pytest.mark.parametrize(("rate", "weight"), WEIGHTED)
def test_kristiansand_2020_rates_are_weighted_means_of_its_units(
    values: Values, latent: Values, rate: str, weight: str
) -> None:
    units = units_behind("4204", 2020)
    weights = [latent[u, 2020, weight] for u in units]
    mean = sum(w * latent[u, 2020, rate] for u, w in zip(units, weights, strict=True))
    half_a_last_digit = 0.00005 if rate == "fulltime_share" else 0.005
    assert values["4204", 2020, rate] == pytest.approx(mean / sum(weights), abs=half_a_last_digit)


def test_alesund_and_haram_2024_each_get_half_of_the_units_they_share(
    values: Values, latent: Values
) -> None:
    units = units_behind("1508", 2024)
    assert units == units_behind("1580", 2024) == ("1504", "1523", "1529", "1534", "1546")
    for key in (
        "fte_years",
        "headcount",
        "employees_aged_62_66",
        "conflict_cases",
        "operating_expenses_nok",
    ):
        total = sum(latent[u, 2024, key] for u in units)
        assert values["1508", 2024, key] + values["1580", 2024, key] == pytest.approx(total)
        assert abs(values["1508", 2024, key] - values["1580", 2024, key]) <= len(units)


# -- deterministic ------------------------------------------------------------------------------


def test_the_same_seed_gives_identical_rows(panel: DemoPanel) -> None:
    again = generate(PARTICIPANTS)
    assert again.rows == panel.rows
    assert again == panel


def test_another_seed_gives_other_rows(values: Values) -> None:
    other = generate(PARTICIPANTS, seed=1, first_year=2015, last_year=2015).values()
    same_years = {k: v for k, v in values.items() if k[1] == 2015}
    assert other.keys() == same_years.keys()
    assert sum(other[k] != v for k, v in same_years.items()) > len(same_years) // 2


# -- the true effect ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("joined", "first_treated"),
    [
        (date(2007, 3, 28), 2008),
        (date(2007, 12, 31), 2008),
        (date(2008, 1, 1), 2008),
        (date(2008, 1, 2), 2009),
        (date(1999, 6, 1), 2000),
    ],
)
def test_onset_is_the_first_full_calendar_year_after_joining(
    joined: date, first_treated: int
) -> None:
    assert onset_year(joined) == first_treated


def test_treated_lists_each_participants_latent_units_and_onset(panel: DemoPanel) -> None:
    assert dict(panel.treated) == {"0533": 2008, "0814": 2008, "1017": 2008, "1826": 2012}


def test_a_code_joined_after_a_merger_treats_every_unit_behind_it() -> None:
    joined = generate([Participant("4204", date(2021, 6, 1))], first_year=2002, last_year=2002)
    assert dict(joined.treated) == {"1001": 2022, "1017": 2022, "1018": 2022}


@pytest.mark.parametrize("unit", ["0533", "0814", "1017", "1826"])
@pytest.mark.parametrize(
    ("indicator", "effect"),
    [
        ("sick_leave_pct", -0.4),
        ("sick_leave_doctor_pct", -0.4),
        ("sick_leave_self_pct", 0.0),
        ("turnover_pct", -0.5),
        ("afp_uptake_pct", 0.0),
        ("fte_years", 0.0),
        ("employees_aged_62_66", 0.0),
    ],
)
def test_a_participants_unit_differs_from_its_counterfactual_by_exactly_the_effect(
    latent: Values, latent_without_effects: Values, unit: str, indicator: str, effect: float
) -> None:
    first = {"1826": 2012}.get(unit, 2008)
    for year in YEARS:
        difference = latent[unit, year, indicator] - latent_without_effects[unit, year, indicator]
        expected = effect if year >= first else 0.0
        assert difference == pytest.approx(expected, abs=1e-9), year


def test_units_of_no_participant_are_untouched_by_the_effects(
    latent: Values, latent_without_effects: Values
) -> None:
    changed = {k[0] for k in latent if latent[k] != latent_without_effects[k]}
    assert changed == {"0533", "0814", "1017", "1826"}


def test_lunner_reports_exactly_the_effect_under_each_of_its_codes(
    panel: DemoPanel, without_effects: Values
) -> None:
    without = without_effects
    with_effect = panel.values()
    for year, code in [(2007, "0533"), (2008, "0533"), (2020, "3054"), (2024, "3234")]:
        difference = (
            with_effect[code, year, "sick_leave_pct"] - without[code, year, "sick_leave_pct"]
        )
        assert difference == pytest.approx(-0.4 if year >= 2008 else 0.0, abs=1e-9), year
        assert panel.true_effect_on(code, year) == pytest.approx(-0.4 if year >= 2008 else 0.0)


def test_true_effect_on_matches_the_difference_from_the_counterfactual(
    panel: DemoPanel, values: Values, without_effects: Values
) -> None:
    without = without_effects
    for (code, year, indicator), value in values.items():
        truth = panel.true_effect_on(code, year, indicator)
        # Both values are rounded: to 2 decimals, or lost workdays to whole days per unit.
        whole_days = indicator == "lost_workdays"
        rounding = len(units_behind(code, year)) if whole_days else 0.01 + 1e-9
        assert value - without[code, year, indicator] == pytest.approx(truth, abs=rounding)


def test_kristiansand_2020_carries_songdalens_workday_share_of_the_effect(
    panel: DemoPanel, latent: Values
) -> None:
    workdays = {u: latent[u, 2020, "contracted_workdays"] for u in ("1001", "1017", "1018")}
    share = workdays["1017"] / sum(workdays.values())
    assert panel.true_effect_on("4204", 2020) == pytest.approx(-0.4 * share)
    assert 0 < share < 0.25


AFP_EFFECT = TrueEffect("afp_uptake_pct", -2.0, "percentage points", ONSET)


def test_an_afp_effect_is_exact_in_a_unit_and_weighted_by_employees_aged_62_66() -> None:
    def run(structure: Structure, effects: tuple[TrueEffect, ...]) -> DemoPanel:
        return generate(
            PARTICIPANTS, first_year=2020, last_year=2020, effects=effects, structure=structure
        )

    latent_with = run("latent", (AFP_EFFECT,)).values()
    latent_without = run("latent", ()).values()
    for unit in ("1001", "1017", "1018"):
        difference = latent_with[unit, 2020, "afp_uptake_pct"]
        difference -= latent_without[unit, 2020, "afp_uptake_pct"]
        assert difference == pytest.approx(-2.0 if unit == "1017" else 0.0, abs=1e-9), unit
        assert (
            latent_with[unit, 2020, "employees_aged_62_66"]
            == (latent_without[unit, 2020, "employees_aged_62_66"])
        )
    aged = {u: latent_with[u, 2020, "employees_aged_62_66"] for u in ("1001", "1017", "1018")}
    expected = -2.0 * aged["1017"] / sum(aged.values())
    yearly = run("yearly", (AFP_EFFECT,))
    assert yearly.true_effect_on("4204", 2020, "afp_uptake_pct") == pytest.approx(expected)
    reported = yearly.values()["4204", 2020, "afp_uptake_pct"]
    reported -= run("yearly", ()).values()["4204", 2020, "afp_uptake_pct"]
    assert reported == pytest.approx(expected, abs=0.01 + 1e-9)


def test_true_effect_on_rejects_a_code_not_valid_that_year(panel: DemoPanel) -> None:
    with pytest.raises(DemoPanelError, match="no municipality '4204' in 2019"):
        panel.true_effect_on("4204", 2019)


def test_the_description_says_the_data_is_synthetic_and_states_the_effects(
    panel: DemoPanel,
) -> None:
    assert panel.description.startswith("SYNTHETIC DEMO DATA")
    assert "sick_leave_pct -0.4 percentage points" in panel.description
    assert panel.true_effects == DEFAULT_EFFECTS


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effect", "message"),
    [
        (TrueEffect("headcount", -5, "persons", ONSET), "cannot put an effect on 'headcount'"),
        (TrueEffect("sick_leave_pct", -0.4, "percent", ONSET), "must be in 'percentage points'"),
        (TrueEffect("sick_leave_pct", -0.4, "percentage points", "at once"), "implements only"),
        (TrueEffect("sick_leave_pct", float("nan"), "percentage points", ONSET), "not a number"),
    ],
)
def test_an_unsupported_effect_is_refused(effect: TrueEffect, message: str) -> None:
    with pytest.raises(DemoPanelError, match=message):
        generate(PARTICIPANTS, effects=[effect])


def test_two_effects_on_one_indicator_are_refused() -> None:
    effect = DEFAULT_EFFECTS[0]
    with pytest.raises(DemoPanelError, match="two effects on sick_leave_pct"):
        generate(PARTICIPANTS, effects=[effect, effect])


@pytest.mark.parametrize(("first", "last"), [(2001, 2024), (2002, 2025), (2010, 2009)])
def test_years_outside_2002_2024_are_refused(first: int, last: int) -> None:
    with pytest.raises(DemoPanelError, match="outside 2002–2024"):
        generate(PARTICIPANTS, first_year=first, last_year=last)


def test_a_participant_code_not_valid_on_its_join_date_is_refused() -> None:
    with pytest.raises(MunicipalityError, match="'3054' is not valid on 2007-03-28"):
        generate([Participant("3054", date(2007, 3, 28))])
