"""Saved scenarios: saved from the page by permitted users, listed, reopened, PDF, audited."""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.registry.registry_fixtures import read_table
from tests.savings.test_compute_cli import lunner  # noqa: F401  (the fixture)
from trepart.core.models import AuditEvent
from trepart.registry.demo import load_demo
from trepart.savings import actions
from trepart.savings.models import SavedScenario

pytestmark = pytest.mark.django_db

PAGE = "/kommuner/3234/besparelser/"
QUERY = "aar=2024&grunnlag=earlier&fra=2007&turnover_fte_years_per_replacement=0%2C4"


@pytest.fixture
def planner(client: Client) -> User:
    user = User.objects.create_user("planner", password="x")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="savings", codename__endswith="scenario")
    )
    client.force_login(user)
    return user


def _save(client: Client, name: str = "Plan A", note: str = "first try") -> str:
    response = client.post(PAGE + "lagre/", {"query": QUERY, "name": name, "note": note})
    assert response.status_code == 302
    return str(response["Location"])


@pytest.mark.usefixtures("lunner")
def test_a_scenario_is_saved_and_reopened_with_the_form_filled_in(
    client: Client, planner: User
) -> None:
    html = client.get(PAGE + "?" + QUERY).content.decode()
    assert "Save the scenario" in html
    location = _save(client)
    scenario = SavedScenario.objects.get()
    assert (scenario.name, scenario.year, scenario.baseline) == ("Plan A", 2024, "earlier:2007")
    assert scenario.parameter_changes == {"turnover_fte_years_per_replacement": "0.4"}
    assert scenario.parameter_version == "2026-1+turnover_fte_years_per_replacement=0.4"
    assert scenario.created_by == planner and scenario.note == "first try"
    query = parse_qs(urlsplit(location).query)
    assert query["turnover_fte_years_per_replacement"] == ["0.4"]
    reopened = client.get(location)
    html = reopened.content.decode()
    assert "Saved scenario «Plan A»" in html and "The scenario «Plan A» is saved." in html
    assert 'value="0.4"' in html
    assert reopened.context["report"].parameters.version == scenario.parameter_version
    event = AuditEvent.objects.get(action="savings.scenario_created")
    assert event.actor == planner and event.data["fields"]["name"] == "Plan A"


@pytest.mark.usefixtures("lunner")
def test_saving_under_the_same_name_updates_and_is_audited(client: Client, planner: User) -> None:
    _save(client)
    _save(client, note="second try")
    assert SavedScenario.objects.get().note == "second try"
    event = AuditEvent.objects.get(action="savings.scenario_updated")
    assert event.data["old"]["note"] == "first try"


@pytest.mark.usefixtures("lunner")
def test_the_list_links_to_each_scenario_and_its_pdf(
    client: Client, planner: User, tmp_path: Path
) -> None:
    _save(client)
    scenario = SavedScenario.objects.get()
    html = client.get(PAGE + "lagret/").content.decode()
    rows = read_table(html, "saved-caption")
    assert rows[1][:4] == ["Plan A", "2024", "earlier:2007", scenario.parameter_version]
    response = client.get(f"{PAGE}lagret/{scenario.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Saved scenario «Plan A»" in text and "Turnover" in text


@pytest.mark.usefixtures("lunner")
def test_deleting_needs_permission_and_is_audited(client: Client, planner: User) -> None:
    _save(client)
    scenario = SavedScenario.objects.get()
    response = client.post(f"{PAGE}lagret/{scenario.pk}/slett/")
    assert response.status_code == 302
    assert not SavedScenario.objects.exists()
    assert AuditEvent.objects.filter(action="savings.scenario_deleted").exists()


@pytest.mark.usefixtures("lunner")
def test_visitors_and_users_without_permission_cannot_save(client: Client) -> None:
    html = client.get(PAGE + "?" + QUERY).content.decode()
    assert "Log in to save scenarios." in html and "Save the scenario" not in html
    assert client.post(PAGE + "lagre/", {"query": QUERY, "name": "x"}).status_code == 403
    nobody = User.objects.create_user("nobody", password="x")
    client.force_login(nobody)
    assert "Save the scenario" not in client.get(PAGE + "?" + QUERY).content.decode()
    with pytest.raises(PermissionDenied):
        actions.do_save_scenario(
            nobody,
            municipality_code="3234",
            name="x",
            year=2024,
            baseline="earlier:2007",
            parameter_changes={},
        )
    assert not SavedScenario.objects.exists()


@pytest.mark.usefixtures("lunner")
def test_a_scenario_that_does_not_compute_is_not_saved(client: Client, planner: User) -> None:
    with pytest.raises(ValidationError, match="no values stored for 3234 Lunner in 2023"):
        actions.do_save_scenario(
            planner,
            municipality_code="3234",
            name="x",
            year=2023,
            baseline="national",
            parameter_changes={},
        )
    with pytest.raises(ValidationError, match="give the scenario a name"):
        actions.do_save_scenario(
            planner,
            municipality_code="3234",
            name=" ",
            year=2024,
            baseline="national",
            parameter_changes={},
        )
    assert not SavedScenario.objects.exists()


@pytest.mark.usefixtures("lunner")
def test_the_demo_koordinator_may_save_and_the_admin_lists_scenarios(client: Client) -> None:
    load_demo()
    koordinator = User.objects.get(username="koordinator")
    client.force_login(koordinator)
    _save(client)
    assert SavedScenario.objects.get().created_by == koordinator
    admin = client.get("/admin/savings/savedscenario/")
    assert admin.status_code == 200 and "Plan A" in admin.content.decode()
    scenario = SavedScenario.objects.get()
    change = client.post(
        f"/admin/savings/savedscenario/{scenario.pk}/change/",
        {
            "name": "Plan A",
            "municipality_code": "3234",
            "year": "2024",
            "baseline": "earlier:2007",
            "parameter_changes": "{}",
            "price_index": "{}",
            "price_index_source": "",
            "note": "from the admin",
        },
    )
    assert change.status_code == 302
    scenario.refresh_from_db()
    assert scenario.note == "from the admin" and scenario.parameter_version == "2026-1"
    bad = client.post(
        f"/admin/savings/savedscenario/{scenario.pk}/change/",
        {
            "name": "Plan A",
            "municipality_code": "3234",
            "year": "2023",
            "baseline": "earlier:2007",
            "parameter_changes": "{}",
            "price_index": "{}",
            "note": "",
        },
    )
    assert bad.status_code == 200 and "no values stored" in bad.content.decode()


@pytest.mark.usefixtures("lunner")
def test_the_save_form_is_part_of_the_result_that_htmx_swaps(client: Client, planner: User) -> None:
    """The form's fields update only #result (hx-select), so the save form must be in it and
    carry the query of the scenario shown."""
    html = client.get(PAGE, {"grunnlag": "earlier", "fra": "2007", "aar": "2024"}).content.decode()
    result = html[html.index('id="result"') : html.index('id="saved-heading"')]
    assert 'action="/kommuner/3234/besparelser/lagre/"' in result
    assert 'name="query" value="grunnlag=earlier&amp;fra=2007&amp;aar=2024"' in result
