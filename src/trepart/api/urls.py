"""The REST API at /api/ (OpenAPI document at /api/openapi.json, browsable at /api/docs).

Read-only endpoints for programmes, cohorts, participation and municipalities.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import NinjaAPI, Query
from ninja.errors import HttpError

from trepart import __version__
from trepart.analysis import municipalities, savings, seed_study
from trepart.api import schemas
from trepart.indicators import selectors as indicator_selectors
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
        "Participations flagged `is_demo` are demonstration data, not real member lists."
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
    `baseline` = `national` (the national average that year, rates and shares) or
    `earlier:YEAR` (its own values in YEAR). Any cost parameter can be changed by passing it by
    name, e.g. `annual_wage_nok=650000` (see `trepart savings parameters`). The report holds
    every item with its status and trace, the total (uncertain items left out) and the share of
    operating expenses; `synthetic` is true for demo values."""
    changes = {name: request.GET[name] for name in savings.PARAMETER_NAMES if name in request.GET}
    try:
        inputs, report = savings_selectors.compute_scenario(
            code, year, baseline=baseline, changes=changes
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
