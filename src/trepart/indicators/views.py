from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from trepart import charts
from trepart.analysis import municipalities
from trepart.analysis.indicator_files import write_template
from trepart.core.i18n import ui_language
from trepart.indicators import groups, selectors


@dataclass(frozen=True)
class SectionRow:
    point: selectors.SeriesPoint
    #: the comparison group's average of the same period (None without one)
    group: float | None


@dataclass(frozen=True)
class IndicatorSection:
    series: selectors.IndicatorSeries
    name: str
    help: str
    chart: charts.Chart
    chart_id: str
    rows: tuple[SectionRow, ...]


def _structure_date(request: HttpRequest) -> dt.date:
    raw = request.GET.get("struktur")
    if not raw:
        return municipalities.load().latest
    try:
        return municipalities.parse_date(raw)
    except municipalities.MunicipalityError as error:
        raise Http404(str(error)) from None


def _chart(
    series: selectors.IndicatorSeries,
    name: str,
    municipality: str,
    chart_id: str,
    group: tuple[str, dict[tuple[int, int | None], float]] | None = None,
) -> charts.Chart:
    national = gettext("National average")
    labels = [str(p.year) if p.quarter is None else f"{p.year} K{p.quarter}" for p in series.points]
    points = [
        charts.LinePoint(label, municipality, p.value)
        for label, p in zip(labels, series.points, strict=True)
    ] + [
        charts.LinePoint(label, national, p.national)
        for label, p in zip(labels, series.points, strict=True)
    ]
    order = [municipality, national]
    if group is not None:
        group_label, values = group
        points += [
            charts.LinePoint(label, group_label, values.get((p.year, p.quarter)))
            for label, p in zip(labels, series.points, strict=True)
        ]
        order.append(group_label)
    return charts.lines(
        points,
        x_order=labels,
        series_order=order,
        x_title=gettext("Year"),
        y_title=name,
        series_title="",
        label_id=chart_id,
    )


@dataclass(frozen=True)
class OverviewRow:
    series: selectors.IndicatorSeries
    name: str
    latest: selectors.SeriesPoint
    group: float | None = None


def _group(
    request: HttpRequest, page: selectors.MunicipalityIndicators
) -> groups.GroupContext | None:
    """The municipality's comparison group (the grouping asked for, else the one imported
    last), None when no grouping is imported or the municipality is in none."""
    slug = request.GET.get("gruppering") or groups.latest_grouping_slug()
    if not slug:
        return None
    try:
        return groups.group_context(
            slug,
            page.code,
            (s.indicator.id for s in page.series),
            structure_date=page.structure_date,
            version=page.store_version,
        )
    except groups.GroupingMissing as error:
        raise Http404(str(error)) from None


@require_GET
def municipality_indicators(request: HttpRequest, code: str) -> HttpResponse:
    """All indicators' latest values, and one indicator's series as a chart and a table."""
    page = selectors.municipality_indicators(code, structure_date=_structure_date(request))
    language = ui_language()
    group = _group(request, page)
    by_group: dict[str, dict[tuple[int, int | None], float]] = {}
    for average in group.averages if group else ():
        by_group.setdefault(average.indicator_id, {})[(average.year, average.quarter)] = (
            average.value
        )
    overview = [
        OverviewRow(
            series,
            series.indicator.name(language),
            series.points[-1],
            by_group.get(series.indicator.id, {}).get(
                (series.points[-1].year, series.points[-1].quarter)
            ),
        )
        for series in page.series
        if series.points
    ]
    chosen_id = request.GET.get("indikator", "sick_leave_pct")
    chosen = next((s for s in page.series if s.indicator.id == chosen_id), None)
    if chosen is None and page.series:
        chosen = page.series[0]
    section = None
    if chosen is not None:
        name = chosen.indicator.name(language)
        chart_id = f"chart-{chosen.indicator.id}"
        values = by_group.get(chosen.indicator.id, {})
        section = IndicatorSection(
            series=chosen,
            name=name,
            help=chosen.indicator.help(language),
            chart=_chart(
                chosen,
                name,
                page.name,
                chart_id,
                None if group is None else (_group_label(group), values),
            ),
            chart_id=chart_id,
            rows=tuple(SectionRow(p, values.get((p.year, p.quarter))) for p in chosen.points),
        )
    return render(
        request,
        "indicators/municipality.html",
        {
            "page": page,
            "overview": overview,
            "section": section,
            "group": group,
            "group_label": None if group is None else _group_label(group),
        },
    )


def _group_label(group: groups.GroupContext) -> str:
    return gettext("Average of %(group)s") % {"group": group.group_name}


TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """The import template (header, two example rows; XLSX also lists the indicators)."""
    if fmt not in TEMPLATE_TYPES:
        raise Http404("unknown template format")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"trepart-indikatorer.{fmt}"
        write_template(
            path,
            fmt="xlsx" if fmt == "xlsx" else "csv",
            indicators=selectors.indicator_catalogue(),
        )
        body = path.read_bytes()
    response = HttpResponse(body, content_type=TEMPLATE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="trepart-indikatorer.{fmt}"'
    return response
