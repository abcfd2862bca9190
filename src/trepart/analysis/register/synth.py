"""Synthetic HR-register extracts with a known programme effect (``trepart register synth``).

**Every record here is invented.** The generator writes the two tables of an HR-register
extract (``employments`` and ``absences``, see ``docs/register.md``) for a chosen number of
employees and years, so that the register pipeline can be tried, tested and benchmarked at
national scale, and so that the demo can go from register records to an effect estimate.
``docs/register-synth.md`` documents the model and the sources of its targets.

The model, in one paragraph: ``employees`` *positions* are spread over the municipalities
valid on 1 January of the first year (Oslo large, many small; each row gets the code valid on
its dates at the end, see ``_paths``). Each position is held by one
person at a time; every year each holder may leave (quit, AFP at 62–66, retirement,
disability, death, other) with age-dependent hazards, and the position is filled again after
a vacancy, by a new hire or by someone who quit another position that year (a job change,
often to another municipality). Some employees hold a second, smaller position at the same
time, in the same or another municipality. Sick-leave spells are a seasonal Poisson process
per person (self-certified: 1–8 days at 100 %; doctor-certified: days to a year, often graded),
scaled by the person's frailty, age and the municipality's level; a spell that would start
while the person is off sick at 100 % starts the day after (or is dropped), so only graded
leave overlaps further absence. The programme effect thins doctor-certified spells in
participating municipalities from the first full calendar year after joining, with a
probability chosen so that sick leave falls by the effect size.

Everything is drawn from one ``numpy`` generator seeded with ``seed``, in a fixed order, so
the same arguments give the same tables; the effect is applied last, with its own draws, so a
run with participants differs from one without only in the removed spells.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from trepart.analysis import municipalities
from trepart.analysis.demo_panel import DEFAULT_EFFECTS, ONSET, Participant, onset_year

__all__ = [
    "ABSENCE_SCHEMA",
    "EMPLOYMENT_SCHEMA",
    "END_REASONS",
    "SICK_LEAVE_EFFECT_PP",
    "Extract",
    "Progress",
    "SynthError",
    "check_folder",
    "generate",
    "write",
]

Format = Literal["parquet", "csv"]
# on_progress(stage, done, total): called as the work advances (stages: "employments",
# "absences", "writing").
Progress = Callable[[str, int, int], None]

END_REASONS: tuple[str, ...] = ("quit", "afp", "retirement", "disability", "death", "other")

EMPLOYMENT_SCHEMA = pa.schema(
    [
        ("employee_id", pa.string()),
        ("municipality", pa.string()),
        ("birth_date", pa.date32()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("fte_pct", pa.float64()),
        ("end_reason", pa.string()),
    ]
)
ABSENCE_SCHEMA = pa.schema(
    [
        ("employee_id", pa.string()),
        ("municipality", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("grade_pct", pa.float64()),
        ("certified_by", pa.string()),
    ]
)

# The demo programme's effect on sick leave (−0.4 percentage points), from the demo panel.
SICK_LEAVE_EFFECT_PP: float = next(
    e.effect for e in DEFAULT_EFFECTS if e.indicator_id == "sick_leave_pct"
)

# -- model parameters (docs/register-synth.md gives the sources of the targets) -----------

# Municipal-sector sick leave: about 10 % of contracted workdays, a fifth self-certified
# (SSB table 12441 / KS PAI). The rates below are calibrated so that the generated extract
# meets these levels; _DOCTOR_LEVEL_PCT is the doctor-certified level they give at a
# municipality factor of 1 (used to size the programme effect). These are drawn rates: 11 %
# of the self-certified spells would start during 100 % leave (most are dropped, some start
# later: _no_start_in_full_leave), which lowered the self-certified level by 9 % at the rates
# used before, 2.55 and 1.5 a year. Measured 2026-11-23 on 50,000 positions 2015–2024 (seeds
# 1, 2, 3 and 2007, no participants): 2.8 and 1.465 give 9.78–10.24 % in total (on average
# 0.015 pp above 2.55 and 1.5 without the rule), a self-certified share of 0.208 (the same)
# and 7.8–8.2 % doctor-certified.
_SELF_SPELLS_PER_YEAR = 2.8
_DOCTOR_SPELLS_PER_YEAR = 1.465
_DOCTOR_LEVEL_PCT = 8.0
# Of the lost workdays of a removed doctor-certified spell, the share sick leave loses: the
# rest lie under another spell of the same person (a day counts once, at the highest grade);
# since no spell starts during 100 % leave, only graded leave overlaps. Measured 2026-11-23
# with every municipality treated from 2007 (50,000 positions 2006–2009, seeds 1–4, against
# no participants): at 0.9 sick leave fell by 0.431 pp over 2007–2009 where 0.40 was aimed
# at (0.9 × 0.431 / 0.40 = 0.97); at 0.97 by 0.397 (0.392–0.404), and by 0 in 2006.
_UNOVERLAPPED_SHARE = 0.97
# Self-certified spells: 1–8 calendar days (the IA-agreement maximum), mostly 1–3.
_SELF_DAYS = np.arange(1, 9)
_SELF_DAYS_P = np.array([0.38, 0.24, 0.17, 0.08, 0.05, 0.03, 0.03, 0.02])
# Doctor-certified spells: lognormal calendar days (median 13), at most 364 (sickness
# benefit lasts at most a year); a quarter graded, longer spells more often.
_DOCTOR_MEDIAN_DAYS = 13.0
_DOCTOR_SIGMA = 1.15
_PARTIAL_GRADES = np.array([20.0, 40.0, 50.0, 60.0, 70.0, 80.0])
_PARTIAL_GRADES_P = np.array([0.08, 0.2, 0.37, 0.15, 0.05, 0.15])
# Relative intensity of new spells by month (January first): winter high (influenza and
# colds), July low (holidays); SSB's quarterly sick leave is highest in Q1, lowest in Q3.
_SEASON = np.array([1.28, 1.30, 1.14, 1.00, 0.93, 0.85, 0.55, 0.85, 1.00, 1.03, 1.05, 1.02])
_MONTH_DAYS = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_SEASON = _SEASON / (_SEASON @ _MONTH_DAYS / _MONTH_DAYS.sum())
# Sick-leave level differences: between municipalities (lognormal SD) and year to year.
_MUNICIPALITY_SD = 0.12
_MUNICIPALITY_YEAR_SD = 0.05

# Share of each size: Oslo and the largest cities get fixed shares of the positions (their
# rough share of municipal employees, KS PAI); the rest are lognormal around a median.
_LARGE_SHARES: Mapping[str, float] = {
    "0301": 0.085,  # Oslo
    "1201": 0.040,  # Bergen (code until 2019)
    "4601": 0.040,  # Bergen (2020–)
    "1601": 0.030,  # Trondheim (until 2017)
    "5001": 0.030,  # Trondheim (2018–)
    "1103": 0.022,  # Stavanger
    "0219": 0.020,  # Bærum (until 2019)
    "3024": 0.020,  # Bærum (2020–2023)
    "1001": 0.016,  # Kristiansand (until 2019)
    "4204": 0.016,  # Kristiansand (2020–)
}
_SIZE_SIGMA = 1.15

# Age of the employees on the first day (KS PAI: mean age about 44, few under 22 or over 67)
# and of new hires (younger: mean about 35).
_STOCK_AGE = (19.0, 51.0, 2.1, 1.75)  # low, span, beta a, beta b
_HIRE_AGE = (19.0, 45.0, 1.6, 3.0)

# Position percentages: about 40 % full-time (KS: heltidsandel), the rest part-time.
_FULLTIME_P = 0.40
_PART_TIME_FTE = np.array([15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95.0])
_PART_TIME_P = np.array(
    [0.02, 0.05, 0.03, 0.04, 0.03, 0.06, 0.03, 0.12, 0.04, 0.10, 0.05, 0.09, 0.11, 0.11, 0.05, 0.05,
     0.03]
)  # fmt: skip
_ODD_FTE_P = 0.08  # part-time percentages with decimals (46.67 %), as in real registers

# Annual exit hazards by age (on 1 January) and reason.
_QUIT_BY_AGE = ((30, 0.16), (50, 0.08), (200, 0.045))
_OTHER_EXIT = 0.025
_AFP_HAZARD = 0.19  # at 62–66 on 1 January
_EARLY_PENSION = 0.02  # retirement at 62–66 without AFP
_RETIREMENT_67 = 0.55
_LAST_AGE = 69  # public-sector age limit is 70: everyone 69 on 1 January leaves that year
_MOVE_P = 0.35  # a quitter under 58 who takes another municipal position (job change)
_VACANCY_DAYS = 40.0  # mean days a position stands empty
_SECOND_JOB_P = 0.10  # positions whose holder also takes a second, smaller one
_SECOND_JOB_ELSEWHERE_P = 0.4
_SECOND_JOB_DAYS = 700.0
_SECOND_FTE = np.array([10, 15, 20, 25, 30, 40.0])
_CHUNK = 100_000  # positions per batch of spell draws


class SynthError(ValueError):
    """Bad arguments to :func:`generate` (employees, years, participants or the effect)."""


@dataclass(frozen=True)
class Extract:
    """A generated extract: the two tables and the truth behind them (``truth.json``)."""

    employments: pa.Table
    absences: pa.Table
    truth: dict[str, Any]


# -- dates as day numbers ------------------------------------------------------------------

_Days = npt.NDArray[np.int64]


def _day(on: date) -> int:
    return int(np.datetime64(on, "D").astype(np.int64))


def _years_of(days: _Days) -> _Days:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _months_of(days: _Days) -> _Days:
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12


def _age_on(day: _Days | int, birth: _Days) -> _Days:
    """Approximate completed years (good enough for hazards; never used for a definition)."""
    return np.floor((np.asarray(day) - birth) / 365.2425).astype(np.int64)


# -- municipalities and participants ------------------------------------------------------


def _municipality_weights(codes: Sequence[str], rng: np.random.Generator) -> npt.NDArray[Any]:
    drawn = np.exp(rng.normal(0.0, _SIZE_SIGMA, len(codes)))
    fixed = np.array([_LARGE_SHARES.get(c, 0.0) for c in codes])
    free = fixed == 0
    weights = np.where(free, drawn, 0.0)
    weights = weights / weights.sum() * (1.0 - fixed.sum()) + fixed
    return np.asarray(weights / weights.sum())


def _treated(
    participants: Sequence[Participant], codes: Sequence[str], first: date
) -> dict[str, tuple[int, list[Participant]]]:
    """Return data code → (first treated year, its participants) for every participant."""
    klass = municipalities.load()
    known = set(codes)
    treated: dict[str, tuple[int, list[Participant]]] = {}
    for participant in participants:
        on = max(participant.joined, municipalities.FIRST_DATE)
        try:
            reached = klass.translate(participant.code, on, first).codes
        except municipalities.MunicipalityError as error:
            raise SynthError(f"participant {participant.code} joined {on}: {error}") from None
        start = onset_year(participant.joined)
        for code in reached:
            if code not in known:
                continue
            year, members = treated.get(code, (start, []))
            treated[code] = (min(year, start), [*members, participant])
    return treated


# -- employments ---------------------------------------------------------------------------


def _draw_fte(rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
    part = rng.choice(_PART_TIME_FTE, size=n, p=_PART_TIME_P / _PART_TIME_P.sum())
    odd = np.round(rng.uniform(20.0, 95.0, n), 2)
    part = np.where(rng.random(n) < _ODD_FTE_P, odd, part)
    return np.where(rng.random(n) < _FULLTIME_P, 100.0, part)


def _draw_ages(rng: np.random.Generator, n: int, shape: tuple[float, ...]) -> npt.NDArray[Any]:
    low, span, a, b = shape
    return low + span * rng.beta(a, b, n)


class _Rows:
    """Employment rows in batches: person, municipality, start, end (−1: ongoing), fte and
    reason (an index into END_REASONS, −1: none)."""

    def __init__(self) -> None:
        self.columns: list[list[npt.NDArray[Any]]] = [[] for _ in range(6)]

    def add(self, *columns: npt.NDArray[Any]) -> None:
        for target, column in zip(self.columns, columns, strict=True):
            target.append(column)

    def arrays(self) -> tuple[npt.NDArray[Any], ...]:
        return tuple(np.concatenate(c) for c in self.columns)


def _hazards(age: _Days) -> npt.NDArray[np.float64]:
    """Annual exit hazards, one column per reason of END_REASONS."""
    quit_ = np.select([age < limit for limit, _ in _QUIT_BY_AGE], [h for _, h in _QUIT_BY_AGE], 0.0)
    early = (age >= 62) & (age <= 66)
    afp = np.where(early, _AFP_HAZARD, 0.0)
    retirement = np.where(age >= 67, _RETIREMENT_67, np.where(early, _EARLY_PENSION, 0.0))
    disability = np.minimum(0.003 * np.exp(0.08 * (age - 45)), 0.03)
    death = 0.0004 * np.exp(0.09 * (age - 45))
    other = np.full(age.shape, _OTHER_EXIT)
    return np.column_stack([quit_, afp, retirement, disability, death, other])


def _employments(
    rng: np.random.Generator,
    employees: int,
    weights: npt.NDArray[Any],
    first_year: int,
    last_year: int,
    on_progress: Progress | None,
) -> tuple[tuple[npt.NDArray[Any], ...], npt.NDArray[np.int64], int, npt.NDArray[np.int64]]:
    """Simulate the positions year by year; return the rows, each person's birth day, how
    many rows are primary positions, and the primary row each second job belongs to."""
    window_start = _day(date(first_year, 1, 1))
    window_end = _day(date(last_year, 12, 31))
    n = employees
    seat_municipality = rng.choice(len(weights), size=n, p=weights)
    ages = _draw_ages(rng, n, _STOCK_AGE)
    births = [window_start - np.round(ages * 365.2425).astype(np.int64)]
    people = n
    seat_person = np.arange(n, dtype=np.int64)
    seat_start = np.full(n, window_start, dtype=np.int64)
    seat_fte = _draw_fte(rng, n)
    alive = np.ones(n, dtype=bool)
    rows = _Rows()
    quit_, other = END_REASONS.index("quit"), END_REASONS.index("other")
    years = range(first_year, last_year + 1)
    for done, year in enumerate(years):
        year_start, year_end = _day(date(year, 1, 1)), _day(date(year, 12, 31))
        seats = np.flatnonzero(alive & (seat_start < year_start))
        person = seat_person[seats]
        birth = np.concatenate(births)[person]
        age = _age_on(year_start, birth)
        hazards = _hazards(age)
        total = hazards.sum(axis=1)
        leaves = (rng.random(len(seats)) < -np.expm1(-total)) | (age >= _LAST_AGE)
        cumulative = np.cumsum(hazards, axis=1) / total[:, None]
        reason = (rng.random(len(seats))[:, None] > cumulative).sum(axis=1)
        reason = np.minimum(reason, len(END_REASONS) - 1)
        first_day = np.maximum(seat_start[seats] + 1, year_start)
        exit_day = first_day + (rng.random(len(seats)) * (year_end - first_day + 1)).astype(
            np.int64
        )
        # Nobody stays past the 70th birthday.
        last_day = birth + np.round(70 * 365.2425).astype(np.int64) - 1
        exit_day = np.where(
            age >= _LAST_AGE, np.maximum(np.minimum(exit_day, last_day), first_day), exit_day
        )
        gone = seats[leaves]
        exit_day, reason, age = exit_day[leaves], reason[leaves], age[leaves]
        rows.add(
            seat_person[gone],
            seat_municipality[gone],
            seat_start[gone],
            exit_day,
            seat_fte[gone],
            reason,
        )
        vacancy = exit_day + 1 + rng.exponential(_VACANCY_DAYS, len(gone)).astype(np.int64)
        # Job changes: some of those who quit take one of this year's vacancies (anywhere).
        moving = np.flatnonzero((reason == quit_) & (age < 58) & (rng.random(len(gone)) < _MOVE_P))
        open_seats = rng.permutation(len(gone))[: len(moving)]
        moving = moving[: len(open_seats)]
        new_person = np.full(len(gone), -1, dtype=np.int64)
        new_person[open_seats] = seat_person[gone[moving]]
        settle = exit_day[moving] + 1 + rng.integers(0, 30, len(moving))
        vacancy[open_seats] = np.maximum(vacancy[open_seats], settle)
        hires = np.flatnonzero(new_person < 0)
        new_person[hires] = np.arange(people, people + len(hires))
        hire_age = _draw_ages(rng, len(hires), _HIRE_AGE)
        births.append(vacancy[hires] - np.round(hire_age * 365.2425).astype(np.int64))
        people += len(hires)
        seat_person[gone] = new_person
        seat_start[gone] = vacancy
        seat_fte[gone] = _draw_fte(rng, len(gone))
        alive[gone] = vacancy <= window_end
        if on_progress is not None:
            on_progress("employments", done + 1, len(years))
    kept = np.flatnonzero(alive)
    rows.add(
        seat_person[kept],
        seat_municipality[kept],
        seat_start[kept],
        np.full(len(kept), -1, dtype=np.int64),
        seat_fte[kept],
        np.full(len(kept), -1, dtype=np.int64),
    )
    person, municipality, start, end, fte, reason = rows.arrays()
    primary = len(person)

    # Second jobs, at the same time as a primary position, here or in another municipality.
    stop = np.where(end < 0, window_end, end)
    takes = np.flatnonzero((rng.random(primary) < _SECOND_JOB_P) & (stop - start > 60))
    length = stop[takes] - start[takes]
    second_start = start[takes] + (rng.random(len(takes)) * 0.5 * length).astype(np.int64)
    second_stop = second_start + 30 + rng.exponential(_SECOND_JOB_DAYS, len(takes)).astype(np.int64)
    with_primary = second_stop >= stop[takes]
    second_end = np.where(with_primary, end[takes], second_stop)
    second_reason = np.where(with_primary, reason[takes], other)
    elsewhere = rng.random(len(takes)) < _SECOND_JOB_ELSEWHERE_P
    second_municipality = np.where(
        elsewhere, rng.choice(len(weights), size=len(takes), p=weights), municipality[takes]
    )
    second_fte = rng.choice(_SECOND_FTE, size=len(takes))
    table = (
        np.concatenate([person, person[takes]]),
        np.concatenate([municipality, second_municipality]),
        np.concatenate([start, second_start]),
        np.concatenate([end, second_end]),
        np.concatenate([fte, second_fte]),
        np.concatenate([reason, second_reason]),
    )
    return table, np.concatenate(births), primary, takes


# -- absences ------------------------------------------------------------------------------


def _spells(
    rng: np.random.Generator,
    employments: tuple[npt.NDArray[Any], ...],
    primary: int,
    attached: npt.NDArray[np.int64],
    birth: npt.NDArray[np.int64],
    levels: npt.NDArray[np.float64],
    year_levels: npt.NDArray[np.float64],
    first_year: int,
    window_end: int,
) -> tuple[npt.NDArray[Any], ...]:
    """Draw each person's spells over their primary positions, none starting during 100 %
    leave (:func:`_no_start_in_full_leave`); copy them to second jobs in other municipalities
    (``attached``: the primary row of each second job). Returns person, municipality, start,
    end, grade, doctor (bool), sorted by person but for the copies at the end."""
    person, municipality, start, end, _fte, _reason = (c[:primary] for c in employments)
    stop = np.where(end < 0, window_end, end)
    # Positions held on the first day draw spells from a year before it too, so that spells
    # running into the first year are there (they are cut at the first day below).
    window_start = int(start.min())
    start = np.where(start == window_start, start - 365, start)
    people = len(birth)
    doctor_frailty = rng.gamma(1.2, 1 / 1.2, people)
    self_frailty = 0.5 * doctor_frailty + 0.5 * rng.gamma(2.0, 0.5, people)
    middle_age = _age_on((start + stop) // 2, birth[person]).astype(np.float64)
    season_max = float(_SEASON.max())
    year_max = year_levels.max(axis=1)
    # Month and year index of every day from the earliest spell start on, by lookup.
    base = window_start - 365
    calendar = np.arange(base, window_end + 1)
    month_of = _months_of(calendar)
    year_index_of = np.clip(_years_of(calendar) - first_year, 0, year_levels.shape[1] - 1)
    scale = levels[municipality] * year_max[municipality] * season_max
    rates = (
        _SELF_SPELLS_PER_YEAR
        * self_frailty[person]
        * np.clip(1.3 - 0.012 * (middle_age - 20), 0.7, 1.4)
        * scale,
        _DOCTOR_SPELLS_PER_YEAR
        * doctor_frailty[person]
        * np.clip(0.7 + 0.012 * (middle_age - 20), 0.6, 1.3)
        * scale,
    )
    days = stop - start + 1
    self_cdf, grade_cdf = np.cumsum(_SELF_DAYS_P), np.cumsum(_PARTIAL_GRADES_P)
    parts = []
    # In chunks of positions, to keep the candidate arrays small.
    for chunk in range(0, len(person), _CHUNK):
        rows = np.arange(chunk, min(chunk + _CHUNK, len(person)))
        for doctor, rate in ((False, rates[0]), (True, rates[1])):
            count = rng.poisson(rate[rows] * days[rows] / 365.2425)
            row = np.repeat(rows, count)
            first = start[row] + (rng.random(len(row)) * days[row]).astype(np.int64)
            home = municipality[row]
            # Thinning makes the intensity seasonal and municipality-year specific.
            offset = first - base
            intensity = _SEASON[month_of[offset]] * year_levels[home, year_index_of[offset]]
            keep = rng.random(len(row)) * season_max * year_max[home] < intensity
            row, first, home = row[keep], first[keep], home[keep]
            if doctor:
                length = np.ceil(
                    rng.lognormal(math.log(_DOCTOR_MEDIAN_DAYS), _DOCTOR_SIGMA, len(row))
                )
                length = np.clip(length, 1, 364).astype(np.int64)
                graded = rng.random(len(row)) < np.where(length > 30, 0.4, 0.15)
                partial = _PARTIAL_GRADES[np.searchsorted(grade_cdf, rng.random(len(row)))]
                grade = np.where(graded, partial, 100.0)
            else:
                # Self-certified leave starts on a working day: a weekend start moves to Monday.
                weekday = (first + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
                first = first + np.where(weekday >= 5, 7 - weekday, 0)
                length = _SELF_DAYS[np.searchsorted(self_cdf, rng.random(len(row)))]
                grade = np.full(len(row), 100.0)
            last = np.minimum(first + length - 1, window_end)
            first = np.maximum(first, window_start)
            inside = (first <= window_end) & (last >= first)
            parts.append(
                (
                    person[row][inside].astype(np.int32),
                    home[inside].astype(np.int16),
                    first[inside].astype(np.int32),
                    last[inside].astype(np.int32),
                    grade[inside].astype(np.float32),
                    np.full(int(inside.sum()), doctor),
                )
            )
    spells = tuple(np.concatenate(c) for c in zip(*parts, strict=True))
    # No spell starts during 100 % leave. Before the copies below, so that a copy is the
    # primary spell cut to the second job (again on the codes of each row in generate()).
    spells = _no_start_in_full_leave(spells)

    # A person on sick leave is away from a second job in another municipality too.
    s_person = spells[0]
    order = np.argsort(s_person, kind="stable")
    sorted_person = s_person[order]
    second = primary + np.flatnonzero(employments[1][primary:] != employments[1][attached])
    holder = employments[0][second]
    low = np.searchsorted(sorted_person, holder, "left")
    counts = np.searchsorted(sorted_person, holder, "right") - low
    job = np.repeat(second, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    spell = order[np.repeat(low, counts) + offsets]
    job_start = employments[2][job]
    job_end = np.where(employments[3][job] < 0, window_end, employments[3][job])
    overlap = (spells[2][spell] <= job_end) & (spells[3][spell] >= job_start)
    job, spell = job[overlap], spell[overlap]
    copies = (
        s_person[spell],
        employments[1][job],
        np.maximum(spells[2][spell], job_start[overlap]),
        np.minimum(spells[3][spell], job_end[overlap]),
        spells[4][spell],
        spells[5][spell],
    )
    return tuple(
        np.concatenate([a, b.astype(a.dtype)]) for a, b in zip(spells, copies, strict=True)
    )


def _spell_order(
    person: npt.NDArray[Any],
    place: npt.NDArray[Any],
    start: npt.NDArray[Any],
    end: npt.NDArray[Any],
    full: npt.NDArray[np.bool_],
    doctor: npt.NDArray[np.bool_],
    day_bits: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The order of the rule in :func:`_no_start_in_full_leave`, and in that order each
    spell's person and municipality as a number times ``2 ** day_bits`` (increasing).

    By person, municipality and start; on the same day the longer spell first, then the 100 %
    one, then the doctor-certified one. Days are offsets below ``2 ** day_bits``.
    """
    last = int(end.max())
    place_bits = int(place.max()).bit_length()
    if int(person.max()).bit_length() + place_bits + 2 * day_bits + 2 > 62:
        order = np.lexsort((~doctor, ~full, last - end, start, place, person)).astype(np.int64)
        new_group = np.ones(len(order), dtype=bool)
        new_group[1:] = (np.diff(person[order]) != 0) | (np.diff(place[order]) != 0)
        return order, np.cumsum(new_group, dtype=np.int64) << day_bits
    # One int64 key, built in place: it sorts much faster than a lexsort (and in no time when
    # nearly sorted, as the second time in generate()).
    key = person.astype(np.int64)
    key <<= place_bits
    key |= place
    key <<= day_bits
    key |= start
    key <<= day_bits
    key |= last - end
    key <<= 2
    np.add(key, 2, out=key, where=~full)
    np.add(key, 1, out=key, where=~doctor)
    order = np.argsort(key, kind="stable").astype(np.int64)
    high = key[order]
    high >>= 2 * day_bits + 2
    high <<= day_bits
    return order, high


def _full_leave_starts(
    spells: tuple[npt.NDArray[Any], ...],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[Any], npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Apply the rule of :func:`_no_start_in_full_leave` to ``spells`` (person, municipality,
    start, end, grade, doctor, …).

    Returns :func:`_spell_order`, and in that order each spell's start under the rule, whether
    it is kept, and the places where the start has changed.
    """
    person, place, start, end, grade, doctor = spells[:6]
    # Days as offsets from the day before the first start (every day ≥ 1; 0: no leave).
    base = int(start.min()) - 1
    day_bits = (int(end.max()) - base).bit_length()
    full = grade >= 100
    order, high = _spell_order(person, place, start - base, end - base, full, doctor, day_bits)
    s, e, f = start[order], end[order], full[order]
    s -= base
    e -= base
    keep = np.ones(len(s), dtype=bool)
    changed: list[npt.NDArray[np.int64]] = []
    rows: npt.NDArray[np.int64] | None = None  # all; then the groups to order again
    while True:
        here = (high, s, e, f) if rows is None else (high[rows], s[rows], e[rows], f[rows])
        # The last day of 100 % leave so far in each group is the running maximum of high +
        # end over its 100 % spells, minus high. A spell starts during that leave when its
        # high + start is at most the maximum before it (never so against an earlier group,
        # whose high part is smaller by at least 2 ** day_bits).
        running = here[0].copy()
        np.add(running, here[2], out=running, where=here[3])
        np.maximum.accumulate(running, out=running)
        moved = np.flatnonzero(here[0][1:] + here[1][1:] <= running[:-1]) + 1
        day = running[moved - 1] - here[0][moved] + 1
        gone = day > here[2][moved]
        # A moved graded spell may now start on the same day as a longer 100 % spell that
        # came after it (nothing else changes order): those few groups go again.
        again = moved[~gone & ~here[3][moved]]
        if rows is not None:
            moved, again = rows[moved], rows[again]
        s[moved] = day
        keep[moved[gone]] = False
        changed.append(moved)
        if len(again) == 0:
            break
        redo = np.unique(high[again])
        low = np.searchsorted(high, redo, "left")
        counts = np.searchsorted(high, redo, "right") - low
        rows = np.repeat(low - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        rows = rows[keep[rows]]
        at = order[rows]
        again_order, _ = _spell_order(
            person[at], place[at], s[rows], e[rows], f[rows], doctor[at], day_bits
        )
        rows = rows[again_order]
    s += base
    return order, s, keep, np.concatenate(changed)


def _no_start_in_full_leave(spells: tuple[npt.NDArray[Any], ...]) -> tuple[npt.NDArray[Any], ...]:
    """Spells that begin while the person is off sick at 100 % start the day after instead.

    Per person and municipality (``spells``: person, municipality, start, end, grade, doctor,
    and any further columns, carried along): a spell does not start on a day covered by a
    spell at grade 100 that starts earlier, or on the same day and comes first in
    :func:`_spell_order` (longer, then 100 %, then doctor-certified). Taken in the order of
    their drawn starts, such a spell starts the day after the 100 % leave covering its start
    ends (the last day of the 100 % spells running into each other there), and is dropped if
    it ends by then. A person fully off sick does not self-certify or start another
    certificate; the overlaps left are graded leave with a further absence. The highest grade
    of every day stays the same, so lost workdays do not change.

    Returns the spells in :func:`_spell_order` (nearly: moved starts are not sorted again).
    """
    if len(spells[0]) == 0:
        return spells
    order, start, keep, _changed = _full_leave_starts(spells)
    order = order[keep]
    return tuple(
        start[keep].astype(column.dtype, copy=False) if index == 2 else column[order]
        for index, column in enumerate(spells)
    )


def _no_start_in_full_leave_again(
    spells: tuple[npt.NDArray[Any], ...],
) -> tuple[tuple[npt.NDArray[Any], ...], npt.NDArray[np.int64]]:
    """:func:`_no_start_in_full_leave` on spells that mostly follow it already, without
    moving them: returns the spells with the starts under the rule, and the rows to keep in
    the order of the rule (the caller takes them; this saves moving every column twice)."""
    if len(spells[0]) == 0:
        return spells, np.arange(0)
    order, start, keep, changed = _full_leave_starts(spells)
    starts = spells[2].copy()
    starts[order[changed]] = start[changed]
    return (*spells[:2], starts, *spells[3:]), order[keep]


# -- the programme effect ------------------------------------------------------------------


def _apply_effect(
    rng: np.random.Generator,
    spells: tuple[npt.NDArray[Any], ...],
    rows: npt.NDArray[np.int64],
    drawn: int,
    onset: npt.NDArray[np.int64],
    removal: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[Any], ...]:
    """Remove the part on or after its municipality's onset day of a random share of the
    doctor-certified spells (``removal`` per first-year municipality; ``onset`` −1 for
    untreated).

    ``spells`` are those of :func:`_reformed_spells`: the columns of the table, then the
    first-year municipality and the spell drawn (of ``drawn``) that each row comes from; of
    these, ``rows`` are returned (in that order) unless the effect removes them. The uniform
    draws are made for every spell drawn, treated or not, so that the rest of the extract does
    not depend on who participates; the pieces of a spell split at a reform share its draw.
    Returns the columns of the table.
    """
    person, code, start, end, grade, doctor, atom, origin = spells
    draw = rng.random(drawn)[origin]
    day = onset[atom]
    hit = doctor & (day >= 0) & (end >= day) & (draw < removal[atom])
    new_end = np.where(hit, day - 1, end)
    rows = rows[new_end[rows] >= start[rows]]
    return tuple(
        column[rows] for column in (person, code, start, new_end.astype(end.dtype), grade, doctor)
    )


# -- municipal reforms ---------------------------------------------------------------------

# Bounds of the first and last code segment of a path (day numbers far outside any extract).
_FOREVER = 10**9


@dataclass(frozen=True)
class _Paths:
    """Where each first-year municipality (an *atom*) goes at later reforms.

    A path is one sequence of codes, one per year; an atom that is split at a reform has one
    path per successor, each with a probability. Atom ``a`` has paths ``first_path[a]`` to
    ``first_path[a] + path_count[a] - 1``; ``cumulative`` holds atom + the running probability
    of its paths (the last one ends at ``a + 1``), so a uniform ``u`` picks path
    ``searchsorted(cumulative, a + u, "right")``. The paths are cut into segments of one code:
    ``segment[p, y]`` is the segment of path ``p`` in year index ``y``, which runs from day
    ``first[s]`` to day ``last[s]`` under code ``code[s]`` (an index into ``codes``).
    ``year_starts`` are the day numbers of 1 January of each year.
    """

    codes: list[str]
    first_path: npt.NDArray[np.int64]
    path_count: npt.NDArray[np.int64]
    cumulative: npt.NDArray[np.float64]
    segment: npt.NDArray[np.int64]
    first: npt.NDArray[np.int64]
    last: npt.NDArray[np.int64]
    code: npt.NDArray[np.int64]
    year_starts: npt.NDArray[np.int64]


def _back(atom: municipalities.Municipality, translation: municipalities.Translation) -> str | None:
    """The successor of a split code that an atom merged into it goes back to (same name)."""
    if len(translation.codes) == 1 or atom.code == translation.code:
        return None
    named = dict(zip(translation.names, translation.codes, strict=True))
    return named.get(atom.name)


def _paths(
    klass: municipalities.Klass,
    atoms: Sequence[municipalities.Municipality],
    weights: npt.NDArray[Any],
    first_year: int,
    last_year: int,
) -> _Paths:
    """Follow every atom through the reforms to ``last_year`` (Klass 131, 1 January each year).

    A renumbered or merged code has one successor. Of a split code, an atom that was merged
    into it and has the name of a successor goes back there (Haram: 1534 → 1507 Ålesund in
    2020 → 1580 Haram in 2024); the others go to the successors in proportion to their size:
    the generator's weight of the municipalities going whole into each and of the atoms going
    back to it (equal shares if there are none).
    """
    paths: list[tuple[int, float, list[str]]] = [
        (atom, 1.0, [municipality.code]) for atom, municipality in enumerate(atoms)
    ]
    for year in range(first_year + 1, last_year + 1):
        before, now = date(year - 1, 1, 1), date(year, 1, 1)
        reached = {
            code: klass.translate(code, before, now) for code in {path[-1] for *_, path in paths}
        }

        size: dict[str, float] = {}
        for atom, probability, path in paths:
            targets = reached[path[-1]].codes
            target = targets[0] if len(targets) == 1 else _back(atoms[atom], reached[path[-1]])
            if target is not None:
                size[target] = size.get(target, 0.0) + float(weights[atom]) * probability
        grown: list[tuple[int, float, list[str]]] = []
        for atom, probability, path in paths:
            targets = reached[path[-1]].codes
            target = targets[0] if len(targets) == 1 else _back(atoms[atom], reached[path[-1]])
            if target is not None:
                grown.append((atom, probability, [*path, target]))
                continue
            sizes = [size.get(c, 0.0) for c in targets]
            total = sum(sizes)
            shares = [s / total for s in sizes] if total > 0 else [1 / len(targets)] * len(targets)
            grown.extend(
                (atom, probability * share, [*path, c])
                for c, share in zip(targets, shares, strict=True)
                if share > 0
            )
        paths = grown
    codes = sorted({code for _, _, path in paths for code in path})
    index = {code: i for i, code in enumerate(codes)}
    atom_of = np.array([atom for atom, _, _ in paths], dtype=np.int64)
    first_path = np.searchsorted(atom_of, np.arange(len(atoms)), "left")
    path_count = np.searchsorted(atom_of, np.arange(len(atoms)), "right") - first_path
    running = np.cumsum([p for _, p, _ in paths])
    before_atom = np.where(first_path > 0, running[np.maximum(first_path - 1, 0)], 0.0)
    ends = (first_path + path_count - 1)[atom_of]
    within = (running - before_atom[atom_of]) / (running[ends] - before_atom[atom_of])
    cumulative = (atom_of + np.where(np.arange(len(paths)) == ends, 1.0, within)).astype(np.float64)
    years = last_year - first_year + 1
    segment = np.zeros((len(paths), years), dtype=np.int64)
    first: list[int] = []
    last: list[int] = []
    segment_code: list[int] = []
    for number, (_, _, path) in enumerate(paths):
        for year, name in enumerate(path):
            if year == 0 or name != path[year - 1]:
                first.append(_day(date(first_year + year, 1, 1)) if year else -_FOREVER)
                last.append(_FOREVER)
                if year:
                    last[-2] = first[-1] - 1
                segment_code.append(index[name])
            segment[number, year] = len(first) - 1
    year_starts = np.array([_day(date(y, 1, 1)) for y in range(first_year, last_year + 1)])
    return _Paths(
        codes,
        first_path.astype(np.int64),
        path_count.astype(np.int64),
        cumulative,
        segment,
        np.array(first, dtype=np.int64),
        np.array(last, dtype=np.int64),
        np.array(segment_code, dtype=np.int64),
        year_starts.astype(np.int64),
    )


def _pick(paths: _Paths, person: npt.NDArray[Any], atom: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """The path of rows in split atoms: a hash of (person, atom), so all rows of a person in
    one atom (employments and absences alike) go the same way, without using the generator."""
    key = (person.astype(np.uint64) << np.uint64(16)) | atom.astype(np.uint64)
    key = (key + np.uint64(0x9E3779B97F4A7C15)) * np.uint64(0xBF58476D1CE4E5B9)
    key = (key ^ (key >> np.uint64(31))) * np.uint64(0x94D049BB133111EB)
    key = key ^ (key >> np.uint64(29))
    uniform = (key >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    found = np.searchsorted(paths.cumulative, atom.astype(np.float64) + uniform, "right")
    return np.minimum(found, len(paths.cumulative) - 1).astype(np.int64)


def _cut(
    paths: _Paths,
    person: npt.NDArray[Any],
    atom: npt.NDArray[Any],
    start: npt.NDArray[Any],
    stop: npt.NDArray[Any],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[Any], tuple[npt.NDArray[Any], ...]]:
    """Cut rows (inclusive day ranges in an atom) at their path's code changes.

    Returns each row's code on its first day, the last day under that code (its ``stop``, or
    the day before the code changes), and the further pieces of the few rows that cross a
    change: row, code, start, stop.
    """
    path = paths.first_path[atom]
    split = np.flatnonzero(paths.path_count[atom] > 1)
    path[split] = _pick(paths, person[split], atom[split])
    # Year index of a day by lookup (days outside the years count as the first or last).
    base = int(paths.year_starts[0])
    days = np.arange(base, _day(date(int(_years_of(paths.year_starts[-1:])[0]), 12, 31)) + 1)
    year_of = np.searchsorted(paths.year_starts, days, "right") - 1
    first_year = year_of[np.clip(start - base, 0, len(days) - 1)]
    last_year = year_of[np.clip(stop - base, 0, len(days) - 1)]
    first_segment = paths.segment[path, first_year]
    count = paths.segment[path, last_year] - first_segment
    crossing = np.flatnonzero(count > 0)
    head_stop = stop.copy()
    head_stop[crossing] = paths.last[first_segment[crossing]]
    count = count[crossing]
    row = np.repeat(crossing, count)
    nth = 1 + np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
    segment = first_segment[row] + nth
    pieces = (
        row,
        paths.code[segment],
        paths.first[segment].astype(start.dtype),
        np.minimum(stop[row], paths.last[segment]).astype(stop.dtype),
    )
    return paths.code[first_segment], head_stop, pieces


def _reformed_employments(
    paths: _Paths, rows: tuple[npt.NDArray[Any], ...], window_end: int
) -> tuple[npt.NDArray[Any], ...]:
    """Employments under the code valid on their dates: one crossing a reform that changes
    its code ends on 31 December (no end reason: it is no exit) and goes on the next day under
    the new code, same person and position percentage."""
    person, atom, start, end, fte, reason = rows
    stop = np.where(end < 0, window_end, end)
    code, head_stop, (row, piece_code, piece_start, piece_stop) = _cut(
        paths, person, atom, start, stop
    )
    cut = head_stop < stop
    last = piece_stop == stop[row]
    return (
        np.concatenate([person, person[row]]),
        np.concatenate([code, piece_code]),
        np.concatenate([start, piece_start]),
        np.concatenate([np.where(cut, head_stop, end), np.where(last, end[row], piece_stop)]),
        np.concatenate([fte, fte[row]]),
        np.concatenate([np.where(cut, -1, reason), np.where(last, reason[row], -1)]),
    )


def _reformed_spells(
    paths: _Paths, spells: tuple[npt.NDArray[Any], ...]
) -> tuple[npt.NDArray[Any], ...]:
    """Absence spells under the code valid on their dates, split at a reform that changes it.

    Returns the columns of the table (person, code, start, end, grade, doctor), then each
    row's first-year municipality and the index of the spell it comes from (for the effect).
    """
    person, atom, start, end, grade, doctor = spells
    code, head_end, (row, piece_code, piece_start, piece_end) = _cut(
        paths, person, atom, start, end
    )
    return (
        np.concatenate([person, person[row]]),
        np.concatenate([code, piece_code]).astype(np.int16),
        np.concatenate([start, piece_start]),
        np.concatenate([head_end, piece_end]),
        np.concatenate([grade, grade[row]]),
        np.concatenate([doctor, doctor[row]]),
        np.concatenate([atom, atom[row]]).astype(np.int16),
        np.concatenate([np.arange(len(person)), row]).astype(np.int32),
    )


# -- tables --------------------------------------------------------------------------------


def _dates(days: npt.NDArray[np.int64], missing: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    values = pa.array(days.astype("datetime64[D]"), type=pa.date32())
    if missing is None or not missing.any():
        return values
    return pa.compute.if_else(pa.array(missing), pa.scalar(None, pa.date32()), values)


def _labels(names: Sequence[str], index: npt.NDArray[np.int64]) -> pa.Array:
    return pa.array(list(names), type=pa.string()).take(pa.array(index))


def _employment_table(
    rows: tuple[npt.NDArray[Any], ...],
    birth: npt.NDArray[np.int64],
    ids: pa.Array,
    codes: list[str],
) -> pa.Table:
    person, municipality, start, end, fte, reason = rows
    order = np.lexsort((municipality, start, person))
    person, municipality, start, end, fte, reason = (c[order] for c in rows)
    reasons = pa.array(list(END_REASONS), type=pa.string())
    has_reason = reason >= 0
    reason_column = pa.compute.if_else(
        pa.array(has_reason),
        reasons.take(pa.array(np.where(has_reason, reason, 0))),
        pa.scalar(None, pa.string()),
    )
    return pa.Table.from_arrays(
        [
            ids.take(pa.array(person)),
            _labels(codes, municipality),
            _dates(birth[person]),
            _dates(start),
            _dates(np.maximum(end, 0), end < 0),
            pa.array(fte, type=pa.float64()),
            reason_column,
        ],
        schema=EMPLOYMENT_SCHEMA,
    )


def _absence_table(
    spells: tuple[npt.NDArray[Any], ...], ids: pa.Array, codes: list[str]
) -> pa.Table:
    person, municipality, start, end, grade, doctor = spells
    # One int64 key (person, start day, municipality) sorts faster than a lexsort.
    first = int(start.min()) if len(start) else 0  # an extract may have no spells
    key = (person.astype(np.int64) << 32) | ((start.astype(np.int64) - first) << 12)
    order = np.argsort(key | municipality.astype(np.int64), kind="stable")
    person, municipality, start, end, grade, doctor = (c[order] for c in spells)
    return pa.Table.from_arrays(
        [
            ids.take(pa.array(person)),
            _labels(codes, municipality),
            _dates(start.astype(np.int64)),
            _dates(end.astype(np.int64)),
            pa.array(grade.astype(np.float64), type=pa.float64()),
            _labels(("self", "doctor"), doctor.astype(np.int64)),
        ],
        schema=ABSENCE_SCHEMA,
    )


# -- the entry points ----------------------------------------------------------------------


def generate(
    employees: int,
    first_year: int,
    last_year: int,
    *,
    seed: int = 2007,
    participants: Sequence[Participant] = (),
    effect_pp: float = SICK_LEAVE_EFFECT_PP,
    on_progress: Progress | None = None,
) -> Extract:
    """Return a synthetic extract of ``employees`` positions over ``first_year``–``last_year``.

    ``participants`` (codes valid on their join date) get the sick-leave effect ``effect_pp``
    (percentage points of contracted workdays, ≤ 0) from :func:`onset_year` of their join date,
    in the municipality their code has on 1 January ``first_year`` (and its employees under
    later codes). Every row carries the code valid on its dates. The same arguments give
    the same tables. Raises SynthError for a bad number, years outside the packaged
    municipality data, a positive or too large effect, or a participant code not valid on its
    join date.
    """
    if employees < 1:
        raise SynthError(f"the number of employees must be at least 1, not {employees}")
    first = date(first_year, 1, 1) if 1 <= first_year <= 9999 else None
    if first is None or first < municipalities.FIRST_DATE or last_year < first_year:
        raise SynthError(
            f"years {first_year}–{last_year}: the first year must be "
            f"{municipalities.FIRST_DATE.year} or later and not after the last"
        )
    if last_year > 9998:
        raise SynthError(f"the last year {last_year} is out of range")
    if not math.isfinite(effect_pp) or effect_pp > 0 or effect_pp < -_DOCTOR_LEVEL_PCT / 2:
        raise SynthError(
            f"the sick-leave effect must be between {-_DOCTOR_LEVEL_PCT / 2:g} and 0 "
            f"percentage points (the generator can only lower sick leave), not {effect_pp}"
        )
    klass = municipalities.load()
    codes = [m.code for m in klass.municipalities_on(first)]
    treated = _treated(participants, codes, first)

    rng = np.random.default_rng(seed)
    weights = _municipality_weights(codes, rng)
    years = last_year - first_year + 1
    levels = np.exp(rng.normal(0.0, _MUNICIPALITY_SD, len(codes)) - _MUNICIPALITY_SD**2 / 2)
    year_levels = np.exp(
        rng.normal(0.0, _MUNICIPALITY_YEAR_SD, (len(codes), years)) - _MUNICIPALITY_YEAR_SD**2 / 2
    )
    rows, birth, primary, attached = _employments(
        rng, employees, weights, first_year, last_year, on_progress
    )
    window_end = _day(date(last_year, 12, 31))
    spells = _spells(
        rng, rows, primary, attached, birth, levels, year_levels, first_year, window_end
    )
    if on_progress is not None:
        on_progress("absences", 1, 2)

    # Codes valid on the dates of each row: the simulation ran on the first year's codes.
    paths = _paths(klass, klass.municipalities_on(first), weights, first_year, last_year)
    rows = _reformed_employments(paths, rows, window_end)
    drawn = len(spells[0])
    # No spell starts during 100 % leave, again on the codes of each row: a second job's
    # spells are cut to its start, spells split at a reform, municipalities merged (71 spells
    # dropped in 50,000 positions over 2015–2024). Before the effect, so that an extract with
    # participants differs from one without only in the days the effect removes.
    spells, kept = _no_start_in_full_leave_again(_reformed_spells(paths, spells))

    onset = np.full(len(codes), -1, dtype=np.int64)
    removal = np.zeros(len(codes))
    position = {code: index for index, code in enumerate(codes)}
    for code, (year, _members) in treated.items():
        index = position[code]
        onset[index] = _day(date(year, 1, 1))
        expected = _DOCTOR_LEVEL_PCT * levels[index] * _UNOVERLAPPED_SHARE
        removal[index] = min(1.0, -effect_pp / expected)
    spells = _apply_effect(rng, spells, kept, drawn, onset, removal)
    if on_progress is not None:
        on_progress("absences", 2, 2)

    ids = pa.array([f"P{index:08d}" for index in range(len(birth))], type=pa.string())
    employment_table = _employment_table(rows, birth, ids, paths.codes)
    absence_table = _absence_table(spells, ids, paths.codes)
    truth = _truth(employees, first_year, last_year, seed, effect_pp, treated, removal, position)
    return Extract(employment_table, absence_table, truth)


def _truth(
    employees: int,
    first_year: int,
    last_year: int,
    seed: int,
    effect_pp: float,
    treated: Mapping[str, tuple[int, list[Participant]]],
    removal: npt.NDArray[np.float64],
    position: Mapping[str, int],
) -> dict[str, Any]:
    return {
        "description": (
            "SYNTHETIC HR-register extract — invented records, not real people. "
            f"{employees} positions, {first_year}–{last_year}, seed {seed}."
        ),
        "generator": "trepart.analysis.register.synth",
        "seed": seed,
        "employees": employees,
        "years": [first_year, last_year],
        "municipality_codes": (
            "valid on 1 January of each year of each row (Klass 131): an employment crossing a "
            "reform that changes its code ends on 31 December without an end reason and goes "
            "on under the new code; an absence spell is split at the reform"
        ),
        "treated_codes_valid_on": date(first_year, 1, 1).isoformat(),
        "effects": [
            {
                "indicator_id": "sick_leave_pct",
                "effect": effect_pp,
                "unit": "percentage points",
                "onset": ONSET,
                "mechanism": (
                    "a share of the doctor-certified spells of each treated municipality "
                    "loses its days from the onset on, the share sized so that the expected "
                    "fall in sick leave is the effect"
                ),
            }
        ],
        "treated": [
            {
                "municipality": code,
                "first_treated_year": year,
                "doctor_spell_share_removed": round(float(removal[position[code]]), 6),
                "participants": [{"code": p.code, "joined": p.joined.isoformat()} for p in members],
            }
            for code, (year, members) in sorted(treated.items())
        ],
    }


def check_folder(directory: Path, fmt: str) -> None:
    """Raise SynthError unless an extract in ``fmt`` can be written to ``directory``.

    The format must be ``parquet`` or ``csv``; ``directory`` must be a folder (or not exist
    yet) without a table in the other format, since the pipeline refuses a folder with a
    table in both formats.
    """
    if fmt not in ("parquet", "csv"):
        raise SynthError(f"unknown format {fmt!r}: use 'parquet' or 'csv'")
    if directory.exists() and not directory.is_dir():
        raise SynthError(f"{directory} exists and is not a folder")
    other = "csv" if fmt == "parquet" else "parquet"
    for name in ("employments", "absences"):
        path = directory / f"{name}.{other}"
        if path.exists():
            raise SynthError(
                f"{path} is in the way: the folder would hold a table in both formats "
                "(remove it or choose another folder)"
            )


def write(
    extract: Extract,
    directory: Path,
    fmt: Format = "parquet",
    on_progress: Progress | None = None,
) -> list[Path]:
    """Write ``employments``, ``absences`` (Parquet or CSV with a header) and ``truth.json``.

    Each file is written under a temporary name and renamed when complete, so an interrupted
    run leaves no half-written table behind; tables of the same format already there are
    replaced. Raises SynthError for an unknown format, or when the folder holds a table in the
    other format. Returns the paths written.
    """
    check_folder(directory, fmt)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    tables = (("employments", extract.employments), ("absences", extract.absences))
    for done, (name, table) in enumerate(tables):
        target = directory / f"{name}.{fmt}"
        temporary = directory / f".{name}.{fmt}.{os.getpid()}.part"
        try:
            if fmt == "parquet":
                pq.write_table(table, temporary)
            else:
                pa_csv.write_csv(table, temporary)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        written.append(target)
        if on_progress is not None:
            on_progress("writing", done + 1, len(tables) + 1)
    truth = directory / "truth.json"
    truth.write_text(json.dumps(extract.truth, indent=2, ensure_ascii=False) + "\n")
    written.append(truth)
    if on_progress is not None:
        on_progress("writing", len(tables) + 1, len(tables) + 1)
    return written
