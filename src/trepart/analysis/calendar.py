"""The Norwegian workday calendar: Monday–Friday except the public holidays.

The public holidays (*offentlige høytidsdager*, helligdagsloven § 2, and 1 and 17 May,
lov om 1. og 17. mai som høgtidsdager) are 1 January, Maundy Thursday, Good Friday, Easter
Monday, 1 May, 17 May, Ascension Day, Whit Monday, 25 and 26 December. Easter Sunday and
Whit Sunday fall on Sundays and so are never workdays anyway. A holiday on a Saturday or a
Sunday is simply not a workday; nothing moves to the following Monday.

Easter Sunday comes from the Gregorian computus (the "anonymous Gregorian algorithm", Meeus/
Jones/Butcher).

>>> easter_sunday(2024)
datetime.date(2024, 3, 31)
>>> workdays_between(date(2024, 5, 13), date(2024, 5, 20))
4
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "DateTable",
    "date_table",
    "easter_sunday",
    "holidays",
    "is_workday",
    "workdays_between",
]


def easter_sunday(year: int) -> date:
    """Return Easter Sunday of ``year`` (Gregorian calendar, Meeus/Jones/Butcher computus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


@functools.cache
def holidays(year: int) -> dict[date, str]:
    """Return the Norwegian public holidays of ``year`` that are not Sundays by definition.

    ``{date: English name}``, in date order: 1 Jan, Maundy Thursday, Good Friday, Easter
    Monday, 1 May, 17 May, Ascension Day, Whit Monday, 25 and 26 December.
    """
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1): "New Year's Day",
        easter - timedelta(days=3): "Maundy Thursday",
        easter - timedelta(days=2): "Good Friday",
        easter + timedelta(days=1): "Easter Monday",
        date(year, 5, 1): "Labour Day",
        date(year, 5, 17): "Constitution Day",
        easter + timedelta(days=39): "Ascension Day",
        easter + timedelta(days=50): "Whit Monday",
        date(year, 12, 25): "Christmas Day",
        date(year, 12, 26): "Boxing Day",
    }
    # Ascension Day can fall on 1 May (e.g. 2008): the dict keeps one name per date.
    return dict(sorted(days.items()))


def is_workday(day: date) -> bool:
    """Return whether ``day`` is a workday: Monday–Friday and not a public holiday."""
    return day.weekday() < 5 and day not in holidays(day.year)


def _weekdays_before(day: date) -> int:
    """Monday–Friday days strictly before ``day``, counted from the proleptic day 1 (a Monday)."""
    ordinal = day.toordinal() - 1  # days before `day`; date(1, 1, 1) is a Monday
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def workdays_between(first: date, last: date) -> int:
    """Return the workdays from ``first`` to ``last``, both included (0 if ``last < first``)."""
    if last < first:
        return 0
    count = _weekdays_before(last + timedelta(days=1)) - _weekdays_before(first)
    for year in range(first.year, last.year + 1):
        count -= sum(1 for h in holidays(year) if first <= h <= last and h.weekday() < 5)
    return count


@dataclass(frozen=True)
class DateTable:
    """Every date from ``first`` to ``last``: the date dimension of the register pipeline.

    ``dates[i]`` is ``first + i`` days; ``workday[i]`` says whether it is a workday;
    ``before[i]`` counts the workdays from ``first`` up to but not including ``dates[i]``, and
    ``through[i]`` up to and including it. So the workdays in ``[a, b]`` are
    ``through[b] - before[a]`` without touching the days in between.
    """

    first: date
    last: date
    dates: tuple[date, ...]
    workday: tuple[bool, ...]
    before: tuple[int, ...]
    through: tuple[int, ...]

    def workdays(self, first: date, last: date) -> int:
        """Return the workdays in ``[first, last]`` (both inside the table) by the two indices."""
        if last < first:
            return 0
        return self.through[(last - self.first).days] - self.before[(first - self.first).days]


def date_table(first: date, last: date) -> DateTable:
    """Return the :class:`DateTable` from ``first`` to ``last`` (both included)."""
    if last < first:
        raise ValueError(f"date table from {first} to {last}: the last date is before the first")
    dates: list[date] = []
    workday: list[bool] = []
    before: list[int] = []
    through: list[int] = []
    count = 0
    day = first
    while day <= last:
        dates.append(day)
        flag = is_workday(day)
        workday.append(flag)
        before.append(count)
        count += flag
        through.append(count)
        day += timedelta(days=1)
    return DateTable(first, last, tuple(dates), tuple(workday), tuple(before), tuple(through))
