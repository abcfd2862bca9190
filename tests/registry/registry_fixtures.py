"""A small Kvalitetskommune-like programme, built with the models directly.

Cohorts (in start order) and members, all joining on their cohort's start:

- Innsatskommuner sykefravær (2007, year precision): 0533 Lunner
- Pulje I (28 March 2007): 0533 Lunner, 0814 Bamble, 1017 Songdalen (left 30 June 2009)
- Pulje III (June 2008, month precision): 0301 Oslo

So five registrations of four municipalities; Lunner is in two cohorts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html.parser import HTMLParser

from trepart.registry.models import (
    Cohort,
    CohortFocus,
    DatePrecision,
    Participation,
    Programme,
)


@dataclass(frozen=True)
class Kkp:
    programme: Programme
    sick_leave: Cohort
    pulje_1: Cohort
    pulje_3: Cohort


def make_programme(*, is_demo: bool = False, end: dt.date | None = dt.date(2010, 12, 31)) -> Kkp:
    programme = Programme.objects.create(
        slug="kvalitetskommuneprogrammet",
        name="Kvalitetskommuneprogrammet",
        start_date=dt.date(2007, 1, 1),
        end_date=end,
        agreement_date=dt.date(2006, 10, 23),
        agreement_parties="KS\nLO Kommune\nKommunal- og regionaldepartementet",
        description="Trepartssamarbeid om kvalitet i kommunale tjenester.",
        planned_size=138,
    )
    sick_leave = Cohort.objects.create(
        programme=programme,
        name="Innsatskommuner sykefravær",
        start_date=dt.date(2007, 1, 1),
        start_precision=DatePrecision.YEAR,
        focus=CohortFocus.SICK_LEAVE,
        planned_size=12,
    )
    pulje_1 = Cohort.objects.create(
        programme=programme,
        name="Pulje I",
        start_date=dt.date(2007, 3, 28),
        start_precision=DatePrecision.DAY,
        planned_size=28,
    )
    pulje_3 = Cohort.objects.create(
        programme=programme,
        name="Pulje III",
        start_date=dt.date(2008, 6, 1),
        start_precision=DatePrecision.MONTH,
        planned_size=36,
    )
    members = [
        (sick_leave, "0533", None),
        (pulje_1, "0533", None),
        (pulje_1, "0814", None),
        (pulje_1, "1017", dt.date(2009, 6, 30)),
        (pulje_3, "0301", None),
    ]
    for cohort, code, left in members:
        Participation.objects.create(
            cohort=cohort,
            municipality_code=code,
            joined=cohort.start_date,
            left=left,
            is_demo=is_demo,
        )
    return Kkp(programme, sick_leave, pulje_1, pulje_3)


class _TableReader(HTMLParser):
    """Collects the cell texts of the table whose caption has a given id."""

    def __init__(self, caption_id: str) -> None:
        super().__init__()
        self.caption_id = caption_id
        self.rows: list[list[str]] = []
        self._in_table = False
        self._depth = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
        if tag == "caption" and dict(attrs).get("id") == self.caption_id:
            self._in_table = True
            self._table_depth = self._depth
        if not self._in_table:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self._in_table and tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "table":
            if self._in_table and self._depth == self._table_depth:
                self._in_table = False
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def read_table(html: str, caption_id: str) -> list[list[str]]:
    """The rows (header row first) of the table captioned by ``caption_id``, as cell texts."""
    reader = _TableReader(caption_id)
    reader.feed(html)
    assert reader.rows, f"no table captioned #{caption_id}"
    return reader.rows
