"""The municipality page: names, code history and the programmes it took part in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.registry.registry_fixtures import Kkp, make_programme, read_table
from trepart.registry.models import Cohort, Participation

pytestmark = pytest.mark.django_db


def test_lunner_today_shows_its_participation_registered_under_0533(
    kkp: Kkp, client: Client
) -> None:
    html = client.get("/kommuner/3234/").content.decode()
    rows = read_table(html, "participations-caption")
    assert rows[1:] == [
        [
            "Kvalitetskommuneprogrammet",
            "Innsatskommuner sykefravær",
            "0533 Lunner",
            "01/01/2007",
            "not left–",
        ],
        ["Kvalitetskommuneprogrammet", "Pulje I", "0533 Lunner", "28/03/2007", "not left–"],
    ]
    assert '<a class="ds-link" href="/kommuner/0533/">0533 Lunner</a>' in html


def test_lunner_shows_the_chain_of_its_numbers_with_links(client: Client) -> None:
    html = client.get("/kommuner/3234/").content.decode()
    lineage = html[html.index('<ol class="lineage">') : html.index("</ol>", html.index("lineage"))]
    assert '<a class="ds-link" href="/kommuner/0533/">0533</a>' in lineage
    assert '<a class="ds-link" href="/kommuner/3054/">3054</a>' in lineage
    assert '<strong aria-current="page">3234</strong>' in lineage
    assert "(2002–2019)" in lineage and "(2020–2023)" in lineage


@pytest.mark.parametrize(
    ("code", "sentence", "link"),
    [
        ("1017", "In 2020, Songdalen became part of", "/kommuner/4204/"),
        ("4204", "In 2020, Kristiansand was formed from", "/kommuner/1017/"),
        ("1850", "In 2020, Tysfjord - Divtasvuodna was split between", "/kommuner/1875/"),
        ("5001", "In 2020, Trondheim - Tråante was merged with", "/kommuner/5030/"),
        ("0533", "In 2020, Lunner got a new number:", "/kommuner/3054/"),
    ],
)
def test_the_code_history_says_what_happened_and_links_to_the_other_codes(
    client: Client, code: str, sentence: str, link: str
) -> None:
    html = client.get(f"/kommuner/{code}/").content.decode()
    assert sentence in " ".join(html.split())
    assert f'href="{link}"' in html


def test_a_merged_municipality_shows_the_participation_of_its_predecessor(
    kkp: Kkp, client: Client
) -> None:
    html = client.get("/kommuner/4204/").content.decode()
    rows = read_table(html, "participations-caption")
    assert rows[1][:3] == [
        "Kvalitetskommuneprogrammet",
        "Pulje I",
        "1017 Songdalen (now part of this municipality)",
    ]


def test_a_municipality_no_longer_in_use_says_so(client: Client) -> None:
    html = client.get("/kommuner/1017/").content.decode()
    assert "No longer in use" in html
    assert "was in use from 2002 to 2019" in html


@pytest.mark.parametrize(("is_demo", "alert_shown"), [(False, False), (True, True)])
def test_the_page_warns_about_demo_data_only_when_it_shows_demo_participation(
    db: None, client: Client, is_demo: bool, alert_shown: bool
) -> None:
    make_programme(is_demo=is_demo)
    html = client.get("/kommuner/3234/").content.decode()
    assert ('class="ds-alert" data-color="warning"' in html) is alert_shown


def test_demo_rows_elsewhere_do_not_put_a_demo_warning_on_this_page(
    kkp: Kkp, client: Client
) -> None:
    cohort = Cohort.objects.create(
        programme=kkp.programme, name="Demo", start_date=dt.date(2009, 1, 1)
    )
    Participation.objects.create(
        cohort=cohort, municipality_code="0301", joined=cohort.start_date, is_demo=True
    )
    assert 'data-color="warning"' not in client.get("/kommuner/3234/").content.decode()
    assert 'data-color="warning"' in client.get("/kommuner/0301/").content.decode()


def test_a_municipality_that_took_part_in_nothing_says_so(kkp: Kkp, client: Client) -> None:
    html = client.get("/kommuner/1806/").content.decode()
    assert "Narvik is not registered in any programme" in html


@pytest.mark.parametrize("code", ["12", "abcd", "0000", "05333", "9998"])
def test_a_code_that_never_existed_is_not_found(db: None, client: Client, code: str) -> None:
    assert client.get(f"/kommuner/{code}/").status_code == 404


def test_the_municipality_page_credits_ssb(client: Client) -> None:
    assert "Statistics Norway (SSB)" in client.get("/kommuner/0301/").content.decode()


def test_the_municipality_page_needs_one_query(
    kkp: Kkp, client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(1):
        client.get("/kommuner/3234/")
