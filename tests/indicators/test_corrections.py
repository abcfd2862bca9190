"""Corrections keep history: the old value stays, superseded by the new one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.indicators.conftest import parsed
from trepart.analysis.indicator_files import IndicatorRow
from trepart.core.models import AuditEvent
from trepart.indicators.actions import do_correct_value, do_import
from trepart.indicators.models import IndicatorValue
from trepart.indicators.selectors import current_rows, value_history

pytestmark = pytest.mark.django_db

OSLO_2019 = IndicatorRow("0301", "sick_leave_pct", 2019, None, 6.8, "SSB")


def test_a_new_file_value_supersedes_the_old_one_and_keeps_it(analyst: User) -> None:
    first = do_import(
        analyst, parsed(OSLO_2019, IndicatorRow("0301", "sick_leave_pct", 2019, 1, 7.0))
    )
    second = do_import(
        analyst, parsed(IndicatorRow("0301", "sick_leave_pct", 2019, None, 6.9, "SSB, revidert"))
    )
    assert (second.created_count, second.superseded_count) == (0, 1)
    history = value_history("0301", "sick_leave_pct", 2019)
    assert [(v.value, v.is_current, v.batch_id) for v in history] == [
        (6.9, True, second.pk),
        (6.8, False, first.pk),
    ]
    assert history[1].superseded_by == history[0] and history[1].superseded_at is not None
    # The quarterly value of the same year is another key: untouched.
    assert IndicatorValue.objects.get(quarter=1).is_current
    assert [r.value for r in current_rows(indicator_ids=["sick_leave_pct"])] == [6.9, 7.0]


def test_a_hand_correction_is_audited_with_the_old_value(analyst: User) -> None:
    do_import(analyst, parsed(OSLO_2019))
    corrected = do_correct_value(
        analyst,
        municipality_code="0301",
        indicator_id="sick_leave_pct",
        year=2019,
        quarter=None,
        value=6.7,
        source="Oslo kommune",
        note="typo in the SSB file",
    )
    assert corrected.is_current and corrected.batch.format == "manual"
    assert corrected.row_number is None
    event = AuditEvent.objects.get(action="indicators.corrected")
    assert (event.data["old_value"], event.data["value"]) == (6.8, 6.7)
    assert event.actor == analyst
    assert IndicatorValue.objects.filter(superseded_at__isnull=False).count() == 1


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"municipality_code": "0533", "year": 2020}, "municipality"),
        ({"value": 101.0}, "value"),
        ({"quarter": 5}, "quarter"),
        ({"indicator_id": "nope"}, "indicator"),
    ],
)
def test_a_bad_correction_names_the_field(
    analyst: User, changes: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "municipality_code": "0301",
        "indicator_id": "sick_leave_pct",
        "year": 2019,
        "quarter": None,
        "value": 6.7,
        "source": "x",
    }
    values.update(changes)
    with pytest.raises(ValidationError) as caught:
        do_correct_value(analyst, **values)  # type: ignore[arg-type]
    assert field in caught.value.message_dict
    assert not IndicatorValue.objects.exists()


def test_the_database_allows_one_current_value_per_key_also_for_annual_values(
    analyst: User,
) -> None:
    batch = do_import(analyst, parsed(OSLO_2019))
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(
            municipality_code="0301",
            indicator_id="sick_leave_pct",
            year=2019,
            quarter=None,
            value=1.0,
            batch=batch,
        )
