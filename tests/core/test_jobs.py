"""Background jobs: start, progress, success and failure, through the immediate backend and
through the database backend with its worker."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_noop
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from trepart.core import jobs
from trepart.core.models import Job, JobStatus

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

#: what the sample task saw while running: its progress as another reader reads it
SEEN: dict[int, Any] = {}


@jobs.job_task
def sample(job: Job, rows: int, fail_at: int | None = None) -> None:
    """Counts rows, reporting progress; fails at row ``fail_at`` (a 'file error')."""
    upload = job.upload.read_text() if job.upload else ""
    for done in range(1, rows + 1):
        if done == fail_at:
            raise jobs.JobFailed(
                gettext_noop("Nothing was done: %(count)s errors."),
                [{"file": "f.csv", "row": done, "column": "value", "reason": "not a number"}],
                count=1,
            )
        job.report(
            done / rows, gettext_noop("Counted %(done)s of %(total)s"), done=done, total=rows
        )
    SEEN[job.pk] = Job.objects.get(pk=job.pk).live()
    jobs.succeed(job, {"rows": rows, "upload": upload}, result_url="/kommuner/3234/")


@jobs.job_task
def broken(job: Job) -> None:
    raise RuntimeError("disk full")


def _worker() -> Worker:
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def test_a_job_runs_reports_progress_and_succeeds(
    settings: Any, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    upload = SimpleUploadedFile("tal.csv", b"a,b\n1,2\n")
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(
            "test.sample",
            gettext_noop("Count %(file)s"),
            sample,
            3,
            upload=upload,
            title_params={"file": "tal.csv"},
        )
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.display_title() == "Count tal.csv"
    assert job.result == {"rows": 3, "upload": "a,b\n1,2\n"}
    assert job.progress == 1.0 and job.result_url == "/kommuner/3234/"
    assert job.task_id and job.started_at and job.finished_at
    # While it ran, another reader saw its progress (from the progress file, not the database).
    assert SEEN[job.pk] == (1.0, "Counted 3 of 3")
    # The upload and the progress file are gone once it ended.
    assert not job.directory.exists()


def test_a_failed_job_keeps_its_errors(
    settings: Any, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start("test.sample", "Count", sample, 10, 4)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors == [{"file": "f.csv", "row": 4, "column": "value", "reason": "not a number"}]
    assert job.error_count == 1
    assert job.live() == (pytest.approx(0.3), "Nothing was done: 1 errors.")


def test_an_unexpected_error_fails_the_job_with_the_exception(
    settings: Any, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start("test.broken", "Break", broken)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors[0]["reason"] == "RuntimeError: disk full"
    assert job.live()[1] == "The job stopped on an unexpected error."


def test_only_the_starter_and_superusers_see_a_job(db: None, django_user_model: Any) -> None:
    owner = django_user_model.objects.create_user("owner")
    other = django_user_model.objects.create_user("other")
    boss = django_user_model.objects.create_superuser("boss")
    job = Job.objects.create(kind="k", title="t", started_by=owner)
    assert jobs.get_visible(owner, job.pk) == job
    assert jobs.get_visible(other, job.pk) is None
    assert jobs.get_visible(boss, job.pk) == job


def test_the_database_backend_queues_the_job_and_the_worker_runs_it(
    transactional_db: None, settings: Any
) -> None:
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    job = jobs.start("test.sample", "Count", sample, 5)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    assert job.live() == (0.0, "")
    _worker().run()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["rows"] == 5
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


def test_the_worker_records_an_unexpected_error_in_the_job_and_the_task(
    transactional_db: None,
) -> None:
    job = jobs.start("test.broken", "Break", broken)
    thread = threading.Thread(target=_worker().run)
    thread.start()
    thread.join(timeout=30)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    task = DBTaskResult.objects.get(id=Job.objects.get(pk=job.pk).task_id)
    assert task.status == "FAILED" and "disk full" in task.traceback
