"""Show an indicator value in its unit, localised (decimal comma in Norwegian)."""

from __future__ import annotations

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat

from trepart.analysis.indicators import Indicator

register = template.Library()


@register.filter
def in_unit(value: float | None, indicator: Indicator) -> str:
    """``10.2`` as "10,2 %" for a percent indicator, ``0.41`` as "41,0 %" for a share, NOK and
    counts with thousands separators."""
    if value is None:
        return "–"
    if indicator.unit == "percent":
        return f"{floatformat(value, indicator.decimals)} %"
    if indicator.unit == "share":
        return f"{floatformat(value * 100, max(indicator.decimals - 2, 1))} %"
    if indicator.unit == "nok":
        return f"{intcomma(floatformat(value, 0))} kr"
    return str(intcomma(floatformat(value, indicator.decimals)))
