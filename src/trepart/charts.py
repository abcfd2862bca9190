"""Charts as Vega-Lite specs (built with Altair), rendered to SVG on the server.

No JavaScript reaches the page: the SVG is inlined in a ``<figure>`` whose ``<figcaption>``
names it, followed by a data table with the same numbers (the accessible alternative). The
root ``<svg>`` is one image (``role="img"``, labelled by the caption); Vega's own roles on
the marks are removed because an image's children are not exposed anyway.

Each chart is rendered twice, wide for desktops and narrow (with relatively larger text)
for phones, and the stylesheet shows one of them (``.chart-wide`` / ``.chart-narrow``).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import vl_convert
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = [
    "PALETTE",
    "Chart",
    "EstimatePoint",
    "LinePoint",
    "StackedValue",
    "YearPoint",
    "event_study",
    "lines",
    "render_svg",
    "stacked_bars",
    "year_lines",
]

# Mostly Designsystemet's base colours: each has a contrast of at least 3:1 against white, so
# every bar segment is visible (WCAG 1.4.11); neighbours differ in hue as well as lightness.
PALETTE = (
    "#0062ba",  # accent (blue)
    "#0d7a5f",  # brand1 (green)
    "#b35900",  # orange, darker than the warning base so it keeps 3:1 on white
    "#5b3fa0",  # brand2 (purple)
    "#24272b",  # neutral base
    "#c01b1b",  # danger base (red)
    "#002c54",  # accent text (navy)
    "#053227",  # brand1 text (dark green)
)
TEXT_COLOUR = "#292c30"  # neutral text-default
SUBTLE_COLOUR = "#5b5d60"  # neutral text-subtle
GRID_COLOUR = "#bbbcbd"  # neutral border-subtle
FONT = "Inter, system-ui, sans-serif"

# (width, height, font size) of the plotting area for each variant.
_WIDE = (680, 300, 14)
_NARROW = (250, 220, 14)


@dataclass(frozen=True)
class StackedValue:
    """One segment of a stacked bar: ``value`` of ``series`` at ``x``."""

    x: str
    series: str
    value: int | float


@dataclass(frozen=True)
class Chart:
    """A rendered chart: the Vega-Lite spec of the wide variant, and the HTML to inline."""

    spec: dict[str, Any]
    html: SafeString

    def __html__(self) -> SafeString:
        return self.html

    def __str__(self) -> str:
        return self.html


def stacked_bars(
    values: Sequence[StackedValue],
    *,
    x_order: Sequence[str],
    series_order: Sequence[str],
    x_title: str,
    y_title: str,
    series_title: str,
    label_id: str,
) -> Chart:
    """Stacked bars of ``values`` with each bar's total written above it.

    ``label_id`` is the id of the element naming the chart (the figure's caption). Titles
    arrive translated: this module knows no language.
    """
    return _in_two_sizes(
        lambda size: _stacked_bar_spec(
            values,
            x_order=x_order,
            series_order=series_order,
            x_title=x_title,
            y_title=y_title,
            series_title=series_title,
            size=size,
        ),
        label_id=label_id,
    )


def _in_two_sizes(
    spec_for: Callable[[tuple[int, int, int]], dict[str, Any]], *, label_id: str
) -> Chart:
    """Render a chart wide (desktop) and narrow (phone); the stylesheet shows one."""
    variants = [spec_for(size) for size in (_WIDE, _NARROW)]
    wide, narrow = (
        render_svg(spec, label_id=label_id, id_prefix=f"{label_id}-{name}")
        for spec, name in zip(variants, ("wide", "narrow"), strict=True)
    )
    html = mark_safe(  # both parts: SVG rendered from our own spec
        f'<div class="chart-wide">{wide}</div><div class="chart-narrow">{narrow}</div>'
    )
    return Chart(spec=variants[0], html=html)


@dataclass(frozen=True)
class LinePoint:
    """One point of a line chart: ``value`` of ``series`` at ``x`` (None: no value)."""

    x: str
    series: str
    value: float | None


def lines(
    points: Sequence[LinePoint],
    *,
    x_order: Sequence[str],
    series_order: Sequence[str],
    x_title: str,
    y_title: str,
    series_title: str,
    label_id: str,
) -> Chart:
    """Lines over ``x`` (e.g. a municipality's series beside the national average)."""

    def spec_for(size: tuple[int, int, int]) -> dict[str, Any]:
        width, height, font_size = size
        data = alt.Data(  # type: ignore[no-untyped-call]
            values=[
                {"x": p.x, "series": p.series, "value": p.value}
                for p in points
                if p.value is not None
            ]
        )
        band = width / max(len(x_order), 1)
        chart = (
            alt.Chart(data)
            .mark_line(point=True, strokeWidth=2.5)
            .encode(
                x=alt.X(
                    "x:O",
                    title=x_title,
                    sort=list(x_order),
                    axis=alt.Axis(labelAngle=0 if band >= 44 else -90, labelOverlap="greedy"),
                ),
                y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)),
                color=alt.Color(
                    "series:N",
                    title=series_title,
                    scale=alt.Scale(
                        domain=list(series_order), range=list(_colours(len(series_order)))
                    ),
                    legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=width),
                ),
                strokeDash=alt.StrokeDash(
                    "series:N",
                    scale=alt.Scale(domain=list(series_order), range=[[1, 0], [6, 3], [2, 2]]),
                    legend=None,
                ),
            )
        )
        return _configured(chart, width=width, height=height, font_size=font_size)

    return _in_two_sizes(spec_for, label_id=label_id)


def _stacked_bar_spec(
    values: Sequence[StackedValue],
    *,
    x_order: Sequence[str],
    series_order: Sequence[str],
    x_title: str,
    y_title: str,
    series_title: str,
    size: tuple[int, int, int],
) -> dict[str, Any]:
    width, height, font_size = size
    order = {name: index for index, name in enumerate(series_order)}
    data = alt.Data(  # type: ignore[no-untyped-call]
        values=[
            {"x": v.x, "series": v.series, "value": v.value, "order": order[v.series]}
            for v in values
        ]
    )
    # Narrow bars (many years on a phone) get upright labels, thinned out where they would
    # overlap, and no totals above them (the data table has every number).
    band = width / max(len(x_order), 1)
    x = alt.X(
        "x:N",
        title=x_title,
        sort=list(x_order),
        axis=alt.Axis(labelAngle=0 if band >= 44 else -90, labelOverlap="greedy"),
    )
    bars = (
        alt.Chart()
        .mark_bar(stroke="#ffffff", strokeWidth=1)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=y_title, stack="zero", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "series:N",
                title=series_title,
                scale=alt.Scale(domain=list(series_order), range=list(_colours(len(series_order)))),
                legend=alt.Legend(
                    orient="right" if width > 400 else "bottom",
                    direction="vertical",
                    labelLimit=width,
                ),
            ),
            order=alt.Order("order:Q"),
        )
    )
    totals = (
        alt.Chart()
        .mark_text(dy=-7, fontWeight=600, color=TEXT_COLOUR, fontSize=font_size)
        .encode(x=x, y=alt.Y("sum(value):Q"), text=alt.Text("sum(value):Q"))
    )
    chart = alt.layer(*((bars, totals) if band >= 28 else (bars,)), data=data)
    return _configured(chart, width=width, height=height, font_size=font_size)


def _configured(chart: Any, *, width: int, height: int, font_size: int) -> dict[str, Any]:
    """The house style of every chart: sizes, font, colours of text, axes and legend."""
    configured = (
        chart
        # Vega measures text in its own fallback font; the page draws it in Inter, which is a
        # little wider, so leave room on the right for the longest legend label.
        .properties(
            width=width, height=height, padding={"left": 5, "top": 5, "right": 40, "bottom": 5}
        )
        .configure(aria=False, font=FONT, background="#ffffff")
        .configure_view(stroke=None)
        .configure_axis(
            labelFontSize=font_size,
            titleFontSize=font_size,
            labelColor=TEXT_COLOUR,
            titleColor=TEXT_COLOUR,
            gridColor=GRID_COLOUR,
            domainColor=SUBTLE_COLOUR,
            tickColor=SUBTLE_COLOUR,
        )
        .configure_legend(
            labelFontSize=font_size,
            titleFontSize=font_size,
            labelColor=TEXT_COLOUR,
            titleColor=TEXT_COLOUR,
            symbolType="square",
        )
    )
    spec: dict[str, Any] = configured.to_dict()
    return spec


def _colours(count: int) -> tuple[str, ...]:
    return tuple(PALETTE[i % len(PALETTE)] for i in range(count))


def render_svg(spec: dict[str, Any], *, label_id: str, id_prefix: str) -> SafeString:
    """Render ``spec`` to an accessible, scalable inline SVG labelled by ``label_id``.

    Ids inside the SVG (clip paths) get ``id_prefix`` so that several charts can share a page.
    """
    svg = _render(json.dumps(spec, sort_keys=True))
    svg = _INNER_ROLE.sub("", svg)
    svg = _ID.sub(lambda m: f'{m.group(1)}"{id_prefix}-{m.group(2)}"', svg)
    svg = _URL_REF.sub(lambda m: f"url(#{id_prefix}-{m.group(1)})", svg)
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="{escape(label_id)}" focusable="false" ',
        1,
    )
    return mark_safe(svg)  # rendered by vl-convert from our own spec


@functools.lru_cache(maxsize=128)
def _render(spec_json: str) -> str:
    """Vega-Lite JSON to SVG; cached, because the first render in a process takes ~0.5 s."""
    svg: str = vl_convert.vegalite_to_svg(json.loads(spec_json))
    return svg


_INNER_ROLE = re.compile(r'\s(?:role|aria-roledescription|aria-label)="[^"]*"')
_ID = re.compile(r'(\sid=)"([^"]+)"')
_URL_REF = re.compile(r"url\(#([^)]+)\)")


# -- effect studies ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EstimatePoint:
    """One estimate with its confidence interval at ``x`` (e.g. an event time), in ``series``."""

    x: int
    series: str
    estimate: float
    low: float | None
    high: float | None


def event_study(
    points: Sequence[EstimatePoint],
    *,
    series_order: Sequence[str],
    x_title: str,
    y_title: str,
    series_title: str,
    marker_label: str,
    label_id: str,
    marker_x: float = -0.5,
) -> Chart:
    """Point estimates with their confidence intervals per event time, a line at zero and a
    dashed line where the treatment starts (between event times -1 and 0 by default)."""

    def spec_for(size: tuple[int, int, int]) -> dict[str, Any]:
        width, height, font_size = size
        data = alt.Data(  # type: ignore[no-untyped-call]
            values=[
                {"x": p.x, "series": p.series, "estimate": p.estimate, "low": p.low, "high": p.high}
                for p in points
            ]
        )
        xs = [p.x for p in points] or [0]
        x_scale = alt.Scale(domain=[min(xs) - 0.7, max(xs) + 0.7], nice=False)
        x = alt.X(
            "x:Q",
            title=x_title,
            scale=x_scale,
            axis=alt.Axis(tickMinStep=1, format="d", labelOverlap="greedy"),
        )
        colour = alt.Color(
            "series:N",
            title=series_title,
            scale=alt.Scale(domain=list(series_order), range=[PALETTE[4], PALETTE[0]]),
            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=width),
        )
        intervals = (
            alt.Chart()
            .mark_rule(strokeWidth=2)
            .encode(x=x, y=alt.Y("low:Q", title=y_title), y2="high:Q", color=colour)
            .transform_filter("datum.low != null && datum.high != null")
        )
        estimates = (
            alt.Chart()
            .mark_point(filled=True, size=70, opacity=1)
            .encode(
                x=x,
                y=alt.Y("estimate:Q", title=y_title),
                color=colour,
                shape=alt.Shape(
                    "series:N",
                    scale=alt.Scale(domain=list(series_order), range=["circle", "square"]),
                    legend=None,
                ),
            )
        )
        zero = (
            alt.Chart(alt.Data(values=[{"y": 0}]))  # type: ignore[no-untyped-call]
            .mark_rule(color=SUBTLE_COLOUR, strokeWidth=1)
            .encode(y="y:Q")
        )
        marker = (
            alt.Chart(alt.Data(values=[{"x": marker_x, "label": marker_label}]))  # type: ignore[no-untyped-call]
            .mark_rule(color=TEXT_COLOUR, strokeDash=[6, 4], strokeWidth=1.5)
            .encode(x=alt.X("x:Q", scale=x_scale))
        )
        marker_text = (
            alt.Chart(alt.Data(values=[{"x": marker_x, "label": marker_label}]))  # type: ignore[no-untyped-call]
            .mark_text(
                align="left", baseline="top", dx=4, dy=4, color=TEXT_COLOUR, fontSize=font_size
            )
            .encode(x=alt.X("x:Q", scale=x_scale), y=alt.value(0), text="label:N")
        )
        chart = alt.layer(zero, marker, intervals, estimates, marker_text, data=data)
        return _configured(chart, width=width, height=height, font_size=font_size)

    return _in_two_sizes(spec_for, label_id=label_id)


@dataclass(frozen=True)
class YearPoint:
    """One point of a yearly line: ``value`` of ``series`` in ``year`` (None: no value)."""

    year: int
    series: str
    value: float | None


def year_lines(
    points: Sequence[YearPoint],
    *,
    series_order: Sequence[str],
    x_title: str,
    y_title: str,
    series_title: str,
    marker_year: float,
    marker_label: str,
    label_id: str,
    zero_line: bool = False,
) -> Chart:
    """Lines over the years with a dashed line at ``marker_year`` (e.g. the treatment year),
    and optionally a line at zero (for gaps); used for a treated unit beside its synthetic
    control and for the gaps between them."""

    def spec_for(size: tuple[int, int, int]) -> dict[str, Any]:
        width, height, font_size = size
        data = alt.Data(  # type: ignore[no-untyped-call]
            values=[
                {"x": p.year, "series": p.series, "value": p.value}
                for p in points
                if p.value is not None
            ]
        )
        years = [p.year for p in points] or [0]
        x_scale = alt.Scale(domain=[min(years), max(years)], nice=False)
        x = alt.X(
            "x:Q",
            title=x_title,
            scale=x_scale,
            axis=alt.Axis(tickMinStep=1, format="d", labelOverlap="greedy"),
        )
        line = (
            alt.Chart()
            .mark_line(point=True, strokeWidth=2.5)
            .encode(
                x=x,
                y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=zero_line)),
                color=alt.Color(
                    "series:N",
                    title=series_title,
                    scale=alt.Scale(
                        domain=list(series_order), range=list(_colours(len(series_order)))
                    ),
                    # one series needs no legend: the axis title names it
                    legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=width)
                    if len(series_order) > 1
                    else None,
                ),
                strokeDash=alt.StrokeDash(
                    "series:N",
                    scale=alt.Scale(domain=list(series_order), range=[[1, 0], [6, 3], [2, 2]]),
                    legend=None,
                ),
            )
        )
        marker_data = alt.Data(values=[{"x": marker_year, "label": marker_label}])  # type: ignore[no-untyped-call]
        marker = (
            alt.Chart(marker_data)
            .mark_rule(color=TEXT_COLOUR, strokeDash=[6, 4], strokeWidth=1.5)
            .encode(x=alt.X("x:Q", scale=x_scale))
        )
        marker_text = (
            alt.Chart(marker_data)
            .mark_text(
                align="left", baseline="top", dx=4, dy=4, color=TEXT_COLOUR, fontSize=font_size
            )
            .encode(x=alt.X("x:Q", scale=x_scale), y=alt.value(0), text="label:N")
        )
        layers: list[Any] = [marker, line, marker_text]
        if zero_line:
            zero = (
                alt.Chart(alt.Data(values=[{"y": 0}]))  # type: ignore[no-untyped-call]
                .mark_rule(color=SUBTLE_COLOUR, strokeWidth=1)
                .encode(y="y:Q")
            )
            layers.insert(0, zero)
        chart = alt.layer(*layers, data=data)
        return _configured(chart, width=width, height=height, font_size=font_size)

    return _in_two_sizes(spec_for, label_id=label_id)
