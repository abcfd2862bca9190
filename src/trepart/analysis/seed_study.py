"""The savings table of the seed study, as printed and as read, and a check of its sums.

Source: De Facto (Bjerke & Eilertsen), «Samarbeid lønner seg», Rapport 2:2015, as shown on
the slide "Innsparinger (i millioner kr)" of the seed deck 002. The deck is an OCR of the
slides, and the OCR lost most decimal commas: "- 30" in a column whose total is "- 18,0"
cannot be 30 million. This module keeps both:

- :data:`PRINTED`: every figure exactly as printed (text), with its literal value.
- :data:`READINGS`: ``"as_printed"`` (the literal values) and ``"decimal_comma"`` (Trepart's
  reconstruction of the lost commas, each with its reason); :data:`ALTERNATIVES` holds
  other readings of the doubtful Bamble figures.

:func:`check` recomputes each municipality's total from its items — without the conflict
line, which the footnote excludes — and reports, without forcing anything to agree, where
the printed total differs from the sum of its items, and the operating expenses the
printed share implies (total / share).

Units: million NOK for items and totals, percent for the share. Signs as printed: minus is
less spending (a saving), plus more spending. The slide spells Bamble "Bamlo"/"Beamlo".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from types import MappingProxyType
from typing import Literal, get_args

from trepart.analysis.savings import (
    DEFAULTS,
    ItemKey,
    ParameterSet,
    SavingsItem,
    SavingsReport,
    given_saving,
)

__all__ = [
    "ALTERNATIVES",
    "COUNTED_LINES",
    "LINES",
    "MUNICIPALITIES",
    "PRINTED",
    "READINGS",
    "SOURCE",
    "Line",
    "PrintedFigure",
    "Reading",
    "Reconstruction",
    "SeedCheck",
    "SeedStudyError",
    "check",
    "parse_printed",
    "savings_report",
]

SOURCE = (
    "De Facto (Bjerke & Eilertsen), «Samarbeid lønner seg», Rapport 2:2015; slide "
    "«Innsparinger (i millioner kr)», seed deck 002 (OCR)"
)
MUNICIPALITIES: tuple[str, ...] = ("Lunner", "Songdalen", "Bamble")
Line = Literal[
    "sick_leave",
    "afp",
    "turnover",
    "fulltime",
    "consultants",
    "tendering",
    "conflict",
    "total",
    "share",
]
LINES: tuple[Line, ...] = get_args(Line)
# The items summed into "Totalt": every item line except the conflict line, which the
# footnote ** leaves out ("så usikre at de ikke er regnet med i totalinnsparingene").
COUNTED_LINES: tuple[Line, ...] = (
    "sick_leave",
    "afp",
    "turnover",
    "fulltime",
    "consultants",
    "tendering",
)
_MILLION = Decimal(1_000_000)


class SeedStudyError(ValueError):
    """A figure that cannot be parsed, or an unknown municipality, line or reading."""


_FIGURE = re.compile(
    r"^(?P<sign>[+-])\s*(?P<open>\()?(?P<number>[0-9]+(?:,[0-9]+)?)(?P<close>\))?"
    r"(?P<percent>%)?(?P<notes>\**)$"
)


@dataclass(frozen=True)
class PrintedFigure:
    """One figure of the slide exactly as printed, and its literal value.

    ``value`` reads the text literally: the sign, the digits, a comma as the decimal mark
    (so "- 07" is −7 and "- 3,8*" is −3.8); million NOK, or percent when ``percent``.
    ``footnotes`` is "*" (an estimate) or "**" (too uncertain to count), ``in_parentheses``
    marks figures printed in parentheses.
    """

    municipality: str
    line: Line
    text: str
    value: Decimal
    percent: bool
    footnotes: str
    in_parentheses: bool


def parse_printed(text: str) -> tuple[Decimal, bool, str, bool]:
    """Parse one printed figure: return ``(value, percent, footnotes, in_parentheses)``.

    >>> parse_printed("- (6,8)**")
    (Decimal('-6.8'), False, '**', True)
    """
    match = _FIGURE.match(text.replace(" ", ""))
    if match is None or bool(match["open"]) != bool(match["close"]):
        raise SeedStudyError(f"cannot read the printed figure {text!r}")
    number = Decimal(match["number"].replace(",", "."))
    value = -number if match["sign"] == "-" else number
    return value, bool(match["percent"]), match["notes"], bool(match["open"])


# The slide, line by line: (line, figures for Lunner, Songdalen, Bamble). The conflict line
# has two figures; the OCR keeps left-to-right order, so they are read as Lunner's and
# Songdalen's and Bamble's cell as empty (it does not affect any total).
_SLIDE: tuple[tuple[Line, tuple[str | None, str | None, str | None]], ...] = (
    ("sick_leave", ("- 30", "- 6,0", "- 10,0")),
    ("afp", ("- 33", "- 20", "- 4")),
    ("turnover", ("- 40", "- 30", "+ 25")),
    ("fulltime", ("- 15", "- 15", "- 10")),
    ("consultants", ("- 24", "- 07", "- 16")),
    ("tendering", ("- 3,8*", "- 2,3*", "- 59*")),
    ("conflict", ("- (6,8)**", "- (9,0)**", None)),
    ("total", ("- 18,0", "- 156", "- 17,0")),
    ("share", ("- 30%", "- 34%", "- 21%")),
)


def _printed() -> tuple[PrintedFigure, ...]:
    figures: list[PrintedFigure] = []
    for line, texts in _SLIDE:
        for municipality, text in zip(MUNICIPALITIES, texts, strict=True):
            if text is None:
                continue
            value, percent, notes, parens = parse_printed(text)
            figures.append(PrintedFigure(municipality, line, text, value, percent, notes, parens))
    return tuple(figures)


PRINTED: tuple[PrintedFigure, ...] = _printed()


@dataclass(frozen=True)
class Reconstruction:
    """How one printed figure is read: its value and why.

    ``value`` is in million NOK (percent for the share line), with as many decimals as the
    reading claims: its last digit sets the rounding allowance used by :func:`check`.
    """

    municipality: str
    line: Line
    printed: str
    value: Decimal
    reason: str

    @property
    def changed(self) -> bool:
        """Return whether the reading differs from the literal printed value."""
        return self.value != _printed_figure(self.municipality, self.line).value


@dataclass(frozen=True)
class Reading:
    """One way of reading the whole table: a value and a reason for every printed figure."""

    name: str
    description: str
    figures: tuple[Reconstruction, ...]

    def value(self, municipality: str, line: Line) -> Decimal | None:
        """Return the figure for ``municipality`` and ``line``; None for an empty cell."""
        _check_municipality(municipality)
        for figure in self.figures:
            if figure.municipality == municipality and figure.line == line:
                return figure.value
        return None

    def figure(self, municipality: str, line: Line) -> Reconstruction:
        """Return the :class:`Reconstruction` of one cell; SeedStudyError for an empty cell."""
        for figure in self.figures:
            if figure.municipality == municipality and figure.line == line:
                return figure
        raise SeedStudyError(f"{municipality} has no printed figure on the {line} line")

    def amend(
        self, municipality: str, line: Line, value: Decimal, reason: str, *, name: str
    ) -> Reading:
        """Return a new reading, called ``name``, with one cell read differently."""
        old = self.figure(municipality, line)
        figures = tuple(
            replace(f, value=value, reason=reason) if f is old else f for f in self.figures
        )
        return Reading(name=name, description=f"{self.description}; {reason}", figures=figures)


def _printed_figure(municipality: str, line: Line) -> PrintedFigure:
    for figure in PRINTED:
        if figure.municipality == municipality and figure.line == line:
            return figure
    raise SeedStudyError(f"{municipality} has no printed figure on the {line} line")


def _check_municipality(municipality: str) -> None:
    if municipality not in MUNICIPALITIES:
        raise SeedStudyError(
            f"unknown municipality {municipality!r}; the study has {', '.join(MUNICIPALITIES)}"
        )


_AS_PRINTED = Reading(
    name="as_printed",
    description="every figure read literally, as the OCR printed it",
    figures=tuple(
        Reconstruction(f.municipality, f.line, f.text, f.value, "as printed") for f in PRINTED
    ),
)

_KEPT = "printed with a decimal comma; kept"
_LOST_COMMA = (
    "two digits without a comma in a table printed to one decimal: the OCR lost the comma "
    "(read literally, items would exceed the printed total)"
)
_LEADING_ZERO = "the leading zero shows a lost comma: '07' is '0,7'"
_SHARE = (
    "a share of total operating expenses: 'NN%' is 'N,N %' (read literally the implied "
    "operating expenses would be about a tenth of a municipality budget of this size)"
)
_TOTAL = "the total, printed like the items: '156' is '15,6' (the Songdalen items add to 15,5)"
_BAMBLE_AFP = (
    "a single digit: either '0,4' with '0,' lost (as in '07') or '4'; 0,4 is taken because "
    "it brings the items closer to the printed total (16,4 vs 20,0 against 17,0)"
)
_BAMBLE_TURNOVER = (
    "'+ 25' is '+ 2,5': more spending on turnover; the plus sign is kept as printed (it "
    "brings the items closer to the printed total than '- 2,5')"
)

_DECIMAL: Mapping[tuple[str, Line], tuple[str, str]] = {
    ("Lunner", "sick_leave"): ("-3.0", _LOST_COMMA),
    ("Lunner", "afp"): ("-3.3", _LOST_COMMA),
    ("Lunner", "turnover"): ("-4.0", _LOST_COMMA),
    ("Lunner", "fulltime"): ("-1.5", _LOST_COMMA),
    ("Lunner", "consultants"): ("-2.4", _LOST_COMMA),
    ("Lunner", "tendering"): ("-3.8", _KEPT),
    ("Lunner", "conflict"): ("-6.8", _KEPT),
    ("Lunner", "total"): ("-18.0", _KEPT),
    ("Lunner", "share"): ("-3.0", _SHARE),
    ("Songdalen", "sick_leave"): ("-6.0", _KEPT),
    ("Songdalen", "afp"): ("-2.0", _LOST_COMMA),
    ("Songdalen", "turnover"): ("-3.0", _LOST_COMMA),
    ("Songdalen", "fulltime"): ("-1.5", _LOST_COMMA),
    ("Songdalen", "consultants"): ("-0.7", _LEADING_ZERO),
    ("Songdalen", "tendering"): ("-2.3", _KEPT),
    ("Songdalen", "conflict"): ("-9.0", _KEPT),
    ("Songdalen", "total"): ("-15.6", _TOTAL),
    ("Songdalen", "share"): ("-3.4", _SHARE),
    ("Bamble", "sick_leave"): ("-10.0", _KEPT),
    ("Bamble", "afp"): ("-0.4", _BAMBLE_AFP),
    ("Bamble", "turnover"): ("2.5", _BAMBLE_TURNOVER),
    ("Bamble", "fulltime"): ("-1.0", _LOST_COMMA),
    ("Bamble", "consultants"): ("-1.6", _LOST_COMMA),
    ("Bamble", "tendering"): ("-5.9", _LOST_COMMA),
    ("Bamble", "total"): ("-17.0", _KEPT),
    ("Bamble", "share"): ("-2.1", _SHARE),
}

_DECIMAL_COMMA = Reading(
    name="decimal_comma",
    description="Trepart's reconstruction of the decimal commas the OCR lost",
    figures=tuple(
        Reconstruction(
            f.municipality,
            f.line,
            f.text,
            Decimal(_DECIMAL[f.municipality, f.line][0]),
            _DECIMAL[f.municipality, f.line][1],
        )
        for f in PRINTED
    ),
)

READINGS: Mapping[str, Reading] = MappingProxyType(
    {reading.name: reading for reading in (_AS_PRINTED, _DECIMAL_COMMA)}
)

_afp_4 = _DECIMAL_COMMA.amend(
    "Bamble",
    "afp",
    Decimal("-4.0"),
    "Bamble AFP read as 4,0",
    name="decimal_comma_bamble_afp_4_0",
)
_turnover_minus = _DECIMAL_COMMA.amend(
    "Bamble",
    "turnover",
    Decimal("-2.5"),
    "Bamble turnover read as a saving of 2,5",
    name="decimal_comma_bamble_turnover_saving",
)
_both = _afp_4.amend(
    "Bamble",
    "turnover",
    Decimal("-2.5"),
    "Bamble turnover read as a saving of 2,5",
    name="decimal_comma_bamble_afp_4_0_turnover_saving",
)
ALTERNATIVES: Mapping[str, Reading] = MappingProxyType(
    {reading.name: reading for reading in (_afp_4, _turnover_minus, _both)}
)


@dataclass(frozen=True)
class SeedCheck:
    """One municipality's printed total against the sum of its items, under one reading.

    ``counted``: the items summed (million NOK, signs as printed); ``left_out``: the
    conflict figure the footnote excludes. ``difference`` = printed_total −
    recomputed_total. ``agrees``: the difference is exactly 0. ``within_rounding``: |difference|
    ≤ ``rounding_allowance``, the sum of half a unit of the last digit of every summed
    figure and of the total (e.g. 0.05 each at one decimal) — what rounding each figure
    before printing could explain. ``implied_operating_expenses_mnok`` = printed_total /
    (printed_share_pct / 100); ``..._from_recomputed_mnok`` uses the recomputed total.
    """

    municipality: str
    reading: str
    counted: Mapping[str, Decimal]
    left_out: Mapping[str, Decimal]
    printed_total: Decimal
    recomputed_total: Decimal
    difference: Decimal
    agrees: bool
    rounding_allowance: Decimal
    within_rounding: bool
    printed_share_pct: Decimal
    implied_operating_expenses_mnok: Decimal
    implied_operating_expenses_from_recomputed_mnok: Decimal

    def to_json(self) -> dict[str, object]:
        """Return the check JSON-ready; numbers as strings (exact decimals)."""
        return {
            "municipality": self.municipality,
            "reading": self.reading,
            "counted": {k: str(v) for k, v in self.counted.items()},
            "left_out": {k: str(v) for k, v in self.left_out.items()},
            "printed_total": str(self.printed_total),
            "recomputed_total": str(self.recomputed_total),
            "difference": str(self.difference),
            "agrees": self.agrees,
            "rounding_allowance": str(self.rounding_allowance),
            "within_rounding": self.within_rounding,
            "printed_share_pct": str(self.printed_share_pct),
            "implied_operating_expenses_mnok": str(_round(self.implied_operating_expenses_mnok)),
            "implied_operating_expenses_from_recomputed_mnok": str(
                _round(self.implied_operating_expenses_from_recomputed_mnok)
            ),
        }


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _half_unit(value: Decimal) -> Decimal:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite decimals only
    return Decimal(5).scaleb(exponent - 1)


def _reading(reading: str | Reading) -> Reading:
    if isinstance(reading, Reading):
        return reading
    found = READINGS.get(reading) or ALTERNATIVES.get(reading)
    if found is None:
        known = ", ".join([*READINGS, *ALTERNATIVES])
        raise SeedStudyError(f"unknown reading {reading!r}; known readings: {known}")
    return found


def check(reading: str | Reading = "decimal_comma") -> tuple[SeedCheck, ...]:
    """Recompute each municipality's total under ``reading`` and compare with the printed one.

    recomputed_total = Σ counted items (all item lines but conflict); nothing is adjusted
    to make the figures agree.
    """
    chosen = _reading(reading)
    checks: list[SeedCheck] = []
    for municipality in MUNICIPALITIES:
        counted: dict[str, Decimal] = {
            line: value
            for line in COUNTED_LINES
            if (value := chosen.value(municipality, line)) is not None
        }
        conflict = chosen.value(municipality, "conflict")
        left_out: dict[str, Decimal] = {} if conflict is None else {"conflict": conflict}
        total = chosen.value(municipality, "total")
        share = chosen.value(municipality, "share")
        if total is None or share is None or share == 0:
            raise SeedStudyError(f"{chosen.name}: {municipality} needs a total and a share")
        recomputed = sum(counted.values(), Decimal(0))
        difference = total - recomputed
        allowance = sum((_half_unit(v) for v in counted.values()), _half_unit(total))
        checks.append(
            SeedCheck(
                municipality=municipality,
                reading=chosen.name,
                counted=MappingProxyType(counted),
                left_out=MappingProxyType(left_out),
                printed_total=total,
                recomputed_total=recomputed,
                difference=difference,
                agrees=difference == 0,
                rounding_allowance=allowance,
                within_rounding=abs(difference) <= allowance,
                printed_share_pct=share,
                implied_operating_expenses_mnok=total / (share / 100),
                implied_operating_expenses_from_recomputed_mnok=recomputed / (share / 100),
            )
        )
    return tuple(checks)


_STATUS: Mapping[Line, Literal["given", "estimate", "uncertain"]] = {
    "tendering": "estimate",  # footnote *: an estimate
    "conflict": "uncertain",  # footnote **: not counted
}


def savings_report(
    municipality: str,
    reading: str | Reading = "decimal_comma",
    parameters: ParameterSet = DEFAULTS,
) -> SavingsReport:
    """The seed figures of one municipality as a :class:`SavingsReport` (NOK per year).

    Each item is a ``"given"`` saving of −figure × 1 000 000 NOK (the table's minus, less
    spending, becomes a positive saving); tendering is an ``"estimate"`` and conflict
    ``"uncertain"`` (left out of the total), as the footnotes say. Operating expenses are
    those the printed total and share imply. ``parameters`` is only recorded: the seed
    figures are not recomputed from parameters.
    """
    _check_municipality(municipality)
    chosen = _reading(reading)
    items: list[SavingsItem] = []
    for line in (*COUNTED_LINES, "conflict"):
        value = chosen.value(municipality, line)
        if value is None:
            continue
        key: ItemKey = line  # type: ignore[assignment]  # the item lines are item keys
        figure = chosen.figure(municipality, line)
        items.append(
            given_saving(
                key,
                -value * _MILLION,
                source=f"{SOURCE}; printed {figure.printed!r}, read {value} ({chosen.name})",
                status=_STATUS.get(line, "given"),
            )
        )
    (seed_check,) = (c for c in check(chosen) if c.municipality == municipality)
    return SavingsReport.build(
        items,
        parameters=parameters,
        operating_expenses_nok=seed_check.implied_operating_expenses_mnok * _MILLION,
    )
