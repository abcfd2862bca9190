"""An independent, deliberately plain pandas implementation of the register indicators.

It follows the definitions of the issue (and ``docs/register.md``) step by step: absence spells
are exploded to one row per day, joined to the employments day by day, and every indicator is
a ``groupby`` of those rows. It shares no code with ``trepart.analysis.register``: Easter comes
from ``dateutil.easter``, the holidays are listed here again. It is slow and memory-hungry by
design (clarity over speed); the agreement tests and the benchmark compare the pipeline with it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from dateutil.easter import easter

OUTPUT_COLUMNS = (
    "municipality",
    "year",
    "contracted_workdays",
    "lost_workdays",
    "sick_leave_pct",
    "sick_leave_self_pct",
    "sick_leave_doctor_pct",
    "headcount",
    "fte_years",
    "fulltime_share",
    "avg_fte_pct",
    "turnover_pct",
    "afp_uptake_pct",
)

_DATES = {
    "employments": ("birth_date", "start_date", "end_date"),
    "absences": ("start_date", "end_date"),
}


def read_table(directory: Path, name: str) -> pd.DataFrame:
    """Read ``name``.parquet or ``name``.csv with plain string ids and day-precision dates."""
    parquet, csv = directory / f"{name}.parquet", directory / f"{name}.csv"
    if parquet.exists():
        frame = pd.read_parquet(parquet)
    else:
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        for column in ("fte_pct", "grade_pct"):
            if column in frame:
                frame[column] = frame[column].astype(float)
        for column in _DATES[name]:
            frame[column] = frame[column].replace("", None)
        if "end_reason" in frame:
            frame["end_reason"] = frame["end_reason"].replace("", None)
    for column in ("employee_id", "municipality"):
        frame[column] = frame[column].astype(str)
    for column in _DATES[name]:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
    return frame


def holidays(year: int) -> set[dt.date]:
    """Norwegian public holidays of ``year`` (the definition's list)."""
    sunday = easter(year)
    return {
        dt.date(year, 1, 1),
        sunday - dt.timedelta(days=3),  # Maundy Thursday
        sunday - dt.timedelta(days=2),  # Good Friday
        sunday + dt.timedelta(days=1),  # Easter Monday
        dt.date(year, 5, 1),
        dt.date(year, 5, 17),
        sunday + dt.timedelta(days=39),  # Ascension Day
        sunday + dt.timedelta(days=50),  # Whit Monday
        dt.date(year, 12, 25),
        dt.date(year, 12, 26),
    }


def workdays(first_year: int, last_year: int) -> pd.DatetimeIndex:
    """Every workday (Monday–Friday, not a holiday) of the years."""
    days = pd.date_range(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31), freq="D")
    free = {h for year in range(first_year, last_year + 1) for h in holidays(year)}
    keep = (days.day_of_week < 5) & ~days.isin(pd.DatetimeIndex(sorted(free)))
    return days[keep]


def _age_on(birth: pd.Series, on: dt.date) -> pd.Series:
    """Completed years on ``on`` (a birthday on ``on`` counts)."""
    before_birthday = (birth.dt.month > on.month) | (
        (birth.dt.month == on.month) & (birth.dt.day > on.day)
    )
    age: pd.Series = on.year - birth.dt.year - before_birthday.astype(int)
    return age


def _active_on(employments: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    day = pd.Timestamp(on)
    active = (employments["start_date"] <= day) & (
        employments["end_date"].isna() | (employments["end_date"] >= day)
    )
    return employments[active]


def _lost(
    employments: pd.DataFrame,
    absences: pd.DataFrame,
    workday_set: pd.DatetimeIndex,
    period: str = "year",
) -> pd.DataFrame:
    """Lost workdays per municipality and year (or quarter): total, self and doctor."""
    # One row per spell day: repeat each spell once per calendar day it covers.
    lengths = (absences["end_date"] - absences["start_date"]).dt.days + 1
    spells = absences.loc[absences.index.repeat(lengths.clip(lower=0))].copy()
    within = spells.groupby(level=0).cumcount()
    spells["day"] = spells["start_date"] + pd.to_timedelta(within, unit="D")
    spells = spells[spells["day"].isin(workday_set)]
    keys = ["employee_id", "municipality", "day"]
    parts = {}
    for name, subset in (
        ("lost_workdays", spells),
        ("lost_self", spells[spells["certified_by"] == "self"]),
        ("lost_doctor", spells[spells["certified_by"] == "doctor"]),
    ):
        highest = subset.groupby(keys, as_index=False)["grade_pct"].max()
        joined = highest.merge(
            employments[["employee_id", "municipality", "start_date", "end_date", "fte_pct"]],
            on=["employee_id", "municipality"],
        )
        inside = (joined["start_date"] <= joined["day"]) & (
            joined["end_date"].isna() | (joined["day"] <= joined["end_date"])
        )
        joined = joined[inside]
        joined = joined.assign(
            year=joined["day"].dt.year,
            quarter=joined["day"].dt.quarter,
            lost=joined["grade_pct"] / 100 * joined["fte_pct"] / 100,
        )
        by = ["municipality", "year"] if period == "year" else ["year", "quarter"]
        parts[name] = joined.groupby(by)["lost"].sum()
    return pd.DataFrame(parts)


def _contracted(
    employments: pd.DataFrame,
    first_year: int,
    last_year: int,
    workday_set: pd.DatetimeIndex,
    period: str = "year",
) -> pd.DataFrame:
    """Contracted workdays per (municipality, year): the rows that exist; or per quarter."""
    # Workdays up to and including each calendar day, to count any interval by subtraction.
    days = pd.date_range(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31), freq="D")
    cumulative = pd.Series(days.isin(workday_set).cumsum(), index=days)
    spans: list[tuple[Any, pd.Timestamp, pd.Timestamp]]
    if period == "year":
        spans = [
            (year, pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31))
            for year in range(first_year, last_year + 1)
        ]
    else:
        spans = [
            ((year, quarter), start, start + pd.offsets.QuarterEnd())
            for year in range(first_year, last_year + 1)
            for quarter, start in enumerate(pd.date_range(f"{year}-01-01", periods=4, freq="QS"), 1)
        ]
    end = employments["end_date"].fillna(pd.Timestamp(last_year, 12, 31))
    rows = []
    for label, span_start, span_end in spans:
        overlaps = (employments["start_date"] <= span_end) & (end >= span_start)
        part = employments[overlaps]
        first = part["start_date"].where(part["start_date"] >= span_start, span_start)
        last = end[overlaps].where(end[overlaps] <= span_end, span_end)
        counted = (
            cumulative.reindex(last).to_numpy()
            - cumulative.reindex(first - pd.Timedelta(days=1)).fillna(0).to_numpy()
        )
        rows.append(
            pd.DataFrame(
                {
                    "municipality": part["municipality"].to_numpy(),
                    "year": label if period == "year" else label[0],
                    "quarter": 0 if period == "year" else label[1],
                    "contracted_workdays": counted * part["fte_pct"].to_numpy() / 100,
                }
            )
        )
    frame = pd.concat(rows)
    keys = ["municipality", "year"] if period == "year" else ["year", "quarter"]
    return frame.groupby(keys)[["contracted_workdays"]].sum()


def national_by_quarter(directory: Path) -> pd.DataFrame:
    """Sick leave of all municipalities together per year and quarter (percent).

    Columns ``contracted_workdays``, ``lost_workdays`` and ``sick_leave_pct``, indexed by
    ``(year, quarter)``; the same day-by-day definitions as :func:`oracle_indicators`.
    """
    employments = read_table(directory, "employments")
    absences = read_table(directory, "absences")
    first_year, last_year = _years(employments, absences)
    workday_set = workdays(first_year, last_year)
    frame = _contracted(employments, first_year, last_year, workday_set, "quarter")
    frame = frame.join(_lost(employments, absences, workday_set, "quarter"), how="left")
    frame["lost_workdays"] = frame["lost_workdays"].fillna(0.0)
    frame["sick_leave_pct"] = 100 * frame["lost_workdays"] / frame["contracted_workdays"]
    return frame[["contracted_workdays", "lost_workdays", "sick_leave_pct"]]


def _years(employments: pd.DataFrame, absences: pd.DataFrame) -> tuple[int, int]:
    """The first and last year of the data (start and end dates of both tables)."""
    dates = pd.concat(
        [
            employments["start_date"],
            employments["end_date"],
            absences["start_date"],
            absences["end_date"],
        ]
    ).dropna()
    return int(dates.min().year), int(dates.max().year)


def _december(employments: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Headcount, FTE years, full-time share, average FTE % and turnover per municipality."""
    rows = []
    for year in range(first_year, last_year + 1):
        active = _active_on(employments, dt.date(year, 12, 1))
        people = active.groupby(["municipality", "employee_id"])["fte_pct"].sum().reset_index()
        if year < last_year:
            staying = set(_active_on(employments, dt.date(year + 1, 12, 1))["employee_id"])
            people["left"] = ~people["employee_id"].isin(staying)
        else:
            people["left"] = np.nan
        people["fulltime"] = people["fte_pct"] >= 100
        summary = people.groupby("municipality").agg(
            headcount=("employee_id", "count"),
            fte_sum=("fte_pct", "sum"),
            fulltime_share=("fulltime", "mean"),
            avg_fte_pct=("fte_pct", "mean"),
            leavers=("left", "sum"),
        )
        summary["fte_years"] = summary["fte_sum"] / 100
        if year < last_year:
            summary["turnover_pct"] = 100 * summary["leavers"] / summary["headcount"]
        else:
            summary["turnover_pct"] = np.nan
        summary["year"] = year
        rows.append(summary.reset_index())
    frame = pd.concat(rows)
    return frame.set_index(["municipality", "year"])[
        ["headcount", "fte_years", "fulltime_share", "avg_fte_pct", "turnover_pct"]
    ]


def _afp(employments: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    rows = []
    for year in range(first_year, last_year + 1):
        january = dt.date(year, 1, 1)
        active = _active_on(employments, january)
        age = _age_on(active["birth_date"], january)
        eligible = active[(age >= 62) & (age <= 66)]
        denominator = eligible.groupby("municipality")["employee_id"].nunique()
        ended = employments[
            (employments["end_date"].dt.year == year) & (employments["end_reason"] == "afp")
        ]
        numerator = ended.groupby("municipality")["employee_id"].nunique()
        frame = pd.DataFrame({"aged": denominator, "afp": numerator}).fillna(0)
        frame["year"] = year
        rows.append(frame.rename_axis("municipality").reset_index())
    frame = pd.concat(rows).set_index(["municipality", "year"])
    return frame


def oracle_indicators(directory: Path) -> pd.DataFrame:
    """Return the 13 indicator columns per municipality and year, sorted by both."""
    employments = read_table(directory, "employments")
    absences = read_table(directory, "absences")
    first_year, last_year = _years(employments, absences)
    workday_set = workdays(first_year, last_year)

    frame = _contracted(employments, first_year, last_year, workday_set)
    frame = frame.join(_lost(employments, absences, workday_set), how="left")
    frame = frame.join(_december(employments, first_year, last_year), how="left")
    frame = frame.join(_afp(employments, first_year, last_year), how="left")
    for column in ("lost_workdays", "lost_self", "lost_doctor", "fte_years", "aged", "afp"):
        frame[column] = frame[column].fillna(0.0)
    frame["headcount"] = frame["headcount"].fillna(0).astype("int64")

    def percent(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
        return (100 * numerator / denominator).where(denominator > 0)

    contracted = frame["contracted_workdays"]
    frame["sick_leave_pct"] = percent(frame["lost_workdays"], contracted)
    frame["sick_leave_self_pct"] = percent(frame["lost_self"], contracted)
    frame["sick_leave_doctor_pct"] = percent(frame["lost_doctor"], contracted)
    frame["afp_uptake_pct"] = percent(frame["afp"], frame["aged"])
    frame = frame.reset_index().sort_values(["municipality", "year"], ignore_index=True)
    frame["year"] = frame["year"].astype("int64")
    for column in OUTPUT_COLUMNS[2:]:
        if column != "headcount":
            frame[column] = frame[column].astype("float64")
    return frame[list(OUTPUT_COLUMNS)]


def differences(got: pd.DataFrame, expected: pd.DataFrame, limit: int = 20) -> list[str]:
    """Where ``got`` differs from ``expected`` (the oracle): rows, integers exactly, floats
    beyond 1e-9 (relative, or absolute near zero), nulls. Empty when they agree."""
    if list(got.columns) != list(OUTPUT_COLUMNS):
        return [f"columns {list(got.columns)}, expected {list(OUTPUT_COLUMNS)}"]
    keys = ["municipality", "year"]
    got_keys = list(zip(got["municipality"], got["year"], strict=True))
    expected_keys = list(zip(expected["municipality"], expected["year"], strict=True))
    if got_keys != expected_keys:
        extra = sorted(set(got_keys) - set(expected_keys))[:5]
        missing = sorted(set(expected_keys) - set(got_keys))[:5]
        return [f"rows differ: extra {extra}, missing {missing} (or another order)"]
    found: list[str] = []
    for column in OUTPUT_COLUMNS[1:]:
        mine = got[column].to_numpy(dtype="float64", na_value=np.nan)
        theirs = expected[column].to_numpy(dtype="float64", na_value=np.nan)
        if column in ("year", "headcount"):
            bad = ~((mine == theirs) | (np.isnan(mine) & np.isnan(theirs)))
        else:
            close = np.abs(mine - theirs) <= 1e-9 * np.maximum(1.0, np.abs(theirs))
            bad = ~(close | (np.isnan(mine) & np.isnan(theirs)))
        for index in np.flatnonzero(bad)[: max(0, limit - len(found))]:
            where = " ".join(str(expected[k].iloc[index]) for k in keys)
            found.append(f"{column} of {where}: expected {theirs[index]!r}, got {mine[index]!r}")
    return found
