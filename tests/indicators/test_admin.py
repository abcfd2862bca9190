"""Staff see imports and values in the admin, read-only; custom indicators go through the action."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.indicators.conftest import DATA
from trepart.analysis.indicator_files import read_file
from trepart.core.models import AuditEvent
from trepart.indicators.actions import do_import
from trepart.indicators.models import CustomIndicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client: Client) -> Client:
    User.objects.create_superuser("admin", password="x")
    assert client.login(username="admin", password="x")
    return client


@pytest.mark.parametrize("model", ["importbatch", "indicatorvalue", "customindicator"])
def test_the_lists_show(staff: Client, model: str) -> None:
    do_import(None, read_file(DATA / "good.csv"))
    response = staff.get(f"/admin/indicators/{model}/")
    assert response.status_code == 200


def test_values_cannot_be_added_or_changed_in_the_admin(staff: Client) -> None:
    do_import(None, read_file(DATA / "good.csv"))
    assert staff.get("/admin/indicators/indicatorvalue/add/").status_code == 403
    assert staff.post("/admin/indicators/indicatorvalue/1/change/", {"value": 1}).status_code in (
        200,
        403,
    )
    assert staff.get("/admin/indicators/indicatorvalue/1/delete/").status_code == 403


FORM = {
    "indicator_id": "overtime_hours",
    "unit": "count",
    "lower_is_better": "true",
    "aggregation": "sum",
    "weight": "",
    "name_nb": "Overtidstimer",
    "name_nn": "Overtidstimar",
    "name_en": "Overtime hours",
    "help_nb": "h",
    "help_nn": "h",
    "help_en": "h",
    "definition": "Sum of overtime hours.",
    "source": "Payroll",
    "decimals": "0",
}


def test_adding_a_custom_indicator_is_validated_and_audited(staff: Client) -> None:
    response = staff.post("/admin/indicators/customindicator/add/", FORM)
    assert response.status_code == 302
    assert CustomIndicator.objects.get().indicator_id == "overtime_hours"
    assert AuditEvent.objects.filter(action="indicators.custom_added").count() == 1


def test_a_custom_indicator_taking_a_built_in_id_is_refused_on_the_form(staff: Client) -> None:
    response = staff.post(
        "/admin/indicators/customindicator/add/", {**FORM, "indicator_id": "headcount"}
    )
    assert response.status_code == 200
    assert "is a built-in indicator" in response.content.decode()
    assert not CustomIndicator.objects.exists()
