"""What the study page and its PDF show, built from a study's stored settings and result.

One function builds the context for both, so the PDF holds exactly the page's numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from trepart import charts
from trepart.analysis import municipalities
from trepart.core.i18n import ui_language
from trepart.core.models import JobStatus
from trepart.evaluation import selectors
from trepart.evaluation.models import EffectStudy, StudyKind
from trepart.evaluation.specs import SettingsError, did_from_json, synth_from_json

COMPARISON_LABELS = {
    "never": _("never treated municipalities"),
    "notyet": _("not yet treated municipalities"),
}
METHOD_LABELS = {
    "dr": _("doubly robust"),
    "ipw": _("inverse probability weighting"),
    "reg": _("outcome regression"),
}
STATUS_LABELS = {
    JobStatus.QUEUED: _("queued"),
    JobStatus.RUNNING: _("running"),
    JobStatus.SUCCEEDED: _("finished"),
    JobStatus.FAILED: _("failed"),
}
#: the level below which a pre-test or placebo p-value counts as a warning sign
SIGNIFICANCE = 0.05

EVENT_CHART_ID = "event-study-caption"
SYNTH_CHART_ID = "synth-chart-caption"
GAPS_CHART_ID = "gaps-chart-caption"


@dataclass(frozen=True)
class Setting:
    label: str
    value: str


@dataclass(frozen=True)
class EffectUnit:
    """How an effect on the outcome is shown: its unit's name and the factor to get there."""

    label: str
    scale: float


def effect_unit(indicator_id: str) -> EffectUnit:
    """Effects on a percent are percentage points; on a share, percentage points too (×100)."""
    found = selectors.indicator(indicator_id)
    unit = found.unit if found is not None else ""
    if unit == "percent":
        return EffectUnit(gettext("percentage points"), 1.0)
    if unit == "share":
        return EffectUnit(gettext("percentage points"), 100.0)
    if unit == "nok":
        return EffectUnit(gettext("kroner"), 1.0)
    return EffectUnit(gettext("in the indicator's unit"), 1.0)


def outcome_name(indicator_id: str) -> str:
    found = selectors.indicator(indicator_id)
    return found.name(ui_language()) if found is not None else indicator_id


def in_sentence(name: str) -> str:
    """An indicator name inside a sentence: "Sick leave" → "sick leave", "AFP uptake" kept."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def status_of(study: EffectStudy) -> str:
    """queued, running, succeeded or failed (a study with a result has succeeded)."""
    if study.result:
        return JobStatus.SUCCEEDED
    if study.job is None:
        return JobStatus.FAILED
    return str(study.job.status)


def list_row(study: EffectStudy) -> dict[str, Any]:
    status = status_of(study)
    headline = study.result.get("headline", {}) if study.result else {}
    unit = effect_unit(study.outcome)
    att = headline.get("att")
    return {
        "study": study,
        "kind": StudyKind(study.kind).label,
        "outcome": outcome_name(study.outcome),
        "status": status,
        "status_label": STATUS_LABELS.get(JobStatus(status), status),
        "att": None if att is None else att * unit.scale,
        "unit": unit.label,
    }


def _scaled(row: dict[str, Any], scale: float) -> dict[str, Any]:
    scaled = dict(row)
    for name in ("att", "se", "ci_low", "ci_high", "gap"):
        if scaled.get(name) is not None:
            scaled[name] = scaled[name] * scale
    return scaled


def _names(indicator_ids: tuple[str, ...]) -> str:
    return ", ".join(outcome_name(i) for i in indicator_ids) or gettext("none")


def _settings_rows(study: EffectStudy) -> list[Setting]:
    rows = [
        Setting(gettext("Method"), str(StudyKind(study.kind).label)),
        Setting(gettext("Programme"), study.programme.name),
        Setting(gettext("Outcome"), outcome_name(study.outcome)),
    ]
    yes, no = gettext("yes"), gettext("no")
    try:
        if study.kind == StudyKind.DID:
            did = did_from_json(study.settings)
            rows += [
                Setting(gettext("Cohorts"), ", ".join(did.cohort_names)),
                Setting(gettext("Comparison group"), str(COMPARISON_LABELS[did.comparison])),
                Setting(gettext("Estimator"), str(METHOD_LABELS[did.method])),
                Setting(gettext("Covariates"), _names(did.covariates)),
                Setting(gettext("Anticipation (years)"), str(did.anticipation)),
                Setting(
                    gettext("Standard errors"),
                    gettext("multiplier bootstrap, %(draws)s draws, seed %(seed)s")
                    % {"draws": did.bootstrap, "seed": did.seed}
                    if did.bootstrap
                    else gettext("analytic"),
                ),
                Setting(gettext("Confidence level"), f"{round((1 - did.alpha) * 100)} %"),
                Setting(gettext("Municipal structure"), did.structure_date.isoformat()),
                Setting(gettext("Years"), f"{did.years[0]}–{did.years[1]}"),
                Setting(
                    gettext("Members of other programmes left out"),
                    yes if did.exclude_other_programmes else no,
                ),
            ]
        else:
            chosen = synth_from_json(study.settings)
            rows += [
                Setting(
                    gettext("Municipality"),
                    f"{chosen.municipality} {chosen.municipality_name}".strip(),
                ),
                Setting(gettext("Treatment year"), str(chosen.treatment_year)),
                Setting(gettext("Predictors"), _names(chosen.predictors)),
                Setting(
                    gettext("Left out of the donor pool"),
                    ", ".join(chosen.donors_excluded) or gettext("none"),
                ),
                Setting(gettext("Placebo test"), yes if chosen.placebos else no),
                Setting(gettext("Municipal structure"), chosen.structure_date.isoformat()),
                Setting(gettext("Years"), f"{chosen.years[0]}–{chosen.years[1]}"),
                Setting(
                    gettext("Members of other programmes left out"),
                    yes if chosen.exclude_other_programmes else no,
                ),
            ]
    except SettingsError as error:
        rows.append(Setting(gettext("Settings"), str(error)))
    rows += [
        Setting(gettext("Software version"), f"Trepart {study.software_version}"),
        Setting(
            gettext("Started by"),
            study.created_by.get_username() if study.created_by else gettext("unknown"),
        ),
    ]
    return rows


def pretest_reading(p_value: float | None) -> str:
    """The parallel-trends pre-test in plain words."""
    if p_value is None:
        return gettext(
            "The pre-test could not be computed: there are no years before the programme to "
            "test, or too few."
        )
    if p_value < SIGNIFICANCE:
        return gettext(
            "Before the programme, the participants and the comparison group already developed "
            "differently (p = %(p)s, below 0.05). The estimate rests on the assumption that "
            "they would have developed alike without the programme; that assumption is "
            "doubtful here, so read the effect with care."
        ) % {"p": _p(p_value)}
    return gettext(
        "No sign that the participants and the comparison group developed differently before "
        "the programme (p = %(p)s, 0.05 or above). This supports the assumption that they "
        "would have developed alike without it, but cannot prove it."
    ) % {"p": _p(p_value)}


def placebo_reading(p_value: float | None, units: int) -> str:
    if p_value is None:
        return gettext("The placebo test was not run.")
    if p_value < 0.1:
        return gettext(
            "Few of the %(units)s municipalities compared show as large a break after the "
            "treatment year as this one (p = %(p)s): the gap is unlikely to be chance alone."
        ) % {"units": units, "p": _p(p_value)}
    return gettext(
        "Many of the %(units)s municipalities compared show as large a break after the "
        "treatment year as this one (p = %(p)s): the gap may well be chance."
    ) % {"units": units, "p": _p(p_value)}


def _p(value: float) -> str:
    return f"{value:.3f}" if ui_language() == "en" else f"{value:.3f}".replace(".", ",")


def _event_rows(result: dict[str, Any], scale: float) -> list[dict[str, Any]]:
    return [_scaled(row, scale) for row in result["aggregates"]["dynamic"].get("by", [])]


def _did_context(study: EffectStudy, unit: EffectUnit) -> dict[str, Any]:
    result = study.result
    scale = unit.scale
    aggregates = result["aggregates"]
    cells = [
        {**_scaled(cell, scale), "event": cell["time"] - cell["group"]} for cell in result["att_gt"]
    ]
    events = _event_rows(result, scale)
    before, after = gettext("Before the start"), gettext("After the start")
    points = [
        charts.EstimatePoint(
            x=int(row["e"]),
            series=before if row["e"] < 0 else after,
            estimate=row["att"],
            low=row.get("ci_low"),
            high=row.get("ci_high"),
        )
        for row in events
        if row.get("att") is not None
    ]
    chart = (
        charts.event_study(
            points,
            series_order=[before, after],
            x_title=gettext("Years since the start (event time)"),
            y_title=f"{gettext('Effect')} ({unit.label})",
            series_title=gettext("Period"),
            marker_label=gettext("Start"),
            label_id=EVENT_CHART_ID,
        )
        if points
        else None
    )
    simple = _scaled(aggregates["simple"]["overall"], scale)
    return {
        "cells": cells,
        "simple": simple,
        "dynamic": {
            "overall": _scaled(aggregates["dynamic"]["overall"], scale),
            "by": events,
        },
        "group": {
            "overall": _scaled(aggregates["group"]["overall"], scale),
            "by": [_scaled(row, scale) for row in aggregates["group"].get("by", [])],
        },
        "calendar": {
            "overall": _scaled(aggregates["calendar"]["overall"], scale),
            "by": [_scaled(row, scale) for row in aggregates["calendar"].get("by", [])],
        },
        "event_chart": chart,
        "pretest_p": result.get("pretest_p"),
        "pretest_reading": pretest_reading(result.get("pretest_p")),
        "se_type": result.get("se_type"),
        "notes": result.get("notes", []),
        "n_units": result.get("n_units"),
        "critical_value": result.get("critical_value"),
    }


def _synth_context(study: EffectStudy, unit: EffectUnit) -> dict[str, Any]:
    result = study.result
    chosen = synth_from_json(study.settings)
    klass = municipalities.load()
    names = {m.code: m.name for m in klass.municipalities_on(chosen.structure_date)}
    weights = sorted(
        (
            {"unit": code, "name": names.get(code, code), "weight": weight}
            for code, weight in result["weights"].items()
            if weight >= 0.0005
        ),
        key=lambda row: -row["weight"],
    )
    name = names.get(chosen.municipality, chosen.municipality)
    synthetic_label = gettext("Synthetic %(name)s") % {"name": name}
    effects = result["effects"]
    series_points = [
        charts.YearPoint(int(row["time"]), series, row[key])
        for row in effects
        for series, key in ((name, "treated"), (synthetic_label, "synthetic"))
    ]
    outcome = outcome_name(study.outcome)
    start = gettext("Start")
    marker = chosen.treatment_year - 0.5
    chart = charts.year_lines(
        series_points,
        series_order=[name, synthetic_label],
        x_title=gettext("Year"),
        y_title=outcome,
        series_title=gettext("Municipality"),
        marker_year=marker,
        marker_label=start,
        label_id=SYNTH_CHART_ID,
    )
    gap_label = gettext("Gap")
    gaps_chart = charts.year_lines(
        [
            charts.YearPoint(
                int(row["time"]), gap_label, None if row["gap"] is None else row["gap"] * unit.scale
            )
            for row in effects
        ],
        series_order=[gap_label],
        x_title=gettext("Year"),
        y_title=f"{gap_label} ({unit.label})",
        series_title=gettext("Series"),
        marker_year=marker,
        marker_label=start,
        label_id=GAPS_CHART_ID,
        zero_line=True,
    )
    placebo = result.get("placebo")
    predictors = [
        {**row, "name": _predictor_name(row["predictor"], row["variable"])}
        for row in result["predictors"]
    ]
    return {
        "municipality": chosen.municipality,
        "municipality_name": name,
        "treatment_year": chosen.treatment_year,
        "weights": weights,
        "predictors": predictors,
        "effects": [
            {**row, "gap": None if row["gap"] is None else row["gap"] * unit.scale}
            for row in effects
        ],
        "synth_chart": chart,
        "gaps_chart": gaps_chart,
        "synthetic_label": synthetic_label,
        "mean_post_gap": _times(result.get("mean_post_gap"), unit.scale),
        "rmspe_pre": result.get("rmspe_pre"),
        "rmspe_post": result.get("rmspe_post"),
        "ratio": result.get("ratio"),
        "placebo": placebo,
        "placebo_reading": placebo_reading(
            None if placebo is None else placebo["p_value"],
            0 if placebo is None else placebo["units_compared"],
        ),
    }


def _predictor_name(label: str, variable: str) -> str:
    name = outcome_name(variable)
    _variable, colon, period = label.rpartition(":")
    if colon:
        return f"{name}, {period}"
    return f"{name}, {gettext('mean before the start')}"


def _times(value: float | None, scale: float) -> float | None:
    return None if value is None else value * scale


def study_context(study: EffectStudy) -> dict[str, Any]:
    """Everything the study page and its PDF show."""
    unit = effect_unit(study.outcome)
    status = status_of(study)
    progress, message = (0.0, "") if study.job is None else study.job.live()
    context: dict[str, Any] = {
        "study": study,
        "kind": study.kind,
        "outcome_name": outcome_name(study.outcome),
        "outcome_in_sentence": in_sentence(outcome_name(study.outcome)),
        "unit": unit,
        "settings_rows": _settings_rows(study),
        "status": status,
        "status_label": STATUS_LABELS.get(JobStatus(status), status),
        "percent": round(progress * 100),
        "message": message,
        "finished": bool(study.result),
        "failed": status == JobStatus.FAILED,
        "errors": [] if study.job is None else study.job.errors,
        "panel": study.panel,
        "truth": None,
        "event_chart_id": EVENT_CHART_ID,
        "synth_chart_id": SYNTH_CHART_ID,
        "gaps_chart_id": GAPS_CHART_ID,
    }
    if study.result:
        if study.kind == StudyKind.DID:
            context["did"] = _did_context(study, unit)
            estimate = context["did"]["simple"]
        else:
            context["synth"] = _synth_context(study, unit)
            estimate = {"att": context["synth"]["mean_post_gap"]}
        truth = selectors.synthetic_truth(study)
        if truth is not None:
            low, high = estimate.get("ci_low"), estimate.get("ci_high")
            context["truth"] = {
                "effect": truth.effect * unit.scale,
                "unit": truth.unit,
                "onset": truth.onset,
                "inside": None
                if low is None or high is None
                else low <= truth.effect * unit.scale <= high,
                "difference": None
                if estimate.get("att") is None or not math.isfinite(estimate["att"])
                else estimate["att"] - truth.effect * unit.scale,
            }
    return context
