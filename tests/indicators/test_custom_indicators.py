"""Users add their own indicators; they are validated by the catalogue's rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from tests.indicators.conftest import parsed
from trepart.analysis.indicator_files import IndicatorRow, read_csv
from trepart.indicators.actions import ImportRejected, do_add_custom_indicator, do_import
from trepart.indicators.selectors import indicator_catalogue

pytestmark = pytest.mark.django_db


def _fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "indicator_id": "overtime_hours",
        "unit": "count",
        "lower_is_better": True,
        "aggregation": "sum",
        "name_nb": "Overtidstimer",
        "name_nn": "Overtidstimar",
        "name_en": "Overtime hours",
        "help_nb": "Timer",
        "help_nn": "Timar",
        "help_en": "Hours",
        "definition": "Sum of overtime hours in the year.",
        "source": "Local payroll",
    }
    fields.update(changes)
    return fields


def test_a_custom_indicator_can_be_imported(analyst: User) -> None:
    do_add_custom_indicator(analyst, **_fields())
    assert indicator_catalogue()["overtime_hours"].unit == "count"
    text = "municipality,indicator,year,value\n0301,overtime_hours,2019,1200\n"
    result = read_csv(text.encode(), file_name="x.csv", indicators=indicator_catalogue())
    assert result.ok
    assert do_import(analyst, result).created_count == 1


def test_values_of_an_unregistered_indicator_are_refused(analyst: User) -> None:
    with pytest.raises(ImportRejected):
        do_import(analyst, parsed(IndicatorRow("0301", "overtime_hours", 2019, None, 1.0)))


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"indicator_id": "sick_leave_pct"}, "indicator_id"),  # a built-in id
        ({"indicator_id": "Bad Id"}, "indicator_id"),
        ({"aggregation": "weighted_mean"}, "weight"),  # a weighted mean needs a weight
        ({"aggregation": "weighted_mean", "weight": "sick_leave_pct"}, "weight"),  # not a volume
        ({"name_en": "  "}, "name_en"),
        ({"unit": "litres"}, "unit"),
    ],
)
def test_invalid_custom_indicators_are_refused_field_by_field(
    analyst: User, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        do_add_custom_indicator(analyst, **_fields(**changes))
    assert field in caught.value.message_dict


def test_a_second_indicator_with_the_same_id_is_refused(analyst: User) -> None:
    do_add_custom_indicator(analyst, **_fields())
    with pytest.raises(ValidationError) as caught:
        do_add_custom_indicator(analyst, **_fields())
    assert "indicator_id" in caught.value.message_dict
