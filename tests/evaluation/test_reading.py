"""Plain-language readings and the charts of the study page."""

from __future__ import annotations

import pytest
from django.utils import translation

from trepart import charts
from trepart.evaluation.presentation import placebo_reading, pretest_reading


@pytest.mark.parametrize(
    ("p_value", "expected"),
    [
        (0.01, "already developed differently (p = 0.010, below 0.05)"),
        (0.049, "assumption is doubtful here"),
        (0.05, "No sign that the participants and the comparison group developed differently"),
        (0.74, "(p = 0.740, 0.05 or above)"),
        (None, "could not be computed"),
    ],
)
def test_the_pretest_is_read_in_plain_words(p_value: float | None, expected: str) -> None:
    with translation.override("en"):
        assert expected in pretest_reading(p_value)


def test_the_placebo_p_value_is_read_in_plain_words() -> None:
    with translation.override("en"):
        assert "unlikely to be chance alone" in placebo_reading(0.02, 50)
        assert "may well be chance" in placebo_reading(0.54, 227)
        assert placebo_reading(None, 0) == "The placebo test was not run."


def _layers(spec: dict[str, object]) -> list[dict[str, object]]:
    layers = spec["layer"]
    assert isinstance(layers, list)
    return layers


def test_the_event_study_chart_has_intervals_a_zero_line_and_a_start_marker() -> None:
    points = [
        charts.EstimatePoint(-2, "before", 0.05, -0.1, 0.2),
        charts.EstimatePoint(-1, "before", -0.02, -0.2, 0.15),
        charts.EstimatePoint(0, "after", -0.4, -0.55, -0.25),
        charts.EstimatePoint(1, "after", -0.45, None, None),
    ]
    chart = charts.event_study(
        points,
        series_order=["before", "after"],
        x_title="Years since the start",
        y_title="Effect",
        series_title="Period",
        marker_label="Start",
        label_id="event-caption",
    )
    marks = [layer["mark"] for layer in _layers(chart.spec)]
    kinds = [mark["type"] if isinstance(mark, dict) else mark for mark in marks]
    assert kinds == ["rule", "rule", "rule", "point", "text"]
    zero, marker = _layers(chart.spec)[:2]
    assert zero["data"] == {"values": [{"y": 0}]}
    assert marker["data"]["values"][0]["x"] == -0.5  # type: ignore[index]
    assert chart.html.count('aria-labelledby="event-caption"') == 2  # wide and narrow
    assert "<svg" in chart.html


def test_the_year_lines_mark_the_treatment_year() -> None:
    points = [
        charts.YearPoint(year, series, value)
        for year in range(2005, 2011)
        for series, value in (("Lunner", 9.0 + year % 3), ("Synthetic Lunner", 9.5))
    ]
    chart = charts.year_lines(
        points,
        series_order=["Lunner", "Synthetic Lunner"],
        x_title="Year",
        y_title="Sick leave",
        series_title="Municipality",
        marker_year=2007.5,
        marker_label="Start",
        label_id="synth-caption",
        zero_line=True,
    )
    layers = _layers(chart.spec)
    assert layers[0]["data"] == {"values": [{"y": 0}]}
    assert layers[1]["data"]["values"][0]["x"] == 2007.5  # type: ignore[index]
    assert 'aria-labelledby="synth-caption"' in chart.html
