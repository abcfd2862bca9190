"""Public pages of the programme registry: programmes, municipality search, municipalities."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from trepart import charts
from trepart.registry import selectors

CHART_CAPTION_ID = "participation-chart-caption"


@require_GET
def programme(request: HttpRequest, slug: str) -> HttpResponse:
    overview = selectors.programme_overview(slug)
    return render(
        request,
        "registry/programme.html",
        {
            "programme": overview,
            "chart": participation_chart(overview) if overview.timeline else None,
            "chart_caption_id": CHART_CAPTION_ID,
        },
    )


@require_GET
def municipality_search(request: HttpRequest) -> HttpResponse:
    search = selectors.municipality_search(request.GET.get("q", ""))
    return render(request, "registry/municipality_search.html", {"search": search})


@require_GET
def municipality(request: HttpRequest, code: str) -> HttpResponse:
    page = selectors.municipality_page(code)
    return render(request, "registry/municipality.html", {"municipality": page})


def participation_chart(overview: selectors.ProgrammeOverview) -> charts.Chart:
    """Registrations at each year's end, stacked by cohort (same as the table)."""
    return charts.stacked_bars(
        [
            charts.StackedValue(row.label, cohort, count)
            for row in overview.timeline
            for cohort, count in zip(overview.cohort_names, row.counts, strict=True)
        ],
        x_order=[row.label for row in overview.timeline],
        series_order=overview.cohort_names,
        x_title=gettext("End of year"),
        y_title=gettext("Registrations"),
        series_title=gettext("Cohort"),
        label_id=CHART_CAPTION_ID,
    )
