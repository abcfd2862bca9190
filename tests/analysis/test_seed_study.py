"""The seed study's savings table (De Facto, «Samarbeid lønner seg», 2015): read and checked.

The expected numbers are worked out by hand from the slide in seed deck 002; see
docs/savings.md for the table of discrepancies.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from trepart.analysis.seed_study import (
    ALTERNATIVES,
    MUNICIPALITIES,
    PRINTED,
    READINGS,
    SeedCheck,
    SeedStudyError,
    check,
    parse_printed,
    savings_report,
)


def by_municipality(reading: str) -> dict[str, SeedCheck]:
    return {c.municipality: c for c in check(reading)}


@pytest.mark.parametrize(
    "text, value, percent, notes, parens",
    [
        ("- 30", "-30", False, "", False),
        ("- 6,0", "-6.0", False, "", False),
        ("+ 25", "25", False, "", False),
        ("- 07", "-7", False, "", False),
        ("- 3,8*", "-3.8", False, "*", False),
        ("- (6,8)**", "-6.8", False, "**", True),
        ("- 30%", "-30", True, "", False),
    ],
)
def test_parse_printed(text: str, value: str, percent: bool, notes: str, parens: bool) -> None:
    assert parse_printed(text) == (Decimal(value), percent, notes, parens)


@pytest.mark.parametrize("text", ["30", "- 3.8", "- (6,8", "- x", ""])
def test_an_unreadable_figure_is_refused(text: str) -> None:
    with pytest.raises(SeedStudyError, match="cannot read"):
        parse_printed(text)


def test_every_printed_figure_is_kept_as_printed() -> None:
    # 9 lines x 3 municipalities, less Bamble's empty conflict cell
    assert len(PRINTED) == 26
    texts = {(f.municipality, f.line): f.text for f in PRINTED}
    assert texts["Songdalen", "total"] == "- 156"
    assert texts["Bamble", "turnover"] == "+ 25"
    assert ("Bamble", "conflict") not in texts
    assert {f.footnotes for f in PRINTED if f.line == "tendering"} == {"*"}
    assert all(f.in_parentheses for f in PRINTED if f.line == "conflict")


def test_the_decimal_reading_reads_every_figure_and_gives_every_change_a_reason() -> None:
    reading = READINGS["decimal_comma"]
    assert len(reading.figures) == len(PRINTED)
    changed = [f for f in reading.figures if f.changed]
    # 5 Lunner items, 4 Songdalen items and its total, 5 Bamble items (AFP, turnover, full
    # time, consultants, tendering), and the three shares
    assert len(changed) == 5 + 5 + 5 + 3
    for figure in reading.figures:
        assert figure.reason and figure.reason != "as printed"
        # no reading flips a printed sign
        printed = parse_printed(figure.printed)[0]
        assert (figure.value < 0) == (printed < 0)


# municipality, recomputed total, printed total, difference, agrees, within rounding,
# implied operating expenses (million NOK, from the printed total), from the recomputed one
DECIMAL_COMMA = [
    # 3,0 + 3,3 + 4,0 + 1,5 + 2,4 + 3,8 = 18,0; 18,0 / 3,0 % = 600
    ("Lunner", "-18.0", "-18.0", "0.0", True, True, "600.00", "600.00"),
    # 6,0 + 2,0 + 3,0 + 1,5 + 0,7 + 2,3 = 15,5 against 15,6; 15,6 / 3,4 % = 458,82
    ("Songdalen", "-15.5", "-15.6", "-0.1", False, True, "458.82", "455.88"),
    # 10,0 + 0,4 − 2,5 + 1,0 + 1,6 + 5,9 = 16,4 against 17,0; 17,0 / 2,1 % = 809,52
    ("Bamble", "-16.4", "-17.0", "-0.6", False, False, "809.52", "780.95"),
]


@pytest.mark.parametrize(
    "municipality, recomputed, printed, difference, agrees, within, implied, implied_recomputed",
    DECIMAL_COMMA,
)
def test_decimal_comma_reading(
    municipality: str,
    recomputed: str,
    printed: str,
    difference: str,
    agrees: bool,
    within: bool,
    implied: str,
    implied_recomputed: str,
) -> None:
    result = by_municipality("decimal_comma")[municipality]
    assert result.recomputed_total == Decimal(recomputed)
    assert result.printed_total == Decimal(printed)
    assert result.difference == Decimal(difference)
    assert result.agrees is agrees
    # six items and a total at one decimal: 7 x 0,05
    assert result.rounding_allowance == Decimal("0.35")
    assert result.within_rounding is within
    assert result.implied_operating_expenses_mnok.quantize(Decimal("0.01")) == Decimal(implied)
    assert result.implied_operating_expenses_from_recomputed_mnok.quantize(
        Decimal("0.01")
    ) == Decimal(implied_recomputed)


def test_the_conflict_figures_are_left_out_of_the_totals() -> None:
    checks = by_municipality("decimal_comma")
    assert dict(checks["Lunner"].left_out) == {"conflict": Decimal("-6.8")}
    assert dict(checks["Songdalen"].left_out) == {"conflict": Decimal("-9.0")}
    assert dict(checks["Bamble"].left_out) == {}
    assert "conflict" not in checks["Lunner"].counted


@pytest.mark.parametrize(
    "municipality, recomputed, printed, implied",
    [
        # 30 + 33 + 40 + 15 + 24 + 3,8; and 18,0 / 30 % = 60 million: far too small a budget
        ("Lunner", "-145.8", "-18.0", "60.00"),
        ("Songdalen", "-80.3", "-156", "458.82"),
        # 10,0 + 4 − 25 + 10 + 16 + 59
        ("Bamble", "-74.0", "-17.0", "80.95"),
    ],
)
def test_read_as_printed_no_total_agrees(
    municipality: str, recomputed: str, printed: str, implied: str
) -> None:
    result = by_municipality("as_printed")[municipality]
    assert result.recomputed_total == Decimal(recomputed)
    assert result.printed_total == Decimal(printed)
    assert not result.agrees and not result.within_rounding
    assert result.implied_operating_expenses_mnok.quantize(Decimal("0.01")) == Decimal(implied)


@pytest.mark.parametrize(
    "reading, bamble_recomputed",
    [
        ("decimal_comma_bamble_afp_4_0", "-20.0"),
        ("decimal_comma_bamble_turnover_saving", "-21.4"),
        ("decimal_comma_bamble_afp_4_0_turnover_saving", "-25.0"),
    ],
)
def test_no_other_reading_of_bamble_makes_its_total_agree(
    reading: str, bamble_recomputed: str
) -> None:
    checks = by_municipality(reading)
    assert checks["Bamble"].recomputed_total == Decimal(bamble_recomputed)
    assert not checks["Bamble"].within_rounding
    assert checks["Lunner"].agrees  # the other municipalities are read as before
    assert reading in ALTERNATIVES


def test_an_unknown_reading_or_municipality_is_refused() -> None:
    with pytest.raises(SeedStudyError, match="known readings: as_printed, decimal_comma"):
        check("decimal")
    with pytest.raises(SeedStudyError, match="Bamlo"):
        savings_report("Bamlo")


def test_the_seed_figures_as_a_savings_report() -> None:
    report = savings_report("Lunner")
    assert report.total_nok == Decimal(18_000_000)
    assert report.item("sick_leave").nok_per_year == Decimal(3_000_000)
    assert report.item("sick_leave").status == "given"
    assert report.item("tendering").status == "estimate"
    assert report.item("conflict").status == "uncertain"
    assert report.item("conflict").nok_per_year == Decimal(6_800_000)
    assert report.share_of_operating_expenses == Decimal("0.03")
    bamble = savings_report("Bamble")
    # more spending on turnover is a negative saving
    assert bamble.item("turnover").nok_per_year == Decimal(-2_500_000)
    assert bamble.total_nok == Decimal(16_400_000)


def test_every_municipality_is_checked_under_every_reading() -> None:
    for reading in [*READINGS, *ALTERNATIVES]:
        assert [c.municipality for c in check(reading)] == list(MUNICIPALITIES)
        for c in check(reading):
            assert c.to_json()["municipality"] == c.municipality
