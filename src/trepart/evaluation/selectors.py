"""Reads for effect studies: the one place where participations and stored indicator values
become an estimation panel (:func:`trepart.analysis.effects.study.build_panel`).

Studies, like the indicators and the registry they are built from, are public statistics about
municipalities, so reading them needs no permission; starting one does (:data:`PERMISSION`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from trepart.analysis import municipalities, savings
from trepart.analysis.effects.study import Participant, StudyPanel, build_panel, treatment_year
from trepart.analysis.harmonise import PanelRow, Problem
from trepart.analysis.indicators import Indicator
from trepart.core.i18n import ui_language
from trepart.evaluation.models import EffectStudy
from trepart.evaluation.specs import DidSettings, SynthSettings
from trepart.indicators import selectors as indicator_selectors
from trepart.indicators.models import IndicatorValue, SyntheticTruth
from trepart.registry.models import Cohort, Participation, Programme

__all__ = [
    "PERMISSION",
    "BuiltPanel",
    "CohortChoice",
    "MemberChoice",
    "NoEffectForMunicipality",
    "ProgrammeMembers",
    "StudyEffect",
    "cohort_choices",
    "counterfactual_baseline",
    "did_panel",
    "effect_for",
    "finished_studies",
    "get_study",
    "indicator",
    "indicator_choices",
    "programme_members",
    "studies",
    "studies_for_municipality",
    "synth_panel",
    "synthetic_truth",
]

#: who may start an effect study
PERMISSION = "evaluation.add_effectstudy"


def studies() -> QuerySet[EffectStudy]:
    """Every study, newest first, with its programme and job."""
    return EffectStudy.objects.select_related("programme", "job", "created_by")


def get_study(pk: int) -> EffectStudy:
    study = studies().filter(pk=pk).first()
    if study is None:
        raise Http404("no such effect study")
    return study


def finished_studies(outcome: str | None = None) -> list[EffectStudy]:
    """Studies with a result (optionally on ``outcome``), newest first."""
    found = studies().exclude(result={})
    if outcome is not None:
        found = found.filter(outcome=outcome)
    return list(found)


def indicator(indicator_id: str) -> Indicator | None:
    return indicator_selectors.indicator_catalogue().get(indicator_id)


def indicator_choices() -> list[tuple[str, str]]:
    """Every annual indicator with stored values, as (id, name in the active language)."""
    language = ui_language()
    known = indicator_selectors.indicator_catalogue()
    stored = set(indicator_selectors.stored_indicator_ids())
    return [(i.id, i.name(language)) for i in known.values() if i.id in stored]


@dataclass(frozen=True)
class CohortChoice:
    pk: int
    name: str
    start_date: dt.date
    first_treated_year: int
    members: int


def cohort_choices(programme: Programme) -> list[CohortChoice]:
    """The programme's cohorts, with the year their members count as treated from."""
    return [
        CohortChoice(
            pk=cohort.pk,
            name=cohort.name,
            start_date=cohort.start_date,
            first_treated_year=treatment_year(cohort.start_date),
            members=cohort.participations.count(),
        )
        for cohort in Cohort.objects.filter(programme=programme).order_by("start_date", "name")
    ]


def _first_participations(programme: Programme) -> dict[str, Participation]:
    """Each municipality of the programme once: its first participation (earliest join)."""
    first: dict[str, Participation] = {}
    rows = Participation.objects.filter(cohort__programme=programme).select_related("cohort")
    for row in rows.order_by("joined", "cohort__start_date", "pk"):
        first.setdefault(row.municipality_code, row)
    return first


def _as_participant(row: Participation) -> Participant:
    return Participant(row.municipality_code, row.joined)


def _other_programme_members(programme: Programme) -> list[Participant]:
    rows = Participation.objects.exclude(cohort__programme=programme)
    return [_as_participant(row) for row in rows]


@dataclass(frozen=True)
class BuiltPanel:
    """A study's panel and the values harmonisation had to leave out (see harmonise)."""

    panel: StudyPanel
    problems: tuple[Problem, ...]


def _harmonised(
    ids: Sequence[str], structure_date: dt.date, years: tuple[int, int]
) -> tuple[Sequence[PanelRow], tuple[Problem, ...]]:
    found = indicator_selectors.panel(ids, structure_date=structure_date)
    problems = tuple(
        p for p in found.problems if years[0] <= p.year <= years[1] and p.quarter is None
    )
    return found.rows, problems


def did_panel(programme: Programme, outcome: str, chosen: DidSettings) -> BuiltPanel:
    """The estimation panel of a difference-in-differences study (StudyPanelError if empty)."""
    treated: list[Participant] = []
    exclude: list[Participant] = []
    wanted = set(chosen.cohorts)
    for row in _first_participations(programme).values():
        (treated if row.cohort_id in wanted else exclude).append(_as_participant(row))
    if chosen.exclude_other_programmes:
        exclude += _other_programme_members(programme)
    covariates = [c for c in chosen.covariates if c != outcome]
    return _built_panel(outcome, covariates, treated, exclude, chosen)


def synth_panel(programme: Programme, outcome: str, chosen: SynthSettings) -> BuiltPanel:
    """The panel of a synthetic-control study: every member of the programme is treated (so
    no member is a donor), the outcome and the predictors as covariates."""
    treated = [_as_participant(row) for row in _first_participations(programme).values()]
    exclude = _other_programme_members(programme) if chosen.exclude_other_programmes else []
    predictors = [p for p in chosen.predictors if p != outcome]
    return _built_panel(outcome, predictors, treated, exclude, chosen)


def _built_panel(
    outcome: str,
    covariates: list[str],
    treated: list[Participant],
    exclude: list[Participant],
    chosen: DidSettings | SynthSettings,
) -> BuiltPanel:
    """Harmonise the outcome and covariates to the study's structure and build its panel."""
    rows, problems = _harmonised([outcome, *covariates], chosen.structure_date, chosen.years)
    panel = build_panel(
        rows,
        outcome=outcome,
        participants=treated,
        to_date=chosen.structure_date,
        covariates=covariates,
        exclude=exclude,
        years=chosen.years,
    )
    return BuiltPanel(panel, problems)


@dataclass(frozen=True)
class MemberChoice:
    """A programme member in the structure of the study: its code there, name, treated year."""

    code: str
    name: str
    first_treated_year: int


@dataclass(frozen=True)
class ProgrammeMembers:
    members: tuple[MemberChoice, ...]
    #: members whose municipality later merged with other municipalities (no own series)
    merged: tuple[str, ...]


def programme_members(programme: Programme, structure_date: dt.date) -> ProgrammeMembers:
    """The members that are a unit of their own on ``structure_date``.

    As in :func:`build_panel`, a unit counts as treated when all the 2002 municipalities it is
    made of joined with the same treated year; a member that merged with non-members (or with
    members of other cohorts) has no series of its own and cannot be the treated unit of a
    synthetic control.
    """
    klass = municipalities.load()
    first = municipalities.FIRST_DATE
    treated_from: dict[str, int] = {}
    for row in _first_participations(programme).values():
        on = max(row.joined, first)
        try:
            atoms = klass.sources(row.municipality_code, to_date=on, from_date=first)
        except municipalities.MunicipalityError:
            continue
        onset = treatment_year(row.joined)
        for atom in atoms:
            treated_from[atom.code] = min(onset, treated_from.get(atom.code, onset))
    members: list[MemberChoice] = []
    merged: list[str] = []
    for unit in klass.municipalities_on(structure_date):
        atoms = klass.sources(unit.code, to_date=structure_date, from_date=first)
        onsets = {treated_from.get(atom.code, 0) for atom in atoms}
        if onsets == {0}:
            continue
        if len(onsets) > 1:
            merged.append(f"{unit.code} {unit.name}")
            continue
        members.append(MemberChoice(unit.code, unit.name, onsets.pop()))
    return ProgrammeMembers(tuple(members), tuple(merged))


@dataclass(frozen=True)
class Truth:
    """The true effect built into the synthetic demo data, to show beside an estimate."""

    effect: float
    unit: str
    onset: str


def synthetic_truth(study: EffectStudy) -> Truth | None:
    """The injected effect on the study's outcome when its values are the synthetic demo
    panel (and only then): the programme and indicator must match, and no real value of the
    outcome may be stored."""
    if IndicatorValue.objects.filter(indicator_id=study.outcome, is_synthetic=False).exists():
        return None
    truth = (
        SyntheticTruth.objects.filter(
            programme=study.programme.slug, indicator_id=study.outcome, batch__format="demo"
        )
        .order_by("-pk")
        .first()
    )
    if truth is None:
        return None
    return Truth(truth.effect, truth.unit, truth.onset)


class NoEffectForMunicipality(ValueError):
    """A study's effect does not apply to a municipality (or year): it says why."""


@dataclass(frozen=True)
class StudyEffect:
    """The effect a finished study estimated for one municipality, in the outcome's unit."""

    study_id: int
    outcome: str
    effect: float
    #: "group" (the municipality's cohort), "simple" (all participants) or "synth"
    source: str
    cohort: int | None
    label: str


def effect_for(study: EffectStudy, code: str, year: int, *, which: str = "group") -> StudyEffect:
    """The effect of ``study`` on municipality ``code`` (a code of the study's structure) in
    ``year``: for a difference-in-differences study the group ATT of the municipality's cohort
    (``which="group"``) or the overall ATT (``"simple"``); for a synthetic control of that
    municipality its mean gap after the start.

    Raises NoEffectForMunicipality when the study has no result, the municipality was not
    treated in it, or ``year`` lies before its first treated year.
    """
    if not study.result:
        raise NoEffectForMunicipality(f"effect study {study.pk} has no result yet")
    if study.result.get("kind") == "synth":
        municipality = str(study.settings.get("municipality", ""))
        start = int(study.settings.get("treatment_year", 0))
        if code != municipality:
            raise NoEffectForMunicipality(
                f"effect study {study.pk} is a synthetic control of {municipality}, not {code}"
            )
        if year < start:
            raise NoEffectForMunicipality(
                f"effect study {study.pk} estimates the effect from {start}, not in {year}"
            )
        gap = study.result.get("mean_post_gap")
        if gap is None:
            raise NoEffectForMunicipality(f"effect study {study.pk} has no mean gap")
        return StudyEffect(
            study.pk, study.outcome, float(gap), "synth", start, f"{study.title} (#{study.pk})"
        )
    treated: dict[str, int] = study.panel.get("treated", {})
    if code not in treated:
        raise NoEffectForMunicipality(
            f"{code} is not among the treated municipalities of effect study {study.pk} "
            f"({study.title}); its effect applies to them only"
        )
    cohort = int(treated[code])
    if year < cohort:
        raise NoEffectForMunicipality(
            f"{code} is treated from {cohort} in effect study {study.pk}, not yet in {year}"
        )
    aggregates = study.result["aggregates"]
    effect: float | None = None
    if which == "group":
        for row in aggregates["group"].get("by", []):
            if int(row["group"]) == cohort:
                effect = row["att"]
    elif which == "simple":
        effect = aggregates["simple"]["overall"]["att"]
    else:
        raise ValueError(f"unknown effect {which!r}: use 'group' or 'simple'")
    if effect is None:
        raise NoEffectForMunicipality(
            f"effect study {study.pk} has no estimate for the cohort {cohort} of {code}"
        )
    return StudyEffect(
        study.pk, study.outcome, float(effect), which, cohort, f"{study.title} (#{study.pk})"
    )


def studies_for_municipality(code: str) -> list[EffectStudy]:
    """Finished studies whose effect applies to ``code``: it was treated in a
    difference-in-differences study, or is the municipality of a synthetic control."""
    return [
        study
        for study in finished_studies()
        if (
            study.settings.get("municipality") == code
            if study.kind == "synth"
            else code in study.panel.get("treated", {})
        )
    ]


def counterfactual_baseline(
    study_id: int,
    *,
    code: str,
    name: str,
    year: int,
    observed: dict[str, float],
    which: str = "group",
    structure_date: dt.date,
) -> savings.Baseline:
    """The savings baseline "without the programme": the municipality's observed value of the
    study's outcome minus the effect the study estimated for it (:func:`effect_for`).

    Raises NoEffectForMunicipality when there is no such finished study, the study was
    estimated in another municipal structure, or its effect does not apply to ``code`` in
    ``year``; each message names what is missing.
    """
    study = studies().filter(pk=study_id).first()
    if study is None:
        raise NoEffectForMunicipality(f"there is no effect study {study_id}")
    studied_in = str(study.settings.get("structure_date", ""))
    if studied_in != structure_date.isoformat():
        raise NoEffectForMunicipality(
            f"effect study {study_id} was estimated in the municipal structure of {studied_in}, "
            f"not {structure_date.isoformat()}"
        )
    found = effect_for(study, code, year, which=which)
    if found.outcome not in observed:
        raise NoEffectForMunicipality(
            f"no value of {found.outcome} is stored for {code} {name} in {year}"
        )
    kind = {"group": "its cohort's effect", "simple": "the average effect", "synth": "its gap"}
    label = (
        f"{name} {year} without the programme: observed − {kind[found.source]} "
        f"{found.effect:+.3f} from effect study {found.label}"
    )
    return savings.Baseline.counterfactual(
        {found.outcome: observed[found.outcome]}, {found.outcome: found.effect}, label=label
    )
