"""The estimation panel of an effect study: cohorts from participation, mixed units left out."""

from __future__ import annotations

import math
from datetime import date

import pytest

from trepart.analysis.effects.study import (
    Participant,
    StudyPanelError,
    build_panel,
    treatment_year,
)
from trepart.analysis.harmonise import PanelRow

TO = date(2024, 1, 1)


def _rows(codes: list[str], years: range, indicator: str = "sick_leave_pct") -> list[PanelRow]:
    return [
        PanelRow(code, year, None, indicator, 10.0 + i + (year - 2000) / 10)
        for i, code in enumerate(codes)
        for year in years
    ]


def test_treatment_year_is_the_first_full_calendar_year():
    assert treatment_year(date(2007, 3, 28)) == 2008
    assert treatment_year(date(2008, 1, 1)) == 2008
    assert treatment_year(date(2008, 12, 31)) == 2009


def test_cohorts_follow_the_participants_through_code_changes():
    # Lunner 0533 (2007) is 3234 in 2024; Bamble 0814 is 4012; Oslo 0301 never joined.
    rows = _rows(["3234", "4012", "0301"], range(2005, 2011))
    panel = build_panel(
        rows,
        outcome="sick_leave_pct",
        participants=[
            Participant("0533", date(2007, 3, 28)),
            Participant("0814", date(2008, 1, 1)),
        ],
        to_date=TO,
    )
    assert panel.cohorts == {"0301": 0, "3234": 2008, "4012": 2008}
    assert panel.cohort_sizes() == {0: 1, 2008: 2}
    assert list(panel.frame.columns) == ["unit", "time", "cohort", "outcome"]
    assert len(panel.frame) == 18
    lunner = panel.frame[panel.frame["unit"] == "3234"]
    assert lunner["time"].tolist() == list(range(2005, 2011))
    assert set(lunner["cohort"]) == {2008}
    assert panel.excluded == ()


def test_a_merger_of_a_participant_with_non_participants_is_left_out():
    # Kristiansand 4204 (2020) = Kristiansand 1001 + Songdalen 1017 + Søgne 1018.
    rows = _rows(["4204", "0301"], range(2005, 2011))
    panel = build_panel(
        rows,
        outcome="sick_leave_pct",
        participants=[Participant("1017", date(2007, 3, 28))],
        to_date=TO,
    )
    assert panel.cohorts == {"0301": 0}
    [excluded] = panel.excluded
    assert excluded.unit == "4204"
    assert "1017 treated from 2008" in excluded.reason
    assert "1001 never treated" in excluded.reason


def test_all_parts_joining_together_make_a_treated_unit():
    rows = _rows(["4204"], range(2005, 2011))
    joined = date(2009, 2, 1)
    panel = build_panel(
        rows,
        outcome="sick_leave_pct",
        participants=[Participant(code, joined) for code in ("1001", "1017", "1018")],
        to_date=TO,
    )
    assert panel.cohorts == {"4204": 2010}


def test_excluded_municipalities_are_no_controls_and_years_and_covariates_apply():
    rows = _rows(["3234", "4012", "0301"], range(2005, 2011))
    rows += [PanelRow("3234", 2006, None, "avg_fte_pct", 80.0)]
    panel = build_panel(
        rows,
        outcome="sick_leave_pct",
        participants=[Participant("0533", date(2007, 3, 28))],
        exclude=[Participant("0301", date(2011, 1, 1))],
        covariates=["avg_fte_pct"],
        years=(2006, 2007),
        to_date=TO,
    )
    assert panel.cohorts == {"3234": 2008, "4012": 0}
    assert [e.unit for e in panel.excluded] == ["0301"]
    frame = panel.frame
    assert sorted(set(frame["time"])) == [2006, 2007]
    lunner_2006 = frame[(frame["unit"] == "3234") & (frame["time"] == 2006)]
    assert lunner_2006["avg_fte_pct"].tolist() == [80.0]
    assert math.isnan(frame[(frame["unit"] == "4012")]["avg_fte_pct"].iloc[0])


def test_no_outcome_values_is_an_error():
    with pytest.raises(StudyPanelError, match="no municipality has a value of 'turnover_pct'"):
        build_panel(
            _rows(["0301"], range(2005, 2007)),
            outcome="turnover_pct",
            participants=[],
            to_date=TO,
        )


def test_a_member_from_before_2002_is_read_in_the_2002_structure_and_treated_early():
    # Modellkommuneforsøket started in 1999: its members' codes are those of 2002.
    rows = _rows(["3234", "0301"], range(2002, 2006))
    panel = build_panel(
        rows,
        outcome="sick_leave_pct",
        participants=[Participant("0533", date(1999, 1, 1))],
        to_date=TO,
    )
    assert panel.cohorts == {"0301": 0, "3234": 1999}
