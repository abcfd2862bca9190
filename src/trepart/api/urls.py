"""The REST API at /api/ (OpenAPI document at /api/openapi.json, browsable at /api/docs).

Read-only endpoints for programmes, cohorts, participation and municipalities.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from ninja import File, Form, NinjaAPI, Query, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.security import HttpBasicAuth, django_auth

from trepart import __version__
from trepart.analysis import municipalities, savings, seed_study
from trepart.api import schemas
from trepart.core import jobs
from trepart.core.models import Job
from trepart.indicators import selectors as indicator_selectors
from trepart.indicators import uploads
from trepart.registry import selectors
from trepart.registry.models import Cohort, Participation, Programme
from trepart.savings import selectors as savings_selectors

api = NinjaAPI(
    title="Trepart API",
    version=__version__,
    description=(
        "Read access to Trepart's programme registry, to Norway's municipalities and their "
        "code changes 2002–2024 (Statistisk sentralbyrå, Klass 131, NLOD), to indicator "
        "values and to the seed study's savings table. "
        "Participations flagged `is_demo` are demonstration data, not real member lists. "
        "Importing indicator files needs a user with permission to add indicator values: "
        "HTTP Basic authentication (over HTTPS) or a logged-in session with its CSRF token."
    ),
    urls_namespace="api",
)


def _cohort_out(cohort: Cohort) -> schemas.CohortOut:
    return schemas.CohortOut(
        id=cohort.pk,
        programme=cohort.programme.slug,
        name=cohort.name,
        start_date=cohort.start_date,
        start_precision=cohort.start_precision,  # type: ignore[arg-type]
        focus=cohort.focus,
        planned_size=cohort.planned_size,
    )


def _programme_out(programme: Programme) -> schemas.ProgrammeOut:
    return schemas.ProgrammeOut(
        slug=programme.slug,
        name=programme.name,
        start_date=programme.start_date,
        end_date=programme.end_date,
        agreement_date=programme.agreement_date,
        parties=programme.parties,
        description=programme.description,
        planned_size=programme.planned_size,
        cohorts=[_cohort_out(cohort) for cohort in programme.cohorts.all()],
    )


def _participation_out(participation: Participation) -> schemas.ParticipationOut:
    return schemas.ParticipationOut(
        id=participation.pk,
        programme=participation.cohort.programme.slug,
        cohort_id=participation.cohort_id,
        cohort=participation.cohort.name,
        municipality_code=participation.municipality_code,
        municipality_name=participation.municipality_name,
        joined=participation.joined,
        left=participation.left,
        is_demo=participation.is_demo,
    )


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return municipalities.parse_date(value)
    except municipalities.MunicipalityError as error:
        raise HttpError(422, f"{name}: {error}") from None


@api.get("/programmes", response=list[schemas.ProgrammeOut], tags=["registry"])
def list_programmes(request: HttpRequest) -> list[schemas.ProgrammeOut]:
    """All programmes with their cohorts, oldest first."""
    return [_programme_out(p) for p in selectors.api_programmes()]


@api.get(
    "/programmes/{slug}",
    response={200: schemas.ProgrammeOut, 404: schemas.ErrorOut},
    tags=["registry"],
)
def get_programme(request: HttpRequest, slug: str) -> schemas.ProgrammeOut:
    """One programme with its cohorts."""
    return _programme_out(selectors.api_programme(slug))


@api.get("/cohorts", response=list[schemas.CohortOut], tags=["registry"])
def list_cohorts(request: HttpRequest, programme: str | None = None) -> list[schemas.CohortOut]:
    """Cohorts (puljer), optionally of one programme (its slug)."""
    return [_cohort_out(c) for c in selectors.api_cohorts(programme)]


@api.get(
    "/cohorts/{cohort_id}",
    response={200: schemas.CohortOut, 404: schemas.ErrorOut},
    tags=["registry"],
)
def get_cohort(request: HttpRequest, cohort_id: int) -> schemas.CohortOut:
    """One cohort."""
    return _cohort_out(selectors.api_cohort(cohort_id))


@api.get("/participations", response=list[schemas.ParticipationOut], tags=["registry"])
def list_participations(
    request: HttpRequest,
    programme: str | None = None,
    cohort: int | None = None,
    municipality: str | None = None,
) -> list[schemas.ParticipationOut]:
    """Participations, filtered by programme slug, cohort id and/or municipality code.

    ``municipality`` matches the code as registered (valid on the day the municipality joined).
    """
    rows = selectors.api_participations(
        programme=programme, cohort=cohort, municipality=municipality
    )
    return [_participation_out(p) for p in rows]


@api.get(
    "/municipalities",
    response={200: list[schemas.MunicipalityOut], 422: schemas.ErrorOut},
    tags=["municipalities"],
)
def list_municipalities(
    request: HttpRequest, on: str | None = None, q: str | None = None
) -> list[municipalities.Municipality]:
    """Municipalities valid on a date (`on`, YYYY-MM-DD or YYYY; default today), or a search
    by name or number (`q`; over all periods unless `on` is given)."""
    klass = municipalities.load()
    on_date = _date(on, "on")
    try:
        if q:
            return klass.search(q, on=on_date, limit=500)
        return klass.municipalities_on(on_date or dt.date.today())
    except municipalities.MunicipalityError as error:
        raise HttpError(422, str(error)) from None


@api.get(
    "/municipalities/{code}",
    response={200: schemas.HistoryOut, 404: schemas.ErrorOut},
    tags=["municipalities"],
)
def get_municipality(request: HttpRequest, code: str) -> municipalities.CodeHistory:
    """A code's history: its periods (name and validity) and the changes into and out of it."""
    try:
        return municipalities.load().history(code)
    except municipalities.MunicipalityError as error:
        raise HttpError(404, str(error)) from None


@api.get(
    "/municipalities/{code}/translate",
    response={200: schemas.TranslationOut, 422: schemas.ErrorOut},
    tags=["municipalities"],
)
def translate_municipality(
    request: HttpRequest,
    code: str,
    from_: str = Query(..., alias="from"),  # type: ignore[type-arg]
    to: str = Query(...),  # type: ignore[type-arg]
) -> schemas.TranslationOut:
    """Translate a code from one date's municipal structure to another's.

    `kind` is `unchanged`, `renumbered`, `merged` (several old codes became this one) or `split`
    (the code became several: it cannot be translated without weights, `needs_weights` is true).
    """
    from_date = _date(from_, "from")
    to_date = _date(to, "to")
    assert from_date is not None and to_date is not None
    try:
        translation = municipalities.load().translate(code, from_date, to_date)
    except municipalities.MunicipalityError as error:
        raise HttpError(422, str(error)) from None
    return schemas.TranslationOut(
        code=translation.code,
        from_date=translation.from_date,
        to_date=translation.to_date,
        kind=translation.kind,
        codes=list(translation.codes),
        names=list(translation.names),
        needs_weights=translation.needs_weights,
        changes=[schemas.CodeChangeOut(**c.__dict__) for c in translation.changes],
    )


@api.get("/indicators", response=list[schemas.IndicatorOut], tags=["indicators"])
def list_indicators(request: HttpRequest) -> list[dict[str, object]]:
    """The indicator catalogue (built-in and custom): unit, direction, definition, source."""
    return [indicator.to_json() for indicator in indicator_selectors.indicator_catalogue().values()]


@api.get(
    "/municipalities/{code}/indicators",
    response={200: schemas.MunicipalityIndicatorsOut, 404: schemas.ErrorOut},
    tags=["indicators"],
)
def municipality_indicators(
    request: HttpRequest, code: str, structure: str | None = None
) -> schemas.MunicipalityIndicatorsOut:
    """Every stored indicator of a municipality, with the national average of each period.

    Values are translated to the municipal structure of `structure` (YYYY-MM-DD or YYYY;
    default the latest). `synthetic` is true when demo values are among them.
    """
    structure_date = _date(structure, "structure") or municipalities.load().latest
    page = indicator_selectors.municipality_indicators(code, structure_date=structure_date)
    return schemas.MunicipalityIndicatorsOut(
        code=page.code,
        name=page.name,
        structure_date=page.structure_date,
        synthetic=page.synthetic,
        series=[
            schemas.IndicatorSeriesOut(
                indicator=s.indicator.id,
                points=[schemas.SeriesPointOut(**p.__dict__) for p in s.points],
            )
            for s in page.series
        ],
        problems=len(page.problems),
    )


@api.get(
    "/savings/seed-study",
    response={200: list[schemas.SeedCheckOut], 422: schemas.ErrorOut},
    tags=["savings"],
)
def seed_study_check(request: HttpRequest, reading: str = "decimal_comma") -> list[object]:
    """The seed study's savings table (Lunner, Songdalen, Bamble): printed totals against the
    sum of their items under a reading of the OCR'd slide (`as_printed` or `decimal_comma`).
    Numbers are exact decimals in strings, million NOK."""
    if reading not in seed_study.READINGS:
        raise HttpError(422, f"unknown reading {reading!r}; use one of {list(seed_study.READINGS)}")
    return [check.to_json() for check in seed_study.check(reading)]


@api.get(
    "/municipalities/{code}/savings",
    response={200: dict[str, object], 404: schemas.ErrorOut, 422: schemas.ErrorOut},
    tags=["savings"],
)
def municipality_savings(
    request: HttpRequest, code: str, year: int, baseline: str = "national"
) -> dict[str, object]:
    """A municipality's savings in `year` from its stored indicator values, against
    `baseline` = `national` (the national average that year, rates and shares),
    `earlier:YEAR` (its own values in YEAR) or `group` / `group:GROUPING` (the average of its
    comparison group that year, in the grouping imported last or the one named). Any cost
    parameter can be changed by passing it by name, e.g. `annual_wage_nok=650000` (see
    `trepart savings parameters`). With `earlier:YEAR`, `price_index=YEAR:VALUE` (repeated, for
    the baseline year and `year`) and `price_source` express the baseline's kroner in `year`'s
    prices. The report holds every item with its status and trace, the total (uncertain items
    left out) and the share of operating expenses; `synthetic` is true for demo values."""
    changes = {name: request.GET[name] for name in savings.PARAMETER_NAMES if name in request.GET}
    try:
        price_index: dict[int, str] = {}
        for text in request.GET.getlist("price_index"):
            index_year, sep, value = text.partition(":")
            if not sep or not index_year.strip().isdigit():
                raise ValueError(f"price_index {text!r}: use YEAR:VALUE, e.g. 2007:80.1")
            price_index[int(index_year)] = value
        inputs, report = savings_selectors.compute_scenario(
            code,
            year,
            baseline=baseline,
            changes=changes,
            price_index=price_index or None,
            price_source=request.GET.get("price_source", ""),
        )
    except (ValueError, savings.SavingsError, savings_selectors.SavingsInputMissing) as error:
        raise HttpError(422, str(error)) from None
    return {
        "municipality": code,
        "name": inputs.name,
        "year": year,
        "synthetic": inputs.synthetic,
        **report.to_json(),
    }


class PasswordAuth(HttpBasicAuth):
    """HTTP Basic with a Trepart user name and password (no CSRF token needed)."""

    def authenticate(self, request: HttpRequest, username: str, password: str) -> object | None:
        user = authenticate(request, username=username, password=password)
        if user is None or not user.is_active:
            return None
        request.user = user
        return user


#: the import endpoints accept HTTP Basic, or Django's session cookie with a CSRF token
IMPORT_AUTH = [PasswordAuth(), django_auth]


def _job_out(request: HttpRequest, job: Job) -> schemas.JobOut:
    progress, message = job.live()
    return schemas.JobOut(
        id=job.pk,
        kind=job.kind,
        title=job.display_title(),
        status=job.status,  # type: ignore[arg-type]
        progress=progress,
        message=message,
        errors=[schemas.JobErrorOut(**error) for error in job.errors],
        error_count=job.error_count,
        result=job.result,
        result_url=request.build_absolute_uri(job.result_url) if job.result_url else "",
        url=request.build_absolute_uri(reverse("api:get_job", args=[job.pk])),
        page=request.build_absolute_uri(reverse("job", args=[job.pk])),
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


@api.post(
    "/indicators/imports",
    auth=IMPORT_AUTH,
    response={202: schemas.JobOut, 403: schemas.ErrorOut, 422: schemas.FormErrorOut},
    tags=["indicators"],
)
def import_indicators(
    request: HttpRequest,
    response: HttpResponse,
    file: UploadedFile = File(...),  # type: ignore[type-arg]  # noqa: B008
    format: str = Form(""),  # type: ignore[type-arg]
    mapping: str = Form(""),  # type: ignore[type-arg]
    source: str = Form(""),  # type: ignore[type-arg]
    note: str = Form(""),  # type: ignore[type-arg]
    check_only: bool = Form(False),  # type: ignore[type-arg]
) -> Status[object]:
    """Import a file of indicator values (CSV, XLSX or JSON-stat2) as a background job.

    Multipart form: `file`, and optionally `format` (csv, xlsx, jsonstat; default from the
    file name), `mapping` (JSON-stat2: a preset, e.g. `kostra-12362`), `source` (for rows
    without one), `note` and `check_only` (validate, store nothing). Answers 202 with the job;
    poll its `url` (`GET /api/jobs/{id}`) until `status` is `succeeded` or `failed`. A file
    with errors stores nothing; the job's `errors` name file, row, column and reason.
    Needs permission to add indicator values (HTTP Basic or a session with CSRF token).
    """
    if not request.user.has_perm(uploads.PERMISSION):
        return Status(403, schemas.ErrorOut(detail="you may not import indicator values"))
    with translation.override("en"):
        form = uploads.UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
            return Status(
                422, schemas.FormErrorOut(detail="the upload was not accepted", errors=errors)
            )
        job = uploads.start_import(request.user, form)
        job.refresh_from_db()
        out = _job_out(request, job)
    response["Location"] = out.url
    return Status(202, out)


@api.get(
    "/jobs/{job_id}",
    auth=IMPORT_AUTH,
    response={200: schemas.JobOut, 404: schemas.ErrorOut},
    tags=["jobs"],
)
def get_job(request: HttpRequest, job_id: int) -> Status[object]:
    """A background job you started (an import): status, progress 0–1, message, errors, result.

    `status` is queued, running, succeeded or failed; texts are in English.
    """
    job = jobs.get_visible(request.user, job_id)
    if job is None:
        return Status(404, schemas.ErrorOut(detail=f"no job {job_id} of yours"))
    with translation.override("en"):
        return Status(200, _job_out(request, job))
