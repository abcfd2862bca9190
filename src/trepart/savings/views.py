"""The seed study's savings table, recomputed, with its discrepancies shown."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from trepart.analysis import savings, seed_study
from trepart.core.i18n import ui_language
from trepart.reports.pdf import render_pdf
from trepart.savings import selectors

LINE_LABELS = {
    "sick_leave": _("Sick leave"),
    "afp": _("Early retirement (AFP)"),
    "turnover": _("Turnover"),
    "fulltime": _("Full-time/part-time"),
    "consultants": _("Consultant use"),
    "tendering": _("Tendering costs"),
    "conflict": _("Reduced conflict"),
    "total": _("Total"),
    "share": _("Share of total operating expenses"),
}
READING_LABELS = {
    "as_printed": _("As printed (the OCR text read literally)"),
    "decimal_comma": _("With the decimal commas the OCR lost"),
}


@dataclass(frozen=True)
class Cell:
    printed: str
    value: Decimal | None
    reason: str
    changed: bool
    estimate: bool
    uncertain: bool


@dataclass(frozen=True)
class Row:
    line: str
    label: str
    cells: tuple[Cell | None, ...]


def seed_study_context(reading_name: str) -> dict[str, Any]:
    """Everything the page and the PDF show, for one reading of the printed table."""
    if reading_name not in seed_study.READINGS:
        raise Http404("unknown reading")
    reading = seed_study.READINGS[reading_name]
    printed = {(f.municipality, f.line): f for f in seed_study.PRINTED}
    rows = []
    for line in seed_study.LINES:
        cells: list[Cell | None] = []
        for municipality in seed_study.MUNICIPALITIES:
            figure = printed.get((municipality, line))
            if figure is None:
                cells.append(None)
                continue
            reconstruction = reading.figure(municipality, line)
            cells.append(
                Cell(
                    printed=figure.text,
                    value=reconstruction.value,
                    reason=reconstruction.reason,
                    changed=reconstruction.changed,
                    estimate=figure.footnotes == "*",
                    uncertain=figure.footnotes == "**",
                )
            )
        rows.append(Row(line, str(LINE_LABELS[line]), tuple(cells)))
    return {
        "source": seed_study.SOURCE,
        "municipalities": seed_study.MUNICIPALITIES,
        "rows": rows,
        "checks": seed_study.check(reading),
        "reading": reading_name,
        "readings": [(name, READING_LABELS[name]) for name in seed_study.READINGS],
    }


def _reading(request: HttpRequest) -> str:
    return request.GET.get("lesing", "decimal_comma")


@require_GET
def seed_study_page(request: HttpRequest) -> HttpResponse:
    return render(request, "savings/seed_study.html", seed_study_context(_reading(request)))


@require_GET
def seed_study_pdf(request: HttpRequest) -> HttpResponse:
    reading = _reading(request)
    return render_pdf(
        request,
        "savings/seed_study_pdf.html",
        seed_study_context(reading),
        filename=f"samarbeid-lonner-seg-{reading}.pdf",
    )


# -- a municipality's savings scenario ---------------------------------------------------


@dataclass(frozen=True)
class ParameterField:
    name: str
    value: str
    default: str
    unit: str
    source: str
    assumption: bool
    error: str


def _scenario_parameters(
    request: HttpRequest,
) -> tuple[savings.ParameterSet, list[ParameterField]]:
    """The default parameters with the changes asked for in the query; bad values keep the
    default and say why."""
    params = savings.DEFAULTS
    fields = []
    for name in savings.PARAMETER_NAMES:
        default = savings.DEFAULTS.parameter(name)
        raw = request.GET.get(name, "").strip().replace(",", ".").replace(" ", "")
        error = ""
        if raw and raw != str(default.value):
            try:
                params = params.replace(**{name: raw})
            except (savings.SavingsError, ValueError, ArithmeticError) as problem:
                error = str(problem)
        fields.append(
            ParameterField(
                name=name,
                value=raw or str(default.value),
                default=str(default.value),
                unit=default.unit,
                source=default.source,
                assumption=default.assumption,
                error=error,
            )
        )
    return params, fields


def _scenario(request: HttpRequest, code: str) -> dict[str, Any]:
    language = ui_language()
    try:
        year = int(request.GET.get("aar", "2024"))
        since = int(request.GET.get("fra", "2007"))
    except ValueError:
        raise Http404("bad year") from None
    baseline = request.GET.get("grunnlag", "national")
    if baseline not in ("national", "earlier"):
        raise Http404("unknown baseline")
    params, fields = _scenario_parameters(request)
    context: dict[str, Any] = {
        "code": code,
        "year": year,
        "since": since,
        "baseline": baseline,
        "fields": fields,
        "report": None,
        "error": "",
    }
    try:
        inputs = selectors.savings_inputs(code, year, baseline=baseline, baseline_year=since)
        report = savings.compute_savings(inputs.actual, inputs.baseline, params)
    except (selectors.SavingsInputMissing, savings.SavingsError) as problem:
        context["error"] = str(problem)
        context["name"] = selectors.municipality_name(code)
        return context
    context.update(
        name=inputs.name,
        synthetic=inputs.synthetic,
        report=report,
        items=[(item, item.label(language)) for item in report.items],
        baseline_label=(
            gettext("the national average in %(year)s") % {"year": year}
            if baseline == "national"
            else f"{inputs.name} {since}"
        ),
        share_pct=None
        if report.share_of_operating_expenses is None
        else report.share_of_operating_expenses * 100,
    )
    return context


@require_GET
def scenario_page(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "savings/scenario.html", _scenario(request, code))


@require_GET
def scenario_pdf(request: HttpRequest, code: str) -> HttpResponse:
    context = _scenario(request, code)
    if context["report"] is None:
        raise Http404(context["error"])
    return render_pdf(
        request,
        "savings/scenario_pdf.html",
        context,
        filename=f"besparelser-{code}-{context['year']}.pdf",
    )
