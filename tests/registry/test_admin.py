"""Programme staff edit the registry in the admin; every save is validated and audited."""

from __future__ import annotations

import pytest
from django.test import Client

from trepart.core.models import AuditEvent
from trepart.registry.demo import load_demo
from trepart.registry.models import Cohort, Participation

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client: Client) -> Client:
    load_demo()
    assert client.login(username="koordinator", password="trepart-demo-koordinator")
    return client


def _add_participation(client: Client, cohort: Cohort, code: str, joined: str) -> str:
    response = client.post(
        "/admin/registry/participation/add/",
        {"cohort": cohort.pk, "municipality_code": code, "joined": joined, "left": ""},
    )
    return response.content.decode() if response.status_code == 200 else ""


def test_a_coordinator_adds_a_real_member_and_the_audit_log_records_it(
    coordinator: Client,
) -> None:
    cohort = Cohort.objects.get(name="Pulje IV")
    code = "0301"
    Participation.objects.filter(cohort=cohort, municipality_code=code).delete()
    assert _add_participation(coordinator, cohort, code, "2009-01-13") == ""
    added = Participation.objects.get(cohort=cohort, municipality_code=code)
    assert not added.is_demo
    event = AuditEvent.objects.get(action="created", object_id=str(added.pk))
    assert event.actor is not None and event.actor.username == "koordinator"
    assert event.data["fields"]["municipality_code"] == code


def test_a_number_not_valid_on_the_join_date_is_refused_with_the_reason(
    coordinator: Client,
) -> None:
    cohort = Cohort.objects.get(name="Pulje IV")
    html = _add_participation(coordinator, cohort, "3234", "2009-01-13")
    assert "municipality code &#x27;3234&#x27; is not valid on 2009-01-13" in html
    assert not Participation.objects.filter(municipality_code="3234").exists()
    assert not AuditEvent.objects.filter(action="created").exists()


def test_leaving_before_joining_is_refused(coordinator: Client) -> None:
    cohort = Cohort.objects.get(name="Pulje IV")
    response = coordinator.post(
        "/admin/registry/participation/add/",
        {
            "cohort": cohort.pk,
            "municipality_code": "0301",
            "joined": "2009-01-13",
            "left": "2008-01-01",
        },
    )
    assert "A municipality cannot leave before it joined." in response.content.decode()


def test_an_outsider_cannot_reach_the_registry_admin(client: Client) -> None:
    load_demo()
    response = client.get("/admin/registry/participation/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
