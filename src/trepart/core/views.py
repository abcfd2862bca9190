from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import select_template
from django.views.decorators.http import require_GET

from trepart.core import jobs
from trepart.core.models import Job
from trepart.registry import selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"programmes": selectors.programme_summaries()})


def _job_or_404(request: HttpRequest, job_id: int) -> Job:
    job = jobs.get_visible(request.user, job_id)
    if job is None:
        raise Http404("No such job")
    return job


def _job_context(job: Job) -> dict[str, object]:
    progress, message = job.live()
    return {
        "job": job,
        "progress": progress,
        "percent": round(progress * 100),
        "message": message,
        "result_template": select_template(
            [f"{job.kind.replace('.', '/')}_result.html", "core/job_result.html"]
        ),
    }


@login_required
@require_GET
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    """A job's status page: progress while it runs (polled every second), then its result."""
    return render(request, "core/job.html", _job_context(_job_or_404(request, job_id)))


@login_required
@require_GET
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The polled part of the job page; announces a change of status in the live region."""
    found = _job_or_404(request, job_id)
    context = _job_context(found)
    context["announce"] = request.GET.get("seen") != found.status
    return render(request, "core/_job_status.html", context)


@login_required
@require_GET
def my_jobs(request: HttpRequest) -> HttpResponse:
    """The jobs the user started, newest first."""
    listed = list(jobs.visible_to(request.user).select_related("started_by")[:100])
    return render(request, "core/jobs.html", {"jobs": listed})
