"""The Norwegian workday calendar: Easter, the moving holidays and workday counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from trepart.analysis.calendar import (
    date_table,
    easter_sunday,
    holidays,
    is_workday,
    workdays_between,
)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # Easter Sundays as published (e.g. the Norwegian almanac, Almanakk for Norge).
        (2000, date(2000, 4, 23)),
        (2008, date(2008, 3, 23)),
        (2011, date(2011, 4, 24)),
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter_sunday_by_the_gregorian_computus(year: int, expected: date) -> None:
    assert easter_sunday(year) == expected


def test_the_holidays_of_2024() -> None:
    assert list(holidays(2024)) == [
        date(2024, 1, 1),
        date(2024, 3, 28),  # Maundy Thursday
        date(2024, 3, 29),  # Good Friday
        date(2024, 4, 1),  # Easter Monday
        date(2024, 5, 1),
        date(2024, 5, 9),  # Ascension Day
        date(2024, 5, 17),
        date(2024, 5, 20),  # Whit Monday
        date(2024, 12, 25),
        date(2024, 12, 26),
    ]


def test_ascension_on_labour_day_is_one_holiday() -> None:
    # 2008: Easter 23 March, so Ascension Day (Easter + 39) is 1 May.
    assert holidays(2008)[date(2008, 5, 1)] == "Ascension Day"
    assert len(holidays(2008)) == 9


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 5, 9), False),  # Ascension Day, a Thursday
        (date(2024, 5, 20), False),  # Whit Monday
        (date(2024, 5, 21), True),
        (date(2025, 5, 17), False),  # 17 May on a Saturday: simply a Saturday
        (date(2025, 5, 19), True),  # ... and the Monday after is an ordinary workday
        (date(2024, 12, 24), True),  # Christmas Eve is not a public holiday
        (date(2024, 12, 27), True),
        (date(2024, 3, 27), True),  # Wednesday of Holy Week
        (date(2024, 3, 30), False),  # Easter Saturday
    ],
)
def test_is_workday(day: date, expected: bool) -> None:
    assert is_workday(day) is expected


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (date(2024, 1, 1), date(2024, 12, 31), 252),  # 262 weekdays − 10 weekday holidays
        (date(2023, 1, 1), date(2023, 12, 31), 251),  # 260 − 9 (1 Jan was a Sunday)
        (date(2024, 3, 25), date(2024, 4, 1), 3),  # Holy Week: Mon–Wed only
        (date(2024, 5, 13), date(2024, 5, 20), 4),  # 17 May (Fri) and Whit Monday out
        (date(2024, 6, 1), date(2024, 6, 2), 0),  # a weekend
        (date(2024, 6, 3), date(2024, 6, 3), 1),
        (date(2024, 6, 4), date(2024, 6, 3), 0),  # empty interval
        (date(2023, 12, 28), date(2024, 1, 5), 6),  # across the new year, 1 Jan out
    ],
)
def test_workdays_between(first: date, last: date, expected: int) -> None:
    assert workdays_between(first, last) == expected


def test_date_table_counts_agree_with_counting_day_by_day() -> None:
    table = date_table(date(2019, 1, 1), date(2021, 12, 31))
    assert table.dates[0] == date(2019, 1, 1) and table.dates[-1] == date(2021, 12, 31)
    step = 37
    for i in range(0, len(table.dates), step):
        for j in range(i, len(table.dates), 101):
            first, last = table.dates[i], table.dates[j]
            by_day = sum(
                is_workday(first + timedelta(days=k)) for k in range((last - first).days + 1)
            )
            assert table.workdays(first, last) == by_day == workdays_between(first, last)


def test_date_table_rejects_a_reversed_span() -> None:
    with pytest.raises(ValueError, match="before the first"):
        date_table(date(2024, 1, 2), date(2024, 1, 1))
