"""Importing indicator files from the web page and the API: a background job with progress.

The file is saved under the data dir, then ``import_indicator_file`` runs in the worker: it
reads and validates the file and stores it with the same code as ``trepart indicators import``
(:mod:`trepart.indicators.imports`), all-or-nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from trepart.analysis import jsonstat, municipalities
from trepart.core import jobs
from trepart.core.models import Job
from trepart.indicators import imports
from trepart.indicators.actions import ImportRejected

#: the job kind; its result is shown by templates/indicators/upload_result.html
KIND = "indicators.upload"
#: who may import
PERMISSION = "indicators.add_indicatorvalue"
#: the share of the progress bar for reading and validating (the rest is writing)
READ_SHARE = 0.5

PRESET_LABELS = {"kostra-12362": _("KOSTRA table 12362: gross operating expenses (SSB)")}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or Excel (.xlsx) in the import template's format, or a JSON-stat2 file (.json) "
            "saved from Statistics Norway."
        ),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[
            ("", _("From the file name")),
            ("csv", "CSV"),
            ("xlsx", "Excel (XLSX)"),
            ("jsonstat", "JSON-stat2"),
        ],
    )
    mapping = forms.ChoiceField(
        label=_("JSON-stat2 table"),
        required=False,
        help_text=_("Only for JSON-stat2 files: which table the file holds."),
        choices=[
            ("", _("None (CSV or Excel)")),
            *((name, PRESET_LABELS.get(name, name)) for name in jsonstat.PRESETS),
        ],
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=200,
        help_text=_(
            "Used for rows whose source cell is empty (JSON-stat2: for every value), "
            "e.g. “SSB KOSTRA 2024”."
        ),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("Stored with the import, e.g. where the file came from."),
    )
    check_only = forms.BooleanField(label=_("Only check the file; import nothing"), required=False)

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = settings.MAX_UPLOAD_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB."), params={"limit": limit // 2**20}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is not None:
            try:
                imports.choose_format(
                    Path(upload.name or ""), cleaned.get("format") or None, cleaned.get("mapping")
                )
            except imports.ImportOptionError as error:
                if error.option == "mapping":
                    self.add_error("mapping", _("Choose the table of a JSON-stat2 file."))
                else:
                    self.add_error(
                        "format",
                        _("Choose the format: the file name does not end in .csv, .xlsx or .json."),
                    )
        return cleaned


def options_of(form: UploadForm) -> dict[str, Any]:
    """The task's options from a valid form (plain JSON, as the task queue stores them)."""
    data = form.cleaned_data
    return {
        "file_name": Path(data["file"].name or "upload").name,
        "format": data.get("format") or None,
        "mapping": data.get("mapping") or None,
        "source": data.get("source") or None,
        "note": data.get("note") or "",
        "check_only": bool(data.get("check_only")),
    }


def start_import(user: Any, form: UploadForm) -> Job:
    """Queue the import of a valid form's file as a job of ``user``."""
    options = options_of(form)
    return jobs.start(
        KIND,
        gettext_noop("Import of %(file)s"),
        import_indicator_file,
        options,
        user=user,
        upload=form.cleaned_data["file"],
        title_params={"file": options["file_name"]},
    )


@jobs.job_task
def import_indicator_file(job: Job, options: dict[str, Any]) -> None:
    """Read, validate and store an uploaded file (the job's upload); all-or-nothing."""
    path = job.upload
    name = str(options["file_name"])
    if path is None or not path.is_file():
        raise jobs.JobFailed(
            gettext_noop("The uploaded file is gone; upload it again."),
            [{"file": name, "row": None, "column": "", "reason": "the uploaded file is missing"}],
        )
    chosen = imports.ImportOptions(
        fmt=options.get("format"),
        mapping=options.get("mapping"),
        source=options.get("source"),
        note=str(options.get("note") or ""),
    )
    job.report(0.0, gettext_noop("Reading the file"))

    def reading(done: int, total: int | None) -> None:
        if total:
            job.report(
                READ_SHARE * done / total,
                gettext_noop("Checked %(done)s of %(total)s rows"),
                done=done,
                total=total,
            )
        else:
            job.report(0.0, gettext_noop("Checked %(done)s rows"), done=done)

    try:
        read = imports.read(path, chosen, file_name=name, progress=reading)
    except imports.ImportOptionError as error:
        raise jobs.JobFailed(
            gettext_noop("The file could not be read; nothing was imported."),
            [{"file": name, "row": None, "column": "", "reason": str(error)}],
        ) from None
    parsed = read.parsed
    if not parsed.ok:
        _reject(parsed, name)
    result: dict[str, Any] = {
        "file": name,
        "format": read.fmt,
        "rows": len(parsed.rows),
        "notes": read.notes,
        "municipalities": _municipalities(sorted({row.municipality for row in parsed.rows})),
    }
    if options.get("check_only"):
        jobs.succeed(
            job,
            {**result, "check_only": True},
            message=gettext_noop("All %(rows)s rows are valid; nothing was imported (check only)."),
            rows=len(parsed.rows),
        )
        return

    def writing(done: int, total: int | None) -> None:
        share = done / total if total else 1.0
        job.report(
            READ_SHARE + (1 - READ_SHARE) * share,
            gettext_noop("Stored %(done)s of %(total)s new values"),
            done=done,
            total=total or 0,
        )

    job.report(READ_SHARE, gettext_noop("Storing the values"))
    try:
        batch = imports.store(job.started_by, read, chosen, progress=writing)
    except ImportRejected as rejected:
        _reject(rejected.parsed, name)
    municipality_list = result["municipalities"]
    jobs.succeed(
        job,
        {
            **result,
            "batch": batch.pk,
            "created": batch.created_count,
            "superseded": batch.superseded_count,
            "unchanged": batch.unchanged_count,
        },
        message=gettext_noop("Imported %(rows)s rows from %(file)s."),
        result_url=municipality_list[0]["url"] if len(municipality_list) == 1 else "",
        rows=len(parsed.rows),
        file=name,
    )


def _reject(parsed: Any, name: str) -> None:
    raise jobs.JobFailed(
        gettext_noop("Nothing was imported: %(file)s has errors (%(count)s)."),
        [asdict(error) for error in parsed.errors],
        error_count=parsed.error_count,
        count=parsed.error_count,
        file=name,
    )


def _municipalities(codes: list[str]) -> list[dict[str, str]]:
    """Each code with its name and the link to its indicator page (for an old code, in the
    municipal structure when it was last valid)."""
    klass = municipalities.load()
    found: list[dict[str, str]] = []
    # One reverse() for all: it is slow, and a file may hold every municipality.
    page = reverse("municipality_indicators", args=["0000"])
    for code in codes:
        try:
            last = klass.history(code).periods[-1]
        except (municipalities.MunicipalityError, IndexError):
            continue
        url = page.replace("0000", code)
        if last.valid_to is not None:
            url += f"?struktur={last.valid_from.isoformat()}"
        found.append({"code": code, "name": last.name, "url": url})
    return found


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """The page "Import indicator data": choose a file and options; the import runs as a job."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            job = start_import(request.user, form)
            return redirect("job", job_id=job.pk)
    else:
        form = UploadForm()
    return render(
        request,
        "indicators/upload.html",
        {"form": form, "limit_mb": settings.MAX_UPLOAD_BYTES // 2**20},
        status=400 if form.is_bound else 200,
    )
