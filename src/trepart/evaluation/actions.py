"""Every write to effect studies goes through these ``do_*`` actions, audited.

Starting a study saves it with its settings and the software version and queues the background
job that estimates it (:mod:`trepart.evaluation.tasks`); the job records the panel and the
result through :func:`do_record_panel` and :func:`do_record_result`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext_noop

import trepart
from trepart.core import jobs
from trepart.core.audit import record
from trepart.evaluation.models import EffectStudy, StudyKind
from trepart.evaluation.specs import DidSettings, SynthSettings
from trepart.registry.models import Programme

Actor = AbstractBaseUser | AnonymousUser | None

#: the job kind of a study's estimate
JOB_KIND = "evaluation.study"


@transaction.atomic
def do_start_study(
    actor: Actor,
    *,
    programme: Programme,
    outcome: str,
    title: str,
    settings: DidSettings | SynthSettings,
) -> EffectStudy:
    """Save a new study and queue its estimate as a background job of ``actor``."""
    from trepart.evaluation.tasks import run_effect_study

    kind = StudyKind.DID if isinstance(settings, DidSettings) else StudyKind.SYNTH
    study = EffectStudy.objects.create(
        kind=kind,
        title=title,
        programme=programme,
        outcome=outcome,
        settings=settings.to_json(),
        software_version=trepart.__version__,
        created_by=actor if isinstance(actor, User) and actor.pk else None,
    )
    job = jobs.start(
        JOB_KIND,
        gettext_noop("Effect study: %(title)s"),
        run_effect_study,
        study.pk,
        user=actor,
        title_params={"title": title},
    )
    study.job = job
    study.save(update_fields=("job",))
    record(
        actor,
        "created",
        study,
        kind=kind,
        programme=programme.slug,
        outcome=outcome,
        settings=study.settings,
        software_version=study.software_version,
        job=job.pk,
    )
    return study


@transaction.atomic
def do_rerun_study(actor: Actor, study: EffectStudy) -> EffectStudy:
    """Start a new study with exactly the settings of ``study`` (with this software version)."""
    from trepart.evaluation.specs import did_from_json, synth_from_json

    settings = (
        did_from_json(study.settings)
        if study.kind == StudyKind.DID
        else synth_from_json(study.settings)
    )
    return do_start_study(
        actor,
        programme=study.programme,
        outcome=study.outcome,
        title=study.title,
        settings=settings,
    )


@transaction.atomic
def do_record_panel(study: EffectStudy, panel: dict[str, Any]) -> None:
    """Store the summary of the panel the study is estimated on (by the job)."""
    study.panel = panel
    study.save(update_fields=("panel",))
    record(None, "panel built", study, units=panel.get("units"), rows=panel.get("rows"))


@transaction.atomic
def do_record_result(study: EffectStudy, result: dict[str, Any]) -> None:
    """Store the estimate (by the job)."""
    study.result = result
    study.save(update_fields=("result",))
    record(None, "estimated", study, headline=result.get("headline", {}))
