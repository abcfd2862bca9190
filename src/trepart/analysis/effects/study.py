"""From indicator values and programme participation to an estimation panel.

An effect study compares municipalities that joined a programme with those that did not, on one
outcome indicator, in one municipal structure. :func:`build_panel` turns harmonised indicator
rows (every code already in the structure of ``to_date``, see :mod:`trepart.analysis.harmonise`)
and the participants into the long panel the estimators take — one row per unit and year with
the unit's *cohort* (the first treated year, 0 for never treated) — and says which units it left
out and why.

Treatment is decided on the *atoms* of a unit: the municipalities of the first Klass structure
(1 January 2002) that make up the unit on ``to_date``. A participant's code (valid on its join
date) is traced back to its atoms, which are treated from :func:`treatment_year` of the join
date. A unit of the target structure is

- **treated** from year *g* when every one of its atoms is treated from *g*,
- **never treated** (cohort 0) when none of its atoms is treated, and
- **left out** when its atoms disagree (a 2020 merger of a participant with a non-participant,
  or of participants of different cohorts): its values mix treated and untreated parts, so it
  belongs to neither group.

Municipalities named in ``exclude`` (for example participants of cohorts the study does not
compare, or of another programme) are left out altogether, so they never serve as controls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from trepart.analysis import municipalities
from trepart.analysis.harmonise import PanelRow

__all__ = [
    "Exclusion",
    "Participant",
    "StudyPanel",
    "StudyPanelError",
    "build_panel",
    "treatment_year",
]

#: columns of :attr:`StudyPanel.frame` before the covariates
PANEL_COLUMNS = ("unit", "time", "cohort", "outcome")


class StudyPanelError(ValueError):
    """The study cannot be set up: no outcome values, a bad code, a bad year range."""


@dataclass(frozen=True)
class Participant:
    """A municipality in the programme from ``joined`` on; ``code`` is valid on ``joined``
    (on 1 January 2002, the first structure Trepart knows, if it joined earlier)."""

    code: str
    joined: date


@dataclass(frozen=True)
class Exclusion:
    """A unit of the target structure left out of the panel, and why."""

    unit: str
    name: str
    reason: str
    # For a unit merged from parts treated differently: each part's code and its first treated
    # year (None: never treated), so that a page can say it in its own language.
    parts: tuple[tuple[str, int | None], ...] = ()


@dataclass(frozen=True)
class StudyPanel:
    """The long panel: ``frame`` has unit, time, cohort, outcome and one column per covariate.

    ``cohort`` is the first treated year (0 = never treated). ``units`` and ``cohorts`` give
    every unit kept and its cohort, also units without outcome values in some years.
    """

    to_date: date
    outcome: str
    covariates: tuple[str, ...]
    frame: pd.DataFrame
    cohorts: Mapping[str, int]
    excluded: tuple[Exclusion, ...]

    def cohort_sizes(self) -> dict[int, int]:
        """Units per cohort (0 = never treated), ascending by cohort."""
        sizes: dict[int, int] = {}
        for cohort in self.cohorts.values():
            sizes[cohort] = sizes.get(cohort, 0) + 1
        return dict(sorted(sizes.items()))


def treatment_year(joined: date) -> int:
    """The first calendar year a participant that joined on ``joined`` counts as treated.

    That is the first year lying wholly after joining: the year after ``joined``, or the year
    of ``joined`` itself when it joined on 1 January (2007-03-28 → 2008; 2008-01-01 → 2008).
    Annual indicators of the joining year mostly describe the time before the work began.
    """
    return joined.year if (joined.month, joined.day) == (1, 1) else joined.year + 1


def _code_date(participant: Participant) -> date:
    """The date whose structure the participant's code is read in: the join date, or the
    first Klass structure (2002) for a municipality that joined before it."""
    return max(participant.joined, municipalities.FIRST_DATE)


def _atoms(
    klass: municipalities.Klass, code: str, on: date, cache: dict[tuple[str, date], frozenset[str]]
) -> frozenset[str]:
    """The 2002 municipalities that ``code`` (valid on ``on``) consists of."""
    key = (code, on)
    if key not in cache:
        cache[key] = frozenset(
            m.code for m in klass.sources(code, to_date=on, from_date=municipalities.FIRST_DATE)
        )
    return cache[key]


def build_panel(
    rows: Iterable[PanelRow],
    *,
    outcome: str,
    participants: Sequence[Participant],
    to_date: date,
    covariates: Sequence[str] = (),
    exclude: Iterable[Participant] = (),
    years: tuple[int, int] | None = None,
    klass: municipalities.Klass | None = None,
) -> StudyPanel:
    """Return the estimation panel of ``outcome`` (see the module docstring).

    ``rows`` are harmonised to the structure of ``to_date`` (annual values; quarterly rows are
    ignored). ``exclude`` lists municipalities to leave out (with the date their code is valid
    on). ``years`` limits the panel to FROM–TO inclusive. Units without an outcome value in a
    year simply lack that row (an unbalanced panel); covariate values missing for a kept row
    are NaN. Raises StudyPanelError when no unit has a value of ``outcome``.
    """
    klass = klass or municipalities.load()
    cache: dict[tuple[str, date], frozenset[str]] = {}
    # each 2002 municipality's first treated year (a municipality listed twice counts from the
    # first time it joined)
    treated_from: dict[str, int] = {}
    for participant in participants:
        onset = treatment_year(participant.joined)
        for atom in _atoms(klass, participant.code, _code_date(participant), cache):
            treated_from[atom] = min(onset, treated_from.get(atom, onset))
    excluded_atoms: set[str] = set()
    for left_out in exclude:
        excluded_atoms |= _atoms(klass, left_out.code, _code_date(left_out), cache)

    wanted = (outcome, *covariates)
    values: dict[tuple[str, int], dict[str, float]] = {}
    for row in rows:
        if row.quarter is not None or row.indicator_id not in wanted:
            continue
        if years is not None and not years[0] <= row.year <= years[1]:
            continue
        values.setdefault((row.code, row.year), {})[row.indicator_id] = row.value
    units = sorted({code for (code, _), found in values.items() if outcome in found})
    if not units:
        raise StudyPanelError(f"no municipality has a value of {outcome!r}")

    names = {m.code: m.name for m in klass.municipalities_on(to_date)}
    cohorts: dict[str, int] = {}
    excluded: list[Exclusion] = []
    for unit in units:
        atoms = _atoms(klass, unit, to_date, cache)
        name = names.get(unit, unit)
        if atoms & excluded_atoms:
            excluded.append(Exclusion(unit, name, "excluded from the study"))
            continue
        onsets = {treated_from.get(atom, 0) for atom in atoms}
        if len(onsets) > 1:
            parts = ", ".join(
                f"{atom} treated from {treated_from[atom]}"
                if atom in treated_from
                else f"{atom} never treated"
                for atom in sorted(atoms)
            )
            treatment = tuple((atom, treated_from.get(atom)) for atom in sorted(atoms))
            excluded.append(
                Exclusion(unit, name, f"mixes parts with different treatment: {parts}", treatment)
            )
            continue
        cohorts[unit] = onsets.pop()

    records = [
        (
            unit,
            year,
            cohorts[unit],
            found[outcome],
            *(found.get(c, float("nan")) for c in covariates),
        )
        for (unit, year), found in sorted(values.items())
        if unit in cohorts and outcome in found
    ]
    frame = pd.DataFrame.from_records(records, columns=[*PANEL_COLUMNS, *covariates])
    frame = frame.astype({"unit": "string", "time": "int64", "cohort": "int64"})
    return StudyPanel(
        to_date=to_date,
        outcome=outcome,
        covariates=tuple(covariates),
        frame=frame,
        cohorts=cohorts,
        excluded=tuple(excluded),
    )
