"""The programme page: facts, status per cohort, participation over time, member lists."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.registry.registry_fixtures import Kkp, make_programme, read_table

pytestmark = pytest.mark.django_db

URL = "/program/kvalitetskommuneprogrammet/"


def test_the_programme_page_shows_the_agreement_and_its_parties(kkp: Kkp, client: Client) -> None:
    html = client.get(URL).content.decode()
    assert "<h1" in html and html.count("<h1") == 1
    assert "Kvalitetskommuneprogrammet" in html
    assert "23 October 2006" in html
    for party in ("KS", "LO Kommune", "Kommunal- og regionaldepartementet"):
        assert f"<li>{party}</li>" in html


def test_the_status_table_counts_members_per_cohort_at_the_programme_end(
    kkp: Kkp, client: Client
) -> None:
    rows = read_table(client.get(URL).content.decode(), "status-caption")
    assert rows == [
        ["Cohort", "Start", "Focus", "Planned", "Registered", "Active at the end", "Left"],
        ["Innsatskommuner sykefravær", "2007", "sick leave", "12", "1", "1", "0"],
        ["Pulje I", "28 March 2007", "quality development", "28", "3", "2", "1"],
        ["Pulje III", "June 2008", "quality development", "36", "1", "1", "0"],
        ["All cohorts", "5", "4", "1"],
    ]


@pytest.mark.parametrize(
    ("language", "day", "month"),
    [("nb", "28. mars 2007", "juni 2008"), ("en", "28 March 2007", "June 2008")],
)
def test_cohort_starts_are_shown_as_precisely_as_known_in_the_chosen_language(
    kkp: Kkp, client: Client, language: str, day: str, month: str
) -> None:
    client.cookies["trepart_language"] = language
    html = client.get(URL).content.decode()
    assert f'<time datetime="2007-03-28">{day}</time>' in html
    assert f'<time datetime="2008-06">{month}</time>' in html
    assert '<time datetime="2007">2007</time>' in html


def test_the_page_counts_distinct_municipalities(kkp: Kkp, client: Client) -> None:
    html = client.get(URL).content.decode()
    assert "4 municipalities took part." in html
    assert "They are registered 5 times" in html


def test_the_chart_is_an_image_named_by_its_caption(kkp: Kkp, client: Client) -> None:
    html = client.get(URL).content.decode()
    figure = html[html.index('<figure class="chart">') : html.index("</figure>")]
    assert '<figcaption id="participation-chart-caption"' in figure
    assert figure.count('role="img" aria-labelledby="participation-chart-caption"') == 2


def test_the_data_table_has_the_numbers_of_the_chart(kkp: Kkp, client: Client) -> None:
    response = client.get(URL)
    rows = read_table(response.content.decode(), "timeline-caption")
    header, body = rows[0], rows[1:]
    assert header == [
        "End of year",
        "Innsatskommuner sykefravær",
        "Pulje I",
        "Pulje III",
        "All registrations",
        "Distinct municipalities",
    ]
    table = {
        (row[0], cohort): int(n)
        for row in body
        for cohort, n in zip(header[1:-2], row[1:-2], strict=True)
    }
    chart = response.context["chart"].spec["data"]["values"]
    assert table == {(v["x"], v["series"]): v["value"] for v in chart}
    assert [row[-2] for row in body] == ["4", "5", "4", "4"]
    # Lunner is in two cohorts: one municipality, two registrations.
    assert [row[-1] for row in body] == ["3", "4", "3", "3"]
    svg_text = re.findall(r"<text[^>]*>([^<]*)</text>", str(response.context["chart"]))
    for total in ("4", "5"):
        assert total in svg_text  # each bar's total is written above it


@pytest.mark.parametrize(("is_demo", "alert_shown"), [(False, False), (True, True)])
def test_the_page_warns_about_demo_member_lists_only_when_it_shows_demo_data(
    db: None, client: Client, is_demo: bool, alert_shown: bool
) -> None:
    make_programme(is_demo=is_demo)
    html = client.get(URL).content.decode()
    assert ('class="ds-alert" data-color="warning"' in html) is alert_shown
    assert ("The member lists are demo data." in html) is alert_shown


def test_each_member_links_to_its_municipality_page_under_its_join_number(
    kkp: Kkp, client: Client
) -> None:
    rows = read_table(client.get(URL).content.decode(), "members-caption-2")
    assert rows == [
        ["Number", "Municipality", "Joined", "Left"],
        ["0533", "Lunner", "28/03/2007", "not left–"],
        ["0814", "Bamble", "28/03/2007", "not left–"],
        ["1017", "Songdalen", "28/03/2007", "30/06/2009"],
    ]
    assert (
        '<a class="ds-link" href="/kommuner/1017/">Songdalen</a>'
        in client.get(URL).content.decode()
    )


def test_a_programme_without_members_has_no_chart(db: None, client: Client) -> None:
    make_programme().programme.cohorts.all().delete()
    response = client.get(URL)
    assert response.status_code == 200
    assert "<figure" not in response.content.decode()


def test_an_unknown_programme_is_not_found(db: None, client: Client) -> None:
    assert client.get("/program/finnes-ikke/").status_code == 404


def test_the_programme_page_is_read_only(kkp: Kkp, client: Client) -> None:
    assert client.post(URL).status_code == 405


def test_the_home_page_has_a_card_per_programme(kkp: Kkp, client: Client) -> None:
    html = client.get("/").content.decode()
    assert f'<a class="ds-link" href="{URL}">Kvalitetskommuneprogrammet</a>' in html
    assert "4 participating municipalities" in html
    assert "Pulje III (<time" in html


def test_the_programme_page_needs_few_queries(
    kkp: Kkp, client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        client.get(URL)
