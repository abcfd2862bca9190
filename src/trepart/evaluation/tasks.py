"""The background job that estimates an effect study, with progress its user can watch."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
from django.utils.translation import gettext_noop

from trepart.analysis.effects import did, synth
from trepart.analysis.effects.study import StudyPanelError
from trepart.core import jobs
from trepart.core.models import Job
from trepart.evaluation import actions, selectors
from trepart.evaluation.models import EffectStudy, StudyKind
from trepart.evaluation.specs import SettingsError, did_from_json, synth_from_json

#: shares of the progress bar: reading the panel, then the estimate
READ_SHARE = 0.15


@jobs.job_task
def run_effect_study(job: Job, study_id: int) -> None:
    """Build the study's panel from the store, estimate, and store the result on the study."""
    study = EffectStudy.objects.select_related("programme").get(pk=study_id)
    job.report(0.0, gettext_noop("Reading the indicator values"))
    try:
        run = _run_did if study.kind == StudyKind.DID else _run_synth
        result = run(job, study)
    except (StudyPanelError, SettingsError, did.DidInputError, synth.SynthError) as error:
        raise jobs.JobFailed(
            gettext_noop("The study could not be estimated: %(reason)s"),
            [{"file": "", "row": None, "column": "", "reason": str(error)}],
            reason=str(error),
        ) from None
    actions.do_record_result(study, result)
    jobs.succeed(
        job,
        {"study": study.pk, **result.get("headline", {})},
        message=gettext_noop("The effect study is estimated."),
        result_url=study.get_absolute_url(),
    )


def panel_summary(built: selectors.BuiltPanel) -> dict[str, Any]:
    """The panel as the study page shows it: sizes, years, and what was left out and why."""
    panel = built.panel
    frame = panel.frame
    return {
        "structure_date": panel.to_date.isoformat(),
        "outcome": panel.outcome,
        "covariates": list(panel.covariates),
        "units": len(panel.cohorts),
        "rows": len(frame),
        "years": [int(frame["time"].min()), int(frame["time"].max())] if len(frame) else [],
        "cohort_sizes": [
            {"cohort": cohort, "units": units} for cohort, units in panel.cohort_sizes().items()
        ],
        # each treated unit's first treated year (for savings against the study's effect)
        "treated": {unit: cohort for unit, cohort in sorted(panel.cohorts.items()) if cohort},
        "excluded": [
            {
                "unit": e.unit,
                "name": e.name,
                "reason": e.reason,
                "parts": [list(p) for p in e.parts],
            }
            for e in panel.excluded
        ],
        "harmonise_problems": len(built.problems),
        "harmonise_examples": [
            {"code": p.code, "year": p.year, "indicator": p.indicator_id, "reason": p.reason}
            for p in built.problems[:20]
        ],
    }


def _run_did(job: Job, study: EffectStudy) -> dict[str, Any]:
    chosen = did_from_json(study.settings)
    built = selectors.did_panel(study.programme, study.outcome, chosen)
    actions.do_record_panel(study, panel_summary(built))
    job.report(READ_SHARE, gettext_noop("Estimating the group-time effects"))

    def progress(done: int, total: int) -> None:
        share = done / total if total else 1.0
        job.report(
            READ_SHARE + (0.9 - READ_SHARE) * share,
            gettext_noop("Estimated %(done)s of %(total)s group-time effects"),
            done=done,
            total=total,
        )

    settings = did.DidSettings(
        control=chosen.comparison,
        method=chosen.method,
        anticipation=chosen.anticipation,
        bootstrap=chosen.bootstrap,
        seed=chosen.seed,
        alpha=chosen.alpha,
    )
    estimate = did.estimate(
        built.panel.frame,
        unit="unit",
        time="time",
        cohort="cohort",
        outcome="outcome",
        covariates=list(built.panel.covariates),
        settings=settings,
        progress=progress,
    )
    job.report(0.95, gettext_noop("Saving the result"))
    result: dict[str, Any] = {"kind": "did", **estimate.to_json()}
    simple = estimate.simple
    result["headline"] = {
        "att": _number(simple.att),
        "se": _number(simple.se),
        "ci_low": _number(simple.ci_low),
        "ci_high": _number(simple.ci_high),
        "pretest_p": _number(estimate.pretest_p),
    }
    return result


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def outcome_predictors(outcome: str, first_year: int, treatment_year: int) -> list[str]:
    """The outcome's own predictors: its mean over the whole pre-treatment period and its
    values in three years spread over it (the first, the middle and the last before the
    treatment), as Abadie, Diamond & Hainmueller match lagged outcomes."""
    last = treatment_year - 1
    years = sorted({first_year, (first_year + last) // 2, last})
    return [outcome, *(f"{outcome}:{year}" for year in years)]


def _complete_donors(
    frame: pd.DataFrame, columns: Sequence[str], pre_years: range
) -> tuple[pd.DataFrame, list[str]]:
    """Drop units lacking the outcome or a predictor in any pre-treatment year (a synthetic
    control needs every donor's whole pre-treatment series); return the units dropped."""
    pre = frame[frame["time"].isin(list(pre_years))]
    complete = pre.dropna(subset=list(columns)).groupby("unit")["time"].nunique()
    keep = set(complete[complete == len(pre_years)].index)
    dropped = sorted(set(frame["unit"]) - keep)
    return frame[frame["unit"].isin(keep)], dropped


def _run_synth(job: Job, study: EffectStudy) -> dict[str, Any]:
    chosen = synth_from_json(study.settings)
    built = selectors.synth_panel(study.programme, study.outcome, chosen)
    summary = panel_summary(built)
    frame = built.panel.frame
    treated = chosen.municipality
    if treated not in built.panel.cohorts:
        raise synth.SynthError(
            f"municipality {treated} is not in the panel (no values of {study.outcome}, or "
            "left out: see the units left out)"
        )
    # Donors: units never in the programme, less those the user left out.
    members = {u for u, cohort in built.panel.cohorts.items() if cohort != 0 and u != treated}
    left_out = set(chosen.donors_excluded)
    frame = frame[(frame["unit"] == treated) | ~frame["unit"].isin(members | left_out)]
    frame = frame.rename(columns={"outcome": study.outcome})
    columns = [study.outcome, *built.panel.covariates]
    pre_years = range(chosen.years[0], chosen.treatment_year)
    frame, incomplete = _complete_donors(frame, columns, pre_years)
    if treated in incomplete:
        raise synth.SynthError(
            f"municipality {treated} lacks values of {', '.join(columns)} in some year "
            f"{pre_years.start}–{pre_years.stop - 1}"
        )
    summary["synth"] = {
        "treated": treated,
        "programme_members_left_out": len(members),
        "donors_left_out": sorted(left_out),
        "donors_incomplete": incomplete,
        "donors": int(frame["unit"].nunique()) - 1,
    }
    actions.do_record_panel(study, summary)
    job.report(READ_SHARE, gettext_noop("Fitting the synthetic control"))
    predictors = [
        *outcome_predictors(study.outcome, chosen.years[0], chosen.treatment_year),
        *built.panel.covariates,
    ]
    data = synth.prepare(
        frame,
        unit="unit",
        time="time",
        outcome=study.outcome,
        treated=treated,
        treatment_time=chosen.treatment_year,
        predictors=predictors,
    )
    fitted = synth.synth(data)
    result: dict[str, Any] = {"kind": "synth", **fitted.to_dict()}
    if chosen.placebos:
        job.report(0.3, gettext_noop("Running the placebo test"))

        def progress(done: int, total: int) -> None:
            job.report(
                0.3 + 0.65 * (done / total if total else 1.0),
                gettext_noop("Placebo %(done)s of %(total)s"),
                done=done,
                total=total,
            )

        placebos = synth.placebo_test(data, fitted, progress=progress)
        result["placebo"] = placebos.to_dict()
    job.report(0.95, gettext_noop("Saving the result"))
    result["headline"] = {
        "att": _number(fitted.mean_post_gap),
        "rmspe_pre": _number(fitted.rmspe_pre),
        "p_value": result.get("placebo", {}).get("p_value"),
    }
    return result
