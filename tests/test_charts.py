"""Charts render to accessible SVG on the server, with the data they were given."""

from __future__ import annotations

import re

import pytest

from trepart import charts

VALUES = [
    charts.StackedValue("2007", "Pulje I", 28),
    charts.StackedValue("2007", "Pulje II", 46),
    charts.StackedValue("2008", "Pulje I", 27),
    charts.StackedValue("2008", "Pulje II", 45),
]


def chart() -> charts.Chart:
    return charts.stacked_bars(
        VALUES,
        x_order=["2007", "2008"],
        series_order=["Pulje I", "Pulje II"],
        x_title="Year end",
        y_title="Municipalities",
        series_title="Cohort",
        label_id="caption-1",
    )


def test_the_chart_is_one_image_per_variant_labelled_by_the_caption() -> None:
    html = str(chart())
    assert html.count("<svg ") == 2  # wide and narrow
    assert html.count('<svg role="img" aria-labelledby="caption-1" focusable="false"') == 2


def test_the_marks_inside_the_image_carry_no_roles_of_their_own() -> None:
    html = str(chart())
    assert html.count("role=") == 2
    assert "aria-roledescription" not in html


def test_ids_inside_the_svg_are_unique_on_the_page() -> None:
    ids = re.findall(r'\sid="([^"]+)"', str(chart()))
    assert len(ids) == len(set(ids))
    for reference in re.findall(r"url\(#([^)]+)\)", str(chart())):
        assert reference in ids


def test_the_spec_carries_exactly_the_values_given() -> None:
    values = chart().spec["data"]["values"]
    assert [(v["x"], v["series"], v["value"]) for v in values] == [
        (v.x, v.series, v.value) for v in VALUES
    ]


def test_each_bar_is_labelled_with_its_total() -> None:
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", str(chart()))
    assert "74" in texts and "72" in texts


def test_the_svg_scales_down_to_a_phone_screen() -> None:
    for svg in re.findall(r"<svg [^>]*>", str(chart())):
        assert "viewBox=" in svg


def test_titles_come_from_the_caller_so_they_can_be_translated() -> None:
    html = str(chart())
    for title in ("Year end", "Municipalities", "Cohort"):
        assert title in html


def test_rendering_the_same_chart_again_uses_the_cache() -> None:
    chart()
    hits = charts._render.cache_info().hits
    chart()
    assert charts._render.cache_info().hits == hits + 2


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("colour", charts.PALETTE)
def test_every_series_colour_stands_out_from_the_white_background(colour: str) -> None:
    contrast = (1.05) / (_luminance(colour) + 0.05)
    assert contrast >= 3  # WCAG 1.4.11, non-text contrast
