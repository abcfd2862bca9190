"""Background jobs: long work run by a django-tasks task, with progress its user can watch.

One small API for every kind of long work (indicator imports now; register extracts and effect
studies later)::

    @jobs.job_task
    def import_file(job: Job, options: dict[str, str]) -> None:
        job.report(0.5, gettext_noop("Writing %(rows)s rows"), rows=1200)
        ...
        job.succeed({"rows": 1200}, result_url="/kommuner/3234/indikatorer/")
        # or: raise jobs.JobFailed(gettext_noop("Nothing was imported"), errors=[...])


    job = jobs.start("indicator_import", gettext_noop("Import of %(file)s"), import_file,
                     {"source": "SSB"}, user=request.user, upload=request.FILES["file"],
                     title_params={"file": "kostra.csv"})

The task runs in ``trepart worker`` (started by ``trepart serve``); a job's page polls its
status. The uploaded file is kept in the job's directory under the data dir until the job ends.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_noop
from django_tasks import task
from django_tasks.base import Task

from trepart.core.models import Job, JobStatus

P = ParamSpec("P")

JobFunction = Callable[Concatenate[Job, P], None]


class JobFailed(Exception):
    """Ends a job as failed with a message and a list of errors (e.g. file:row:column)."""

    def __init__(
        self,
        message: str,
        errors: Sequence[Mapping[str, Any]] = (),
        *,
        error_count: int | None = None,
        result: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params
        self.errors = [dict(error) for error in errors]
        self.error_count = len(self.errors) if error_count is None else error_count
        self.result = dict(result or {})


def job_task(func: JobFunction[P]) -> Task[Concatenate[int, P], None]:
    """Make ``func(job, *args)`` a django-tasks task run as ``task.enqueue(job_id, *args)``.

    The task marks the job running, then succeeded (unless ``func`` ended it itself) or failed:
    ``JobFailed`` ends it with its errors; any other exception with the exception as its one
    error, and is raised again so the task's own result records the traceback. The job's
    directory (its upload) is removed when it ends.
    """

    @functools.wraps(func)
    def run(job_id: int, *args: P.args, **kwargs: P.kwargs) -> None:
        job = Job.objects.get(pk=job_id)
        if job.is_finished:
            return
        job.status = JobStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=("status", "started_at"))
        try:
            func(job, *args, **kwargs)
        except JobFailed as failure:
            _finish(
                job,
                JobStatus.FAILED,
                message=failure.message,
                params=failure.params,
                errors=failure.errors,
                error_count=failure.error_count,
                result=failure.result,
            )
        except Exception as error:
            _finish(
                job,
                JobStatus.FAILED,
                message=gettext_noop("The job stopped on an unexpected error."),
                errors=[{"file": "", "row": None, "column": "", "reason": _describe(error)}],
                error_count=1,
            )
            raise
        else:
            if not job.is_finished:
                _finish(job, JobStatus.SUCCEEDED, message=job.message, params=job.message_params)
        finally:
            shutil.rmtree(job.directory, ignore_errors=True)

    return task(run)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def _finish(
    job: Job,
    status: JobStatus,
    *,
    message: str,
    params: Mapping[str, Any] | None = None,
    errors: Sequence[Mapping[str, Any]] = (),
    error_count: int = 0,
    result: Mapping[str, Any] | None = None,
    result_url: str | None = None,
) -> None:
    job.status = status
    job.progress = 1.0 if status == JobStatus.SUCCEEDED else job.progress
    job.message = message
    job.message_params = dict(params or {})
    job.errors = [dict(error) for error in errors]
    job.error_count = error_count
    if result is not None:
        job.result = dict(result)
    if result_url is not None:
        job.result_url = result_url
    job.upload_name = ""
    job.finished_at = timezone.now()
    job.save()


def succeed(
    job: Job,
    result: Mapping[str, Any],
    *,
    message: str = "",
    result_url: str = "",
    **params: Any,
) -> None:
    """End ``job`` as succeeded with a result summary (JSON) and a link to what it produced."""
    _finish(
        job,
        JobStatus.SUCCEEDED,
        message=message,
        params=params,
        result=result,
        result_url=result_url,
    )


def start(
    kind: str,
    title: str,
    job_function: Task[Any, None],
    *args: Any,
    user: AbstractBaseUser | AnonymousUser | None = None,
    upload: UploadedFile | Sequence[UploadedFile] | None = None,
    title_params: Mapping[str, Any] | None = None,
) -> Job:
    """Create a job and queue its task; see the module docstring.

    ``args`` go to the task after the job's id (plain JSON values); ``user`` is who started
    it; ``upload`` an uploaded file, saved in the job's directory and read by the task as
    ``job.upload`` (several files: each saved there under its own name, ``job.upload`` being
    the first). The task is queued when the current transaction commits, so the worker
    always finds the job.
    """
    job = Job.objects.create(
        kind=kind,
        title=title,
        title_params=dict(title_params or {}),
        started_by=user if isinstance(user, User) and user.pk else None,
    )
    uploads = [upload] if isinstance(upload, UploadedFile) else list(upload or ())
    names = [_save_upload(job, each) for each in uploads]
    if names:
        job.upload_name = names[0]
        job.save(update_fields=("upload_name",))

    def enqueue() -> None:
        try:
            result = job_function.enqueue(job.pk, *args)
        except Exception as error:
            _finish(
                job,
                JobStatus.FAILED,
                message=gettext_noop("The job could not be queued."),
                errors=[{"file": "", "row": None, "column": "", "reason": _describe(error)}],
                error_count=1,
            )
            shutil.rmtree(job.directory, ignore_errors=True)
            raise
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue, robust=False)
    job.refresh_from_db()
    return job


def _save_upload(job: Job, upload: UploadedFile) -> str:
    name = get_valid_filename(Path(upload.name or "upload").name) or "upload"
    job.directory.mkdir(parents=True, exist_ok=True)
    with (job.directory / name).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


def visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Job]:
    """The jobs ``user`` may see: their own; every job for a superuser."""
    if not user.is_authenticated:
        return Job.objects.none()
    if getattr(user, "is_superuser", False):
        return Job.objects.all()
    return Job.objects.filter(started_by_id=user.pk)


def get_visible(user: AbstractBaseUser | AnonymousUser, job_id: int) -> Job | None:
    found: Job | None = visible_to(user).filter(pk=job_id).first()
    return found
