"""Comparison groupings: reading a grouping file, members in a structure, group averages.

The groupings here are made up for the tests (groups "A" and "B"); they are not SSB's KOSTRA
groups.
"""

from __future__ import annotations

from datetime import date

import pytest

from trepart.analysis import groups
from trepart.analysis.harmonise import PanelRow
from trepart.analysis.indicators import CATALOGUE

ON_2019 = date(2019, 1, 1)


def _grouping(members: dict[str, str], valid_on: date = ON_2019) -> groups.Grouping:
    return groups.Grouping("test", valid_on, "made up", members, {"A": "Group A"})


def test_a_plain_csv_is_read_with_group_names() -> None:
    text = "code,group,group_name\n1001,A,Group A\n1017,A,Group A\n1018,B,Group B\n"
    members, names = groups.parse_grouping_csv(text, file_name="g.csv", valid_on=ON_2019)
    assert members == {"1001": "A", "1017": "A", "1018": "B"}
    assert names == {"A": "Group A", "B": "Group B"}


def test_klass_csv_export_with_semicolons_is_read() -> None:
    text = (
        '"sourceCode";"sourceName";"targetCode";"targetName"\n'
        '"0301";"Oslo";"EKG13";"Test group 13"\n'
        '"3234";"Lunner";"EKG01";"Test group 1"\n'
    )
    members, names = groups.parse_grouping_csv(text, file_name="k.csv", valid_on=date(2024, 1, 1))
    assert members == {"0301": "EKG13", "3234": "EKG01"}
    assert names["EKG01"] == "Test group 1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,group\n1001,A\n1001,B\n", "g.csv: row 3, column code: 1001 is listed twice"),
        ("code,group\n0000,A\n", "g.csv: row 2, column code:"),
        ("code,group\n1001,\n", "g.csv: row 2, column group: no group"),
        ("kommune,x\n1001,A\n", "g.csv, row 1: no column municipality or code"),
        ("code,group\n", "g.csv: no municipalities in the file"),
        ("", "g.csv: the file is empty"),
    ],
)
def test_bad_files_are_refused_naming_row_and_column(text: str, message: str) -> None:
    with pytest.raises(groups.GroupingError) as error:
        groups.parse_grouping_csv(text, file_name="g.csv", valid_on=ON_2019)
    assert message in str(error.value)


def test_members_follow_a_merger_and_a_mixed_merger_belongs_to_no_group() -> None:
    # Kristiansand 1001 + Songdalen 1017 + Søgne 1018 became 4204 in 2020.
    same = _grouping({"1001": "A", "1017": "A", "1018": "A", "0301": "B"})
    members = groups.members_on(same, "A", date(2020, 1, 1))
    assert "4204" in members.codes and not members.ambiguous
    mixed = _grouping({"1001": "A", "1017": "A", "1018": "B", "0301": "B"})
    members = groups.members_on(mixed, "A", date(2020, 1, 1))
    assert "4204" not in members.codes and members.ambiguous == {"4204"}
    assert "4204" not in groups.members_on(mixed, "B", date(2020, 1, 1)).codes


def test_group_average_worked_example() -> None:
    """Sick leave is weighted by contracted workdays, over the group's values only.

    Group A = Kristiansand 1001 (7 %, 1 000 000 days) and Songdalen 1017 (8 %, 100 000 days):
    (7 × 1 000 000 + 8 × 100 000) / 1 100 000 = 7 800 000 / 1 100 000 = 7.0909...
    Søgne 1018 (group B) is left out. In 2020 the three are 4204, which lies wholly in A only
    when all three parts are in A: here it is not, so 2020 has no average for A.
    """
    grouping = _grouping({"1001": "A", "1017": "A", "1018": "B"})
    rows = [
        PanelRow("1001", 2019, None, "sick_leave_pct", 7.0),
        PanelRow("1017", 2019, None, "sick_leave_pct", 8.0),
        PanelRow("1018", 2019, None, "sick_leave_pct", 2.0),
        PanelRow("1001", 2019, None, "contracted_workdays", 1_000_000.0),
        PanelRow("1017", 2019, None, "contracted_workdays", 100_000.0),
        PanelRow("1018", 2019, None, "contracted_workdays", 150_000.0),
        PanelRow("4204", 2020, None, "sick_leave_pct", 7.5),
        PanelRow("4204", 2020, None, "contracted_workdays", 1_300_000.0),
    ]
    averages = groups.group_averages(rows, grouping, "A", indicators=CATALOGUE)
    sick = {(a.year, a.indicator_id): a for a in averages}
    assert sick[(2019, "sick_leave_pct")].value == pytest.approx(7_800_000 / 1_100_000)
    assert sick[(2019, "sick_leave_pct")].municipalities == 2
    assert (2020, "sick_leave_pct") not in sick
    # Contracted workdays (a volume) average per municipality: (1 000 000 + 100 000) / 2.
    assert sick[(2019, "contracted_workdays")].value == pytest.approx(550_000)
    whole = _grouping({"1001": "A", "1017": "A", "1018": "A"})
    later = groups.group_averages(rows, whole, "A", indicators=CATALOGUE)
    assert {(a.year, a.indicator_id): a.value for a in later}[(2020, "sick_leave_pct")] == 7.5
