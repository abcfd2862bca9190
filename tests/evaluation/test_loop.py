"""The demo closes the loop: the estimated effect on sick leave recovers the injected one.

The demo panel adds −0.4 percentage points to the sick leave of every member of
Kvalitetskommuneprogrammet from the first full calendar year after it joined
(``trepart.analysis.demo_panel``). A study set up as the web's form sets it up by default must
find that effect within its 95 % confidence interval.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from trepart.analysis import demo_panel, municipalities
from trepart.analysis.effects import did
from trepart.analysis.effects.study import Participant, build_panel
from trepart.analysis.harmonise import PanelRow, harmonise
from trepart.analysis.indicators import CATALOGUE
from trepart.core.models import AuditEvent, JobStatus
from trepart.evaluation import actions
from trepart.evaluation.forms import DidForm
from trepart.evaluation.models import EffectStudy
from trepart.indicators.models import SyntheticTruth
from trepart.registry.models import Programme

TO = date(2024, 1, 1)
TRUE_EFFECT = -0.4


def test_did_recovers_the_injected_effect_from_a_generated_panel() -> None:
    """generate → harmonise to 2024 → build_panel → did, without the database."""
    klass = municipalities.load()
    rng = random.Random(5)
    joins = [date(2007, 3, 28), date(2007, 10, 17), date(2008, 6, 1), date(2009, 1, 13)]
    chosen = rng.sample(klass.municipalities_on(date(2007, 1, 1)), 120)
    participants = [demo_panel.Participant(m.code, joins[i % 4]) for i, m in enumerate(chosen)]
    generated = demo_panel.generate(participants)
    rows = [
        PanelRow(r.code, r.year, None, r.indicator_id, r.value)
        for r in generated.rows
        if r.indicator_id in ("sick_leave_pct", "contracted_workdays")
    ]
    harmonised = harmonise(rows, to_date=TO, indicators=CATALOGUE)
    panel = build_panel(
        harmonised.rows,
        outcome="sick_leave_pct",
        participants=[Participant(p.code, p.joined) for p in participants],
        to_date=TO,
        years=(2002, 2012),
    )
    # Mergers of members with non-members in 2020 and 2024 are left out, not mixed in.
    assert panel.excluded
    assert set(panel.cohort_sizes()) == {0, 2008, 2009, 2010}
    result = did.estimate(panel.frame, unit="unit", time="time", cohort="cohort", outcome="outcome")
    assert result.simple.ci_low <= TRUE_EFFECT <= result.simple.ci_high
    assert abs(result.simple.att - TRUE_EFFECT) < 0.15


def test_the_default_web_study_of_sick_leave_recovers_the_injected_effect(
    demo: None, immediate_tasks: None, analyst: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Kvalitetskommuneprogrammet, sick leave, the form's defaults, through the real job."""
    truth = SyntheticTruth.objects.get(indicator_id="sick_leave_pct")
    assert truth.effect == TRUE_EFFECT
    programme = Programme.objects.get(slug="kvalitetskommuneprogrammet")
    form = DidForm(programme=programme)
    data = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    data["structure_date"] = data["structure_date"].isoformat()
    bound = DidForm(data, programme=programme)
    assert bound.is_valid(), bound.errors
    settings = bound.settings()
    assert settings.years == (2002, 2012)
    assert settings.bootstrap == 999
    assert len(settings.cohorts) == 5

    with django_capture_on_commit_callbacks(execute=True):
        study = actions.do_start_study(
            analyst,
            programme=programme,
            outcome=bound.cleaned_data["outcome"],
            title=bound.title_or_default(),
            settings=settings,
        )
    study = EffectStudy.objects.get(pk=study.pk)
    assert study.job is not None
    assert study.job.status == JobStatus.SUCCEEDED, study.job.errors
    assert study.job.result_url == f"/effektstudier/{study.pk}/"
    headline = study.result["headline"]
    assert headline["ci_low"] <= TRUE_EFFECT <= headline["ci_high"]
    assert abs(headline["att"] - TRUE_EFFECT) < 0.15
    # Every setting and the software version are kept with the study, and it is audited.
    assert study.settings["seed"] == 2007
    assert study.settings["cohort_names"][0] == "Innsatskommuner sykefravær"
    assert study.software_version
    assert study.panel["units"] > 300
    assert {row["cohort"] for row in study.panel["cohort_sizes"]} == {0, 2007, 2008, 2009, 2010}
    actions_done = set(
        AuditEvent.objects.filter(object_type="evaluation.EffectStudy").values_list(
            "action", flat=True
        )
    )
    assert actions_done == {"created", "panel built", "estimated"}
