"""Indicator values are shown in their unit with the active language's number format."""

from __future__ import annotations

import pytest
from django.utils import translation

from trepart.analysis.indicators import CATALOGUE
from trepart.indicators.templatetags.indicator_format import in_unit


@pytest.mark.parametrize(
    ("language", "indicator", "value", "shown"),
    [
        ("nb", "sick_leave_pct", 9.375, "9,4 %"),
        ("en", "sick_leave_pct", 9.375, "9.4 %"),
        ("nb", "fulltime_share", 0.375, "37,5 %"),
        ("nb", "fte_years", 1072.9, "1\xa0072,9"),
        ("en", "fte_years", 1072.9, "1,072.9"),
        ("nb", "operating_expenses_nok", 1311410684, "1\xa0311\xa0410\xa0684 kr"),
        ("en", "operating_expenses_nok", 1311410684, "1,311,410,684 kr"),
        ("nb", "sick_leave_pct", None, "–"),
    ],
)
def test_a_value_is_shown_in_its_unit(
    language: str, indicator: str, value: float | None, shown: str
) -> None:
    with translation.override(language):
        assert in_unit(value, CATALOGUE[indicator]) == shown
