"""Show an indicator value in its unit, localised (decimal comma and spaces in Norwegian)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats

from trepart.analysis.indicators import Indicator

register = template.Library()


def number_format(value: float, decimals: int, *, force_grouping: bool = False) -> str:
    """Django's number_format cuts decimals off; round half up to ``decimals`` first."""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return str(formats.number_format(rounded, decimals, force_grouping=force_grouping))


@register.filter
def in_unit(value: float | None, indicator: Indicator) -> str:
    """``10.2`` as "10,2 %" for a percent indicator, ``0.41`` as "41,0 %" for a share, NOK and
    other amounts with thousands separators ("1 311 410 684 kr" in Norwegian)."""
    if value is None:
        return "–"
    if indicator.unit == "percent":
        return f"{number_format(value, indicator.decimals)} %"
    if indicator.unit == "share":
        return f"{number_format(value * 100, max(indicator.decimals - 2, 1))} %"
    if indicator.unit == "nok":
        return f"{number_format(value, 0, force_grouping=True)} kr"
    return str(number_format(value, indicator.decimals, force_grouping=True))
