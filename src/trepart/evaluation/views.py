"""Effect study pages: the list, the two forms that start a study, the study page and its PDF.

Reading is public like the registry and the indicators; starting a study needs an account with
the permission :data:`trepart.evaluation.selectors.PERMISSION`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from trepart.core import jobs
from trepart.evaluation import actions, forms, presentation, selectors
from trepart.evaluation.models import StudyKind
from trepart.evaluation.specs import DEFAULT_STRUCTURE_DATE
from trepart.registry.models import Programme
from trepart.reports.pdf import render_pdf


def _may_start(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.has_perm(selectors.PERMISSION))


@require_GET
def study_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "evaluation/list.html",
        {
            "studies": [presentation.list_row(study) for study in selectors.studies()],
            "may_start": _may_start(request),
        },
    )


def _programme(request: HttpRequest) -> Programme | None:
    slug = request.GET.get("program") or request.POST.get("program")
    if not slug:
        return None
    return get_object_or_404(Programme, slug=slug)


def _check_permission(request: HttpRequest) -> None:
    if not request.user.has_perm(selectors.PERMISSION):
        raise PermissionDenied


def _choose_programme(request: HttpRequest, kind: str) -> HttpResponse:
    return render(
        request,
        "evaluation/choose_programme.html",
        {"kind": kind, "programmes": Programme.objects.order_by("start_date", "name")},
    )


@login_required
def new_did(request: HttpRequest) -> HttpResponse:
    """The form of a new difference-in-differences study; the estimate runs as a job."""
    _check_permission(request)
    programme = _programme(request)
    if programme is None:
        return _choose_programme(request, StudyKind.DID)
    form = forms.DidForm(_posted(request), programme=programme)
    return _start_or_show(request, programme, form, "evaluation/new_did.html")


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST (a bound form), or None (an empty form)."""
    return request.POST if request.method == "POST" else None


def _start_or_show(
    request: HttpRequest,
    programme: Programme,
    form: forms.DidForm | forms.SynthForm,
    template: str,
) -> HttpResponse:
    """Start the study of a valid posted form and go to its page; else show the form."""
    if form.is_bound and form.is_valid():
        study = actions.do_start_study(
            request.user,
            programme=programme,
            outcome=form.cleaned_data["outcome"],
            title=form.title_or_default(),
            settings=form.settings(),
        )
        return redirect(study)
    return render(
        request,
        template,
        {"form": form, "programme": programme},
        status=400 if form.is_bound else 200,
    )


def _structure_date(request: HttpRequest) -> dt.date:
    raw = request.POST.get("structure_date") or request.GET.get("struktur") or ""
    try:
        return dt.date.fromisoformat(raw) if raw else DEFAULT_STRUCTURE_DATE
    except ValueError:
        return DEFAULT_STRUCTURE_DATE


@login_required
def new_synth(request: HttpRequest) -> HttpResponse:
    """The form of a new synthetic-control study of one member municipality."""
    _check_permission(request)
    programme = _programme(request)
    if programme is None:
        return _choose_programme(request, StudyKind.SYNTH)
    form = forms.SynthForm(
        _posted(request), programme=programme, structure_date=_structure_date(request)
    )
    return _start_or_show(request, programme, form, "evaluation/new_synth.html")


def _study_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    study = selectors.get_study(pk)
    context = presentation.study_context(study)
    job = study.job
    context["job_visible"] = job is not None and jobs.get_visible(request.user, job.pk) is not None
    context["may_start"] = _may_start(request)
    return context


@require_GET
def study(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "evaluation/study.html", _study_context(request, pk))


@require_GET
def study_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = _study_context(request, pk)
    if not context["finished"]:
        raise Http404("the study has no result yet")
    return render_pdf(
        request,
        "evaluation/study_pdf.html",
        {**context, "pdf": True},
        filename=f"effektstudie-{pk}.pdf",
    )


@require_POST
@login_required
def rerun(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a new study with the same settings (e.g. after new data or a new version)."""
    _check_permission(request)
    study = actions.do_rerun_study(request.user, selectors.get_study(pk))
    return redirect(study)
