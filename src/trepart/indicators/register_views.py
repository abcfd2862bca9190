"""The page "Import an HR-register extract": the upload form; the work runs as a job
(:mod:`trepart.indicators.register_import`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from trepart.core import jobs
from trepart.core.models import Job
from trepart.indicators import register_import
from trepart.indicators.register_import import SUFFIXES, TABLES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class RegisterUploadForm(forms.Form):
    extract = forms.FileField(
        label=_("The extract as one zip file"),
        required=False,
        help_text=_(
            "A .zip holding employments.parquet or employments.csv and absences.parquet or "
            "absences.csv (they may be in a folder inside the zip)."
        ),
    )
    employments = forms.FileField(
        label=_("Or: the employments table"),
        required=False,
        help_text=_("A .parquet or .csv file, together with the absences table below."),
    )
    absences = forms.FileField(
        label=_("The absences table"),
        required=False,
        help_text=_("A .parquet or .csv file (sick-leave spells)."),
    )
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid rows"),
        required=False,
        help_text=_(
            "Rows that break the schema are left out and counted in the data-quality summary. "
            "Without this, any such row stops the import and every one is listed."
        ),
    )
    synthetic = forms.BooleanField(
        label=_("The records are synthetic (made up, not real measurements)"),
        required=False,
        help_text=_("A zip written by “trepart register synth” is recognised by itself."),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=200,
        help_text=_("Stored with every value; empty: “HR-register extract” and the file name."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("Stored with the import, e.g. where the extract came from."),
    )

    def _checked(
        self, name: str, suffixes: tuple[str, ...], wrong: StrOrPromise
    ) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get(name)
        if upload is None:
            return None
        limit = settings.MAX_UPLOAD_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB."), params={"limit": limit // 2**20}
            )
        if Path(upload.name or "").suffix.lower() not in suffixes:
            raise forms.ValidationError(wrong)
        return upload

    def clean_extract(self) -> UploadedFile | None:
        return self._checked("extract", (".zip",), _("The file name must end in .zip."))

    def clean_employments(self) -> UploadedFile | None:
        return self._checked(
            "employments", SUFFIXES, _("The file name must end in .parquet or .csv.")
        )

    def clean_absences(self) -> UploadedFile | None:
        return self._checked("absences", SUFFIXES, _("The file name must end in .parquet or .csv."))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        tables = [name for name in TABLES if cleaned.get(name)]
        if cleaned.get("extract"):
            if tables:
                self.add_error(
                    "extract", _("Upload either the zip file or the two tables, not both.")
                )
        elif not tables:
            self.add_error("extract", _("Choose the extract: one zip file, or the two tables."))
        elif "employments" not in tables:
            self.add_error("employments", _("Choose the employments table too."))
        elif "absences" not in tables:
            self.add_error("absences", _("Choose the absences table too."))
        return cleaned


def start_import(user: Any, form: RegisterUploadForm) -> Job:
    """Queue the import of a valid form's extract as a job of ``user``."""
    data = form.cleaned_data
    archive: UploadedFile | None = data.get("extract")
    files: dict[str, str] = {}
    saved: dict[str, str] = {}
    if archive is not None:
        files["zip"] = Path(archive.name or "extract.zip").name
        uploaded = [archive]
        name = files["zip"]
    else:
        uploaded = []
        for table in TABLES:
            upload: UploadedFile = data[table]
            files[table] = Path(upload.name or table).name
            # Saved under the table's own name, which the pipeline looks for.
            upload.name = saved[table] = f"{table}{Path(files[table]).suffix.lower()}"
            uploaded.append(upload)
        name = f"{files['employments']} + {files['absences']}"
    options = {
        "file_name": name,
        "files": files,
        "saved": saved,
        "skip_invalid": bool(data.get("skip_invalid")),
        "synthetic": bool(data.get("synthetic")),
        "source": data.get("source") or "",
        "note": data.get("note") or "",
    }
    return jobs.start(
        register_import.KIND,
        gettext_noop("Import of the HR-register extract %(file)s"),
        register_import.import_register_extract,
        options,
        user=user,
        upload=uploaded,
        title_params={"file": name},
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """The page "Import an HR-register extract": the files and options; a job does the rest."""
    if not request.user.has_perm(register_import.PERMISSION):
        raise PermissionDenied
    if request.method == "POST":
        form = RegisterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            job = start_import(request.user, form)
            return redirect("job", job_id=job.pk)
    else:
        form = RegisterUploadForm()
    return render(
        request,
        "indicators/register_upload.html",
        {"form": form, "limit_mb": settings.MAX_UPLOAD_BYTES // 2**20},
        status=400 if form.is_bound else 200,
    )
