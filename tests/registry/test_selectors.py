"""Selectors turn registry rows and the municipal structure into plain page data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404

from tests.registry.registry_fixtures import Kkp, make_programme
from trepart.registry import selectors
from trepart.registry.models import Cohort, Participation, Programme

pytestmark = pytest.mark.django_db


def test_the_home_page_summary_counts_distinct_municipalities_and_members_per_cohort(
    kkp: Kkp, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):
        [summary] = selectors.programme_summaries()
    assert summary.municipality_count == 4
    assert [(c.name, c.members) for c in summary.cohorts] == [
        ("Innsatskommuner sykefravær", 1),
        ("Pulje I", 3),
        ("Pulje III", 1),
    ]


def test_a_programme_without_cohorts_is_summarised_with_no_municipalities(db: None) -> None:
    Programme.objects.create(slug="ny", name="Neste program", start_date=dt.date(2027, 1, 1))
    [summary] = selectors.programme_summaries()
    assert (summary.municipality_count, summary.cohorts) == (0, ())


@pytest.mark.parametrize(
    ("cohort", "registered", "active", "left"),
    [
        ("Innsatskommuner sykefravær", 1, 1, 0),
        ("Pulje I", 3, 2, 1),  # Songdalen left in 2009
        ("Pulje III", 1, 1, 0),
    ],
)
def test_each_cohort_counts_its_members_at_the_programme_end(
    kkp: Kkp, cohort: str, registered: int, active: int, left: int
) -> None:
    overview = selectors.programme_overview("kvalitetskommuneprogrammet")
    status = {c.name: c for c in overview.cohorts}[cohort]
    assert (status.registered, status.active, status.left) == (registered, active, left)
    assert overview.status_at_end
    assert overview.status_date == dt.date(2010, 12, 31)


def test_the_overview_counts_distinct_municipalities_and_all_registrations(kkp: Kkp) -> None:
    overview = selectors.programme_overview("kvalitetskommuneprogrammet")
    assert (overview.municipality_count, overview.registered) == (4, 5)
    assert (overview.active, overview.left) == (4, 1)
    assert overview.parties == ("KS", "LO Kommune", "Kommunal- og regionaldepartementet")


@pytest.mark.parametrize(
    ("year", "counts"),
    [
        # (sick leave, Pulje I, Pulje III) at the end of the year
        ("2007", (1, 3, 0)),
        ("2008", (1, 3, 1)),
        ("2009", (1, 2, 1)),
        ("2010", (1, 2, 1)),
    ],
)
def test_participation_over_time_is_counted_at_the_end_of_each_year_per_cohort(
    kkp: Kkp, year: str, counts: tuple[int, ...]
) -> None:
    overview = selectors.programme_overview("kvalitetskommuneprogrammet")
    assert [row.label for row in overview.timeline] == ["2007", "2008", "2009", "2010"]
    row = {row.label: row for row in overview.timeline}[year]
    assert row.counts == counts
    assert row.total == sum(counts)


def test_a_running_programme_counts_its_status_and_its_last_year_up_to_today(
    db: None,
) -> None:
    make_programme(end=None)
    overview = selectors.programme_overview("kvalitetskommuneprogrammet", today=dt.date(2009, 9, 1))
    assert not overview.status_at_end
    assert overview.status_date == dt.date(2009, 9, 1)
    assert overview.timeline[-1].on == dt.date(2009, 9, 1)
    assert overview.timeline[-1].counts == (1, 2, 1)


def test_each_member_is_named_as_on_the_day_it_joined(kkp: Kkp) -> None:
    overview = selectors.programme_overview("kvalitetskommuneprogrammet")
    pulje_1 = {c.name: c for c in overview.cohorts}["Pulje I"]
    assert [(m.code, m.name, m.left) for m in pulje_1.members] == [
        ("0533", "Lunner", None),
        ("0814", "Bamble", None),
        ("1017", "Songdalen", dt.date(2009, 6, 30)),
    ]


@pytest.mark.parametrize(("is_demo", "has_demo"), [(False, False), (True, True)])
def test_the_overview_says_whether_any_member_is_demo_data(
    db: None, is_demo: bool, has_demo: bool
) -> None:
    make_programme(is_demo=is_demo)
    assert selectors.programme_overview("kvalitetskommuneprogrammet").has_demo is has_demo


def test_the_overview_reads_the_programme_in_three_queries_however_many_members(
    kkp: Kkp, django_assert_max_num_queries: Any
) -> None:
    for number in range(20):
        cohort = Cohort.objects.create(
            programme=kkp.programme, name=f"Ekstra {number}", start_date=dt.date(2009, 1, 1)
        )
        Participation.objects.create(
            cohort=cohort, municipality_code="0301", joined=dt.date(2009, 1, 1)
        )
    with django_assert_max_num_queries(3):
        selectors.programme_overview("kvalitetskommuneprogrammet")


def test_an_unknown_programme_is_not_found(db: None) -> None:
    with pytest.raises(Http404):
        selectors.programme_overview("finnes-ikke")


# -- municipalities ------------------------------------------------------------------------


def test_lunner_has_had_three_numbers() -> None:
    page = selectors.municipality_page("3234")
    assert [
        (s.code, s.valid_from.year, s.valid_until and s.valid_until.year) for s in page.lineage
    ] == [("0533", 2002, 2019), ("3054", 2020, 2023), ("3234", 2024, None)]


@pytest.mark.parametrize(
    ("code", "kind", "others"),
    [
        ("1017", "merged_into", ["4204"]),  # Songdalen became part of Kristiansand
        ("4204", "merged_from", ["1001", "1017", "1018"]),
        ("0533", "renumbered_to", ["3054"]),
        ("3234", "renumbered_from", ["3054"]),
        ("1850", "split_into", ["1806", "1875"]),  # Tysfjord was divided
    ],
)
def test_code_changes_say_what_happened_to_the_municipality(
    code: str, kind: str, others: list[str]
) -> None:
    events = selectors.municipality_page(code).events
    assert [(e.kind, [o.code for o in e.others]) for e in events if e.kind != "renamed"] == [
        (kind, others)
    ]


def test_a_municipality_formed_partly_from_a_split_one_says_which_part() -> None:
    [event] = selectors.municipality_page("1806").events  # Narvik 2020
    assert [o.code for o in event.others] == ["1805", "1854"]
    assert [p.code for p in event.parts] == ["1850"]


@pytest.mark.parametrize(
    ("code", "registered_as", "relation"),
    [
        ("0533", ["0533", "0533"], "unchanged"),
        ("3234", ["0533", "0533"], "renumbered"),  # Lunner today sees its 2007 registrations
        ("3054", ["0533", "0533"], "renumbered"),
        ("4204", ["1017"], "merged"),  # Kristiansand sees Songdalen's
        ("1017", ["1017"], "unchanged"),
        ("1001", [], None),  # the old Kristiansand did not take part
    ],
)
def test_a_municipality_page_shows_participation_under_earlier_numbers(
    kkp: Kkp, code: str, registered_as: list[str], relation: str | None
) -> None:
    page = selectors.municipality_page(code)
    assert [p.registered_as.code for p in page.participations] == registered_as
    assert {p.relation for p in page.participations} <= {relation}


def test_a_later_registration_under_a_new_number_shows_on_the_old_number_one_to_one(
    kkp: Kkp,
) -> None:
    later = Cohort.objects.create(
        programme=kkp.programme, name="Pulje 2021", start_date=dt.date(2021, 1, 1)
    )
    for code in ("3054", "4204"):  # Lunner renumbered; Kristiansand merged from three
        Participation.objects.create(cohort=later, municipality_code=code, joined=later.start_date)
    assert "3054" in [
        p.registered_as.code for p in selectors.municipality_page("0533").participations
    ]
    assert "4204" not in [
        p.registered_as.code for p in selectors.municipality_page("1017").participations
    ]


def test_the_municipality_page_reads_participations_in_one_query(
    kkp: Kkp, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(1):
        selectors.municipality_page("3234")


@pytest.mark.parametrize("code", ["12", "abcd", "0000", "05333", ""])
def test_a_code_that_never_existed_is_not_found(code: str) -> None:
    with pytest.raises(Http404):
        selectors.municipality_page(code)


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("Lunner", ["3234", "3054", "0533"]),  # newest first
        ("lunner", ["3234", "3054", "0533"]),
        ("3234", ["3234"]),
        ("0533", ["0533"]),
        ("Songdalen", ["1017"]),
        ("xyzzy", []),
    ],
)
def test_search_finds_municipalities_by_name_or_number(query: str, codes: list[str]) -> None:
    assert [m.code for m in selectors.municipality_search(query).results] == codes


def test_search_without_a_query_lists_the_municipalities_of_today() -> None:
    search = selectors.municipality_search("  ", today=dt.date(2025, 3, 1))
    assert len(search.results) == 357  # the 2024 structure
    assert search.query == ""


def test_search_shows_at_most_fifty_matches_and_says_there_are_more() -> None:
    search = selectors.municipality_search("0")
    assert len(search.results) == selectors.SEARCH_LIMIT
    assert search.truncated


def test_search_refuses_an_overlong_query() -> None:
    search = selectors.municipality_search("a" * 500)
    assert (search.error, search.results) == ("too_long", ())
