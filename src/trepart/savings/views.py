"""The seed study's savings table, recomputed, with its discrepancies shown."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from trepart.analysis import seed_study
from trepart.reports.pdf import render_pdf

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
