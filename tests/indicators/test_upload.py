"""The page "Import indicator data": upload, background job, progress and result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from trepart.core.models import Job, JobStatus
from trepart.indicators.models import IndicatorValue

DATA = Path(__file__).parent.parent / "data" / "indicators"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def importer(db: None) -> User:
    user = User.objects.create_user("importer", password="x")
    user.user_permissions.add(Permission.objects.get(codename="add_indicatorvalue"))
    return user


@pytest.fixture
def logged_in(client: Client, importer: User) -> Client:
    client.force_login(importer)
    return client


def _upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (DATA / name).read_bytes())


def _post(client: Client, capture: Any, **data: Any) -> Any:
    with capture(execute=True):
        return client.post("/indikatorer/import/", data)


def test_the_page_needs_a_login_and_the_permission(client: Client, db: None) -> None:
    response = client.get("/indikatorer/import/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(User.objects.create_user("reader"))
    assert client.get("/indikatorer/import/").status_code == 403


def test_the_page_offers_the_file_and_the_options(logged_in: Client) -> None:
    html = logged_in.get("/indikatorer/import/").content.decode()
    assert "<h1" in html and "Import indicator data" in html
    for name in ("file", "format", "mapping", "source", "note", "check_only"):
        assert f'name="{name}"' in html
    assert 'value="kostra-12362"' in html
    assert 'enctype="multipart/form-data"' in html


def test_a_good_file_is_imported_by_a_job_with_links_to_the_municipalities(
    logged_in: Client, settings: Any, django_capture_on_commit_callbacks: Any, importer: User
) -> None:
    settings.TASKS = IMMEDIATE
    response = _post(
        logged_in, django_capture_on_commit_callbacks, file=_upload("good.csv"), note="test"
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobber/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED and job.started_by == importer
    assert job.result["rows"] == 6 and job.result["created"] == 6
    assert IndicatorValue.objects.count() == 6
    assert IndicatorValue.objects.first().batch.note == "test"  # type: ignore[union-attr]
    html = logged_in.get(response["Location"]).content.decode()
    assert "Imported 6 rows from good.csv." in html
    assert 'value="100"' in html and "<progress" in html
    assert "hx-trigger" not in html  # finished: no more polling
    assert 'href="/kommuner/0301/indikatorer/"' in html
    # Lunner's old number links to its page in the structure when it was last valid.
    assert 'href="/kommuner/0533/indikatorer/?struktur=2002-01-01"' in html
    assert 'href="/kommuner/3054/indikatorer/?struktur=2020-01-01"' in html
    listed = logged_in.get("/jobber/").content.decode()
    assert f'href="/jobber/{job.pk}/"' in listed and "Import of good.csv" in listed


def test_a_bad_file_lists_every_error_and_imports_nothing(
    logged_in: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    response = _post(logged_in, django_capture_on_commit_callbacks, file=_upload("one_bad_row.csv"))
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert IndicatorValue.objects.count() == 0
    assert job.errors and all(set(e) == {"file", "row", "column", "reason"} for e in job.errors)
    error = job.errors[0]
    assert error["file"] == "one_bad_row.csv" and error["row"] == 4
    assert error["column"] == "municipality"
    html = logged_in.get(response["Location"]).content.decode()
    assert "Nothing was imported: one_bad_row.csv has errors (1)." in html
    assert "<td>one_bad_row.csv</td>" in html and '<td class="numeric">4</td>' in html
    assert "<code>municipality</code>" in html and escape(error["reason"]) in html


def test_check_only_writes_nothing(
    logged_in: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    _post(logged_in, django_capture_on_commit_callbacks, file=_upload("good.csv"), check_only="on")
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.result["check_only"] is True
    assert IndicatorValue.objects.count() == 0


def test_a_jsonstat_file_with_the_kostra_preset(
    logged_in: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    response = logged_in.post("/indikatorer/import/", {"file": _upload("kostra_12362.json")})
    assert response.status_code == 400
    assert "Choose the table of a JSON-stat2 file." in response.content.decode()
    assert not Job.objects.exists()
    _post(
        logged_in,
        django_capture_on_commit_callbacks,
        file=_upload("kostra_12362.json"),
        mapping="kostra-12362",
    )
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert job.result["rows"] == 11
    assert "7 missing cells skipped" in job.result["notes"]


def test_a_file_of_unknown_type_is_refused_on_the_form(logged_in: Client) -> None:
    response = logged_in.post("/indikatorer/import/", {"file": _upload("data.pdf", b"x")})
    assert response.status_code == 400
    assert "does not end in .csv, .xlsx or .json" in response.content.decode()


def test_a_too_large_file_is_refused(logged_in: Client, settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 10
    response = logged_in.post("/indikatorer/import/", {"file": _upload("good.csv")})
    assert response.status_code == 400
    assert "larger than" in response.content.decode()


def test_a_queued_job_page_polls_and_announces_status_changes(
    logged_in: Client, importer: User, django_user_model: Any
) -> None:
    job = Job.objects.create(
        kind="indicators.upload",
        title="Import of %(file)s",
        title_params={"file": "a.csv"},
        started_by=importer,
    )
    html = logged_in.get(f"/jobber/{job.pk}/").content.decode()
    assert 'role="status"' in html and "Waiting for the background worker" in html
    assert f'hx-get="/jobber/{job.pk}/status/?seen=queued"' in html
    assert 'hx-trigger="every 1s"' in html and "<progress" in html
    fragment = logged_in.get(f"/jobber/{job.pk}/status/?seen=queued").content.decode()
    assert "hx-swap-oob" not in fragment  # no change: nothing to announce
    job.status = JobStatus.RUNNING
    job.save()
    job.report(0.25, "Checked %(done)s of %(total)s rows", done=10, total=40)
    fragment = logged_in.get(f"/jobber/{job.pk}/status/?seen=queued").content.decode()
    assert 'hx-swap-oob="innerHTML"' in fragment and "Running." in fragment
    assert 'value="25"' in fragment and "Checked 10 of 40 rows" in fragment
    # Someone else's job is not found.
    logged_in.force_login(django_user_model.objects.create_user("someone"))
    assert logged_in.get(f"/jobber/{job.pk}/").status_code == 404
