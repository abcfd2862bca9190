"""The synthetic HR-register extract: realistic levels, determinism, and the injected effect.

The levels are checked with the independent pandas oracle (``oracle.py``) on a medium extract
(8,000 positions × 4 years); the targets and their sources are in docs/register-synth.md.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.analysis.register import oracle
from trepart.analysis import municipalities
from trepart.analysis.demo_panel import Participant
from trepart.analysis.register import synth

FIRST, LAST = 2006, 2009
# Four large municipalities joining in March 2006: treated from 2007 (first full year).
BIG = [Participant(code, date(2006, 3, 1)) for code in ("0301", "1201", "1601", "1103")]


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("medium")
    synth.write(synth.generate(8_000, FIRST, LAST, seed=11), directory)
    return directory


@pytest.fixture(scope="module")
def indicators(medium: Path) -> pd.DataFrame:
    return oracle.oracle_indicators(medium)


@pytest.fixture(scope="module")
def national(indicators: pd.DataFrame) -> pd.DataFrame:
    frame = indicators.assign(
        lost_self=indicators["sick_leave_self_pct"] * indicators["contracted_workdays"] / 100,
        leavers=indicators["turnover_pct"] * indicators["headcount"] / 100,
    )
    totals = frame.groupby("year")[
        ["contracted_workdays", "lost_workdays", "lost_self", "headcount", "leavers"]
    ].sum()
    totals["sick_leave_pct"] = 100 * totals["lost_workdays"] / totals["contracted_workdays"]
    totals["self_share"] = totals["lost_self"] / totals["lost_workdays"]
    totals["turnover_pct"] = 100 * totals["leavers"] / totals["headcount"]
    return totals


def test_sick_leave_is_about_ten_percent_and_a_fifth_self_certified(
    national: pd.DataFrame,
) -> None:
    assert national["sick_leave_pct"].between(8.5, 11.5).all(), national["sick_leave_pct"]
    assert national["self_share"].between(0.15, 0.25).all(), national["self_share"]


def test_sick_leave_is_higher_in_winter_than_in_summer(medium: Path) -> None:
    quarters = oracle.national_by_quarter(medium)["sick_leave_pct"].unstack()
    assert (quarters[1] > quarters[3] + 1.5).all(), quarters
    assert (quarters[1] == quarters.max(axis=1)).all(), quarters


def test_turnover_is_eight_to_twelve_percent(national: pd.DataFrame) -> None:
    turnover = national["turnover_pct"].loc[FIRST : LAST - 1]
    assert turnover.between(8.0, 12.0).all(), turnover


def test_spells_have_realistic_lengths_and_grades(medium: Path) -> None:
    absences = oracle.read_table(medium, "absences")
    days = (absences["end_date"] - absences["start_date"]).dt.days + 1
    self_made = absences["certified_by"] == "self"
    assert days[self_made].between(1, 8).all()
    assert (days[self_made] <= 3).mean() > 0.7
    assert (absences.loc[self_made, "grade_pct"] == 100).all()
    # Self-certified leave starts on a working day (but for copies cut at a second job's start).
    assert (absences.loc[self_made, "start_date"].dt.day_of_week < 5).mean() > 0.99
    doctor = ~self_made
    assert days[doctor].max() <= 364
    assert days[doctor].median() <= 21
    assert (days[doctor] > 60).mean() > 0.03
    partial = absences.loc[doctor, "grade_pct"] < 100
    assert 0.1 < partial.mean() < 0.4
    assert 50.0 in set(absences.loc[doctor, "grade_pct"])


def _starts_in_full_leave(absences: pd.DataFrame) -> pd.DataFrame:
    """Pairs of a spell and a 100 % spell of the same person and municipality where the spell
    starts on a day of the 100 % spell, which started earlier, or lies within the 100 % spell,
    which started the same day."""
    spells = absences.reset_index(drop=True).rename_axis("row").reset_index()
    full = spells[spells["grade_pct"] == 100]
    pairs = spells.merge(full, on=["employee_id", "municipality"], suffixes=("", "_full"))
    pairs = pairs[pairs["row"] != pairs["row_full"]]
    earlier = (pairs["start_date_full"] < pairs["start_date"]) & (
        pairs["start_date"] <= pairs["end_date_full"]
    )
    same_day = (pairs["start_date_full"] == pairs["start_date"]) & (
        pairs["end_date"] <= pairs["end_date_full"]
    )
    return pairs[earlier | same_day]


def _overlap_share(absences: pd.DataFrame) -> float:
    """The share of spells that share a day with another spell of the same person and
    municipality."""
    keys = ["employee_id", "municipality"]
    spells = absences.sort_values([*keys, "start_date"]).reset_index(drop=True)
    groups = [spells[key] for key in keys]
    ends_before = spells.groupby(keys)["end_date"].cummax().groupby(groups).shift()
    next_start = spells.groupby(keys)["start_date"].shift(-1)
    overlaps = (spells["start_date"] <= ends_before) | (spells["end_date"] >= next_start)
    return float(overlaps.mean())


@pytest.mark.parametrize("name", ["medium", "reform"])
def test_no_spell_starts_during_full_sick_leave(name: str, request: pytest.FixtureRequest) -> None:
    # A person off sick at 100 % does not self-certify or start another certificate: such a
    # spell starts the day after (or is dropped), per person and municipality, also for a
    # second job elsewhere and across the 2020 reform (the "reform" extract).
    absences = oracle.read_table(request.getfixturevalue(name), "absences")
    found = _starts_in_full_leave(absences)
    assert found.empty, found.head()
    # What overlaps is graded leave with a further absence: about 7 % of the spells (8,000
    # positions 2006–2009 and 20,000 positions 2018–2021, measured 2026-11-23; 25–26 % when
    # spells were drawn independently).
    share = _overlap_share(absences)
    assert 0.03 < share < 0.09, share


def test_positions_mix_full_and_part_time(indicators: pd.DataFrame, medium: Path) -> None:
    weights = indicators["headcount"]
    share = (indicators["fulltime_share"].fillna(0) * weights).sum() / weights.sum()
    assert 0.35 <= share <= 0.45
    employments = oracle.read_table(medium, "employments")
    part_time = employments["fte_pct"] < 100
    assert employments.loc[part_time, "fte_pct"].between(20, 80).mean() > 0.6
    assert employments["fte_pct"].gt(0).all() and employments["fte_pct"].le(100).all()


def test_ages_and_afp_exits(medium: Path) -> None:
    employments = oracle.read_table(medium, "employments")
    december = pd.Timestamp(LAST - 1, 12, 1)
    active = employments[
        (employments["start_date"] <= december)
        & (employments["end_date"].isna() | (employments["end_date"] >= december))
    ]
    age = (december - active["birth_date"]).dt.days / 365.2425
    assert age.min() >= 18 and age.max() < 70
    assert 40 <= age.mean() <= 48
    assert 0.05 <= ((age >= 62) & (age < 67)).mean() <= 0.12
    afp = employments[employments["end_reason"] == "afp"]
    assert len(afp) > 50
    january = pd.to_datetime(afp["end_date"].dt.year.astype(str) + "-01-01")
    age_on_january = (january - afp["birth_date"]).dt.days / 365.2425
    assert age_on_january.between(62, 67).all()
    reasons = set(employments["end_reason"].dropna())
    assert reasons == set(synth.END_REASONS)


def test_employees_hold_several_jobs_and_move(medium: Path) -> None:
    employments = oracle.read_table(medium, "employments")
    per_person = employments.groupby("employee_id")["municipality"].nunique()
    assert (per_person > 1).mean() > 0.03  # moved, or a second job elsewhere
    december = pd.Timestamp(FIRST + 1, 12, 1)
    active = employments[
        (employments["start_date"] <= december)
        & (employments["end_date"].isna() | (employments["end_date"] >= december))
    ]
    jobs = active.groupby("employee_id").agg(
        jobs=("municipality", "size"), places=("municipality", "nunique")
    )
    assert (jobs["jobs"] > 1).mean() > 0.02
    assert (jobs["places"] > 1).mean() > 0.005


def test_oslo_is_largest_and_most_municipalities_are_small(indicators: pd.DataFrame) -> None:
    year = indicators[indicators["year"] == FIRST + 1].set_index("municipality")["headcount"]
    assert year.idxmax() == "0301"
    assert year.median() < year.mean() / 2
    assert len(year) > 300


def test_the_tables_have_the_input_schema(medium: Path) -> None:
    employments = pq.read_table(medium / "employments.parquet")
    absences = pq.read_table(medium / "absences.parquet")
    assert employments.schema.equals(synth.EMPLOYMENT_SCHEMA)
    assert absences.schema.equals(synth.ABSENCE_SCHEMA)
    assert employments["end_date"].null_count > 0
    assert employments["birth_date"].null_count == 0
    first = pa.compute.min(absences["start_date"]).as_py()
    last = pa.compute.max(absences["end_date"]).as_py()
    assert first >= date(FIRST, 1, 1) and last <= date(LAST, 12, 31)
    assert pa.compute.min(employments["start_date"]).as_py() == date(FIRST, 1, 1)


def test_the_same_seed_gives_the_same_extract() -> None:
    one = synth.generate(500, 2010, 2012, seed=4)
    two = synth.generate(500, 2010, 2012, seed=4)
    other = synth.generate(500, 2010, 2012, seed=5)
    assert one.employments.equals(two.employments)
    assert one.absences.equals(two.absences)
    assert one.truth == two.truth
    assert not one.absences.equals(other.absences)


def test_an_extract_may_have_no_spells() -> None:
    extract = synth.generate(1, 2024, 2024, seed=2)  # one person, never off sick
    assert extract.absences.num_rows == 0
    assert extract.absences.schema.equals(synth.ABSENCE_SCHEMA)


def test_csv_gives_the_same_indicators_as_parquet(tmp_path: Path) -> None:
    extract = synth.generate(400, 2010, 2012, seed=8)
    synth.write(extract, tmp_path / "parquet")
    synth.write(extract, tmp_path / "csv", "csv")
    header = (tmp_path / "csv" / "employments.csv").read_text().splitlines()[0]
    assert header.replace('"', "") == ",".join(synth.EMPLOYMENT_SCHEMA.names)
    pd.testing.assert_frame_equal(
        oracle.oracle_indicators(tmp_path / "parquet"),
        oracle.oracle_indicators(tmp_path / "csv"),
        check_exact=False,
        rtol=1e-12,
    )


def test_write_refuses_a_folder_with_the_other_format(tmp_path: Path) -> None:
    extract = synth.generate(20, 2024, 2024, seed=1)
    synth.write(extract, tmp_path, "csv")
    with pytest.raises(synth.SynthError, match=r"employments\.csv is in the way"):
        synth.write(extract, tmp_path, "parquet")
    assert not (tmp_path / "absences.parquet").exists()
    with pytest.raises(synth.SynthError, match="unknown format"):
        synth.write(extract, tmp_path / "new", "xlsx")  # type: ignore[arg-type]
    assert not (tmp_path / "new").exists()
    synth.write(extract, tmp_path, "csv")  # the same format is replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "absences.csv",
        "employments.csv",
        "truth.json",
    ]


def test_the_effect_lowers_sick_leave_from_the_first_full_year(tmp_path: Path) -> None:
    # Same seed with and without participants: everything but the removed spells is equal.
    plain = synth.generate(8_000, FIRST, LAST, seed=21)
    treated = synth.generate(8_000, FIRST, LAST, seed=21, participants=BIG)
    assert plain.employments.equals(treated.employments)
    synth.write(plain, tmp_path / "plain")
    written = synth.write(treated, tmp_path / "treated")
    before = oracle.oracle_indicators(tmp_path / "plain").set_index(["municipality", "year"])
    after = oracle.oracle_indicators(tmp_path / "treated").set_index(["municipality", "year"])
    change = after["sick_leave_pct"] - before["sick_leave_pct"]
    codes = change.index.get_level_values("municipality").isin([p.code for p in BIG])
    years = change.index.get_level_values("year")
    # Untreated municipalities, and the treated ones before the onset: exactly unchanged.
    assert (change[~codes] == 0).all()
    assert (change[codes & (years == FIRST)] == 0).all()
    # Treated from 2007: about −0.4 pp, weighted by contracted workdays.
    weights = before.loc[codes & (years > FIRST), "contracted_workdays"]
    effect = np.average(change[codes & (years > FIRST)], weights=weights)
    assert -0.55 < effect < -0.25, effect
    assert (after["sick_leave_self_pct"] == before["sick_leave_self_pct"]).all()

    truth = json.loads(written[-1].read_text())
    assert truth["effects"][0]["effect"] == synth.SICK_LEAVE_EFFECT_PP == -0.4
    assert {t["municipality"]: t["first_treated_year"] for t in truth["treated"]} == {
        code: FIRST + 1 for code in ("0301", "1201", "1601", "1103")
    }


def test_participants_are_translated_to_the_codes_of_the_first_year() -> None:
    # Lunner 0533 (code valid in 2006) is 3234 on 1 January 2024.
    extract = synth.generate(50, 2024, 2024, participants=[Participant("0533", date(2006, 1, 1))])
    assert [t["municipality"] for t in extract.truth["treated"]] == ["3234"]
    assert extract.truth["treated"][0]["first_treated_year"] == 2006


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"employees": 0}, "at least 1"),
        ({"first_year": 1999}, "2002 or later"),
        ({"first_year": 2010, "last_year": 2009}, "not after the last"),
        ({"effect_pp": 0.5}, "can only lower"),
        ({"effect_pp": float("nan")}, "can only lower"),
        ({"participants": [Participant("0533", date(2021, 1, 1))]}, "0533"),
    ],
)
def test_bad_arguments_are_refused(arguments: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"employees": 10, "first_year": 2010, "last_year": 2011}
    values.update(arguments)
    with pytest.raises(synth.SynthError, match=message):
        synth.generate(**values)  # type: ignore[arg-type]


# -- municipal reforms: codes valid on the dates of each row ----------------------------------


@pytest.fixture(scope="module")
def reform(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 positions over 2018–2021: across the 2020 reform (mergers, renumberings, the
    splits of Tysfjord and Snillfjord)."""
    directory = tmp_path_factory.mktemp("reform")
    synth.write(synth.generate(20_000, 2018, 2021, seed=12), directory)
    return directory


def _invalid_codes(table: pd.DataFrame, last: int) -> set[tuple[str, int]]:
    klass = municipalities.load()
    years = table["start_date"].map(lambda d: d.year)
    ends = table["end_date"].map(lambda d: last if d is None or pd.isna(d) else d.year)
    pairs = {
        (code, year)
        for code, first, stop in zip(table["municipality"], years, ends, strict=True)
        for year in range(first, stop + 1)
    }
    invalid = set()
    for code, year in pairs:
        try:
            klass.municipality(code, date(year, 1, 1))
        except municipalities.MunicipalityError:
            invalid.add((code, year))
    return invalid


def test_every_row_has_the_code_valid_on_1_january_of_each_of_its_years(reform: Path) -> None:
    employments = pd.read_parquet(reform / "employments.parquet")
    absences = pd.read_parquet(reform / "absences.parquet")
    assert _invalid_codes(employments, 2021) == set()
    assert _invalid_codes(absences, 2021) == set()
    codes = set(employments["municipality"])
    # Songdalen (1017) merged into Kristiansand (4204); Tysfjord (1850) split between Narvik
    # (1806) and Hamarøy (1875); Bergen renumbered 1201 → 4601.
    assert {"1017", "4204", "1850", "1806", "1875", "1201", "4601"} <= codes
    # No spell runs across a reform that changes its code: 1017's spells end in 2019.
    assert (absences.loc[absences["municipality"] == "1017", "end_date"] < date(2020, 1, 1)).all()


def test_an_employment_crossing_a_reform_goes_on_seamlessly_under_the_new_code(
    reform: Path,
) -> None:
    employments = pd.read_parquet(reform / "employments.parquet")
    cut = employments[employments["end_date"].notna() & employments["end_reason"].isna()]
    # Only at a reform (31 December 2019; Rindal changed county on 1 January 2019), never an
    # exit: the same person goes on the next day, same position percentage, under the code
    # Klass 131 gives the municipality then.
    assert len(cut) > 1000
    assert set(cut["end_date"]) == {date(2018, 12, 31), date(2019, 12, 31)}
    klass = municipalities.load()
    following = cut.reset_index().merge(
        employments, on=["employee_id", "fte_pct"], suffixes=("", "_next")
    )
    following = following[
        following["start_date_next"] == following["end_date"] + pd.Timedelta(days=1)
    ]
    assert set(following["index"]) == set(cut.index)
    went: dict[str, set[str]] = {}
    for old, new, day in zip(
        following["municipality"],
        following["municipality_next"],
        following["start_date_next"],
        strict=True,
    ):
        reached = klass.translate(old, date(day.year - 1, 1, 1), day).codes
        assert new in reached and old not in reached
        went.setdefault(old, set()).add(new)
    assert went["1017"] == {"4204"}  # Songdalen merged into Kristiansand
    assert went["1201"] == {"4601"}  # Bergen renumbered
    assert went["1850"] <= {"1806", "1875"}  # Tysfjord split between Narvik and Hamarøy
    # Turnover across the reform is not inflated: 2019 (1 December 2019 → 2020) is like 2018.
    turnover = oracle.oracle_indicators(reform)
    frame = turnover.assign(leavers=turnover["turnover_pct"] * turnover["headcount"] / 100)
    totals = frame.groupby("year")[["leavers", "headcount"]].sum()
    rate = 100 * totals["leavers"] / totals["headcount"]
    assert 8 <= rate[2019] <= 12, rate
    assert abs(rate[2019] - rate[2018]) < 1.5, rate
