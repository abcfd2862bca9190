"""POST /api/indicators/imports and GET /api/jobs/{id}: authenticated imports as jobs."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import HttpsClient
from trepart.indicators.models import IndicatorValue

DATA = Path(__file__).parent.parent / "data" / "indicators"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def importer(db: None) -> User:
    user = User.objects.create_user("importer", password="secret-pass-1")
    user.user_permissions.add(Permission.objects.get(codename="add_indicatorvalue"))
    return user


def _basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def _file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DATA / name).read_bytes())


def _import(client: Client, capture: Any, auth: dict[str, str], **data: Any) -> Any:
    with capture(execute=True):
        return client.post("/api/indicators/imports", data, **auth)


def test_an_import_needs_authentication_and_the_permission(client: Client, db: None) -> None:
    assert client.post("/api/indicators/imports", {"file": _file("good.csv")}).status_code == 401
    User.objects.create_user("reader", password="secret-pass-1")
    response = client.post(
        "/api/indicators/imports",
        {"file": _file("good.csv")},
        **_basic("reader", "secret-pass-1"),
    )
    assert response.status_code == 403
    wrong = client.post(
        "/api/indicators/imports", {"file": _file("good.csv")}, **_basic("reader", "nope")
    )
    assert wrong.status_code == 401


def test_a_good_file_is_accepted_and_imported_by_a_job(
    client: Client, importer: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    auth = _basic("importer", "secret-pass-1")
    response = _import(
        client, django_capture_on_commit_callbacks, auth, file=_file("good.csv"), source="SSB"
    )
    assert response.status_code == 202, response.content
    job = response.json()
    assert response["Location"] == job["url"] == f"https://testserver/api/jobs/{job['id']}"
    assert job["page"] == f"https://testserver/jobber/{job['id']}/"
    status = client.get(f"/api/jobs/{job['id']}", **auth).json()
    assert status["status"] == "succeeded" and status["progress"] == 1.0
    assert status["message"] == "Imported 6 rows from good.csv."
    assert status["result"]["rows"] == 6 and status["result"]["created"] == 6
    assert status["title"] == "Import of good.csv"
    assert IndicatorValue.objects.count() == 6
    assert (
        IndicatorValue.objects.get(municipality_code="3054", indicator_id="fulltime_share").source
        == "SSB"
    )


def test_a_bad_file_fails_with_every_error_and_imports_nothing(
    client: Client, importer: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    auth = _basic("importer", "secret-pass-1")
    response = _import(
        client, django_capture_on_commit_callbacks, auth, file=_file("many_errors.csv")
    )
    assert response.status_code == 202
    status = client.get(f"/api/jobs/{response.json()['id']}", **auth).json()
    assert status["status"] == "failed"
    assert status["error_count"] == len(status["errors"]) > 1
    first = status["errors"][0]
    assert first["file"] == "many_errors.csv" and first["row"] == 2
    assert first["column"] == "municipality" and first["reason"]
    assert IndicatorValue.objects.count() == 0


def test_bad_options_are_refused_before_a_job_starts(client: Client, importer: User) -> None:
    auth = _basic("importer", "secret-pass-1")
    response = client.post("/api/indicators/imports", {"file": _file("kostra_12362.json")}, **auth)
    assert response.status_code == 422
    assert response.json()["errors"] == {"mapping": ["Choose the table of a JSON-stat2 file."]}


def test_a_session_needs_the_csrf_token(importer: User) -> None:
    browser = HttpsClient(enforce_csrf_checks=True)
    browser.force_login(importer)
    response = browser.post("/api/indicators/imports", {"file": _file("good.csv")})
    assert response.status_code == 403


def test_a_job_of_someone_else_is_not_found(client: Client, importer: User, db: None) -> None:
    from trepart.core.models import Job

    job = Job.objects.create(kind="k", title="t", started_by=importer)
    User.objects.create_user("other", password="secret-pass-1")
    response = client.get(f"/api/jobs/{job.pk}", **_basic("other", "secret-pass-1"))
    assert response.status_code == 404
    mine = client.get(f"/api/jobs/{job.pk}", **_basic("importer", "secret-pass-1"))
    assert mine.status_code == 200 and mine.json()["status"] == "queued"


def test_the_api_overview_lists_the_import_endpoints(client: Client, db: None) -> None:
    html = client.get("/api/").content.decode()
    assert "/api/indicators/imports" in html and "/api/jobs/{job_id}" in html
