"""Municipality search: by name or number, every municipality since 2002."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.registry.registry_fixtures import read_table

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "found"),
    [
        (
            "Lunner",
            [
                ["3234", "Lunner", "from 2024"],
                ["3054", "Lunner", "2020–2023"],
                ["0533", "Lunner", "2002–2019"],
            ],
        ),
        ("3234", [["3234", "Lunner", "from 2024"]]),
        ("0533", [["0533", "Lunner", "2002–2019"]]),
        ("songdalen", [["1017", "Songdalen", "2002–2019"]]),
    ],
)
def test_search_finds_a_municipality_by_name_or_number(
    client: Client, query: str, found: list[list[str]]
) -> None:
    html = client.get("/kommuner/", {"q": query}).content.decode()
    assert read_table(html, "results-caption")[1:] == found
    assert f'href="/kommuner/{found[0][0]}/"' in html


def test_the_search_form_is_a_labelled_get_form_that_keeps_the_query(client: Client) -> None:
    html = client.get("/kommuner/", {"q": "Lunner"}).content.decode()
    assert '<form class="search-form" method="get"' in html
    assert '<label class="ds-label" for="municipality-query">' in html
    assert 'id="municipality-query" name="q" value="Lunner"' in html


def test_without_a_query_the_page_lists_the_municipalities_valid_today(client: Client) -> None:
    html = client.get("/kommuner/").content.decode()
    rows = read_table(html, "list-caption")[1:]
    assert len(rows) == 357  # the 2024 structure
    assert rows[0] == ["0301", "Oslo", "from 2002"]


def test_a_search_without_matches_explains_how_to_search(client: Client) -> None:
    html = client.get("/kommuner/", {"q": "Atlantis"}).content.decode()
    assert "No municipality matches “Atlantis”." in html
    assert "0301, not 301" in html
    assert "results-caption" not in html


def test_a_long_search_says_there_are_more_matches(client: Client) -> None:
    html = client.get("/kommuner/", {"q": "0"}).content.decode()
    assert "Showing the first 50 matches." in html


def test_an_overlong_query_is_refused_with_a_message(client: Client) -> None:
    response = client.get("/kommuner/", {"q": "x" * 300})
    assert response.status_code == 200
    assert "The search is too long" in response.content.decode()


def test_search_escapes_the_query(client: Client) -> None:
    html = client.get("/kommuner/", {"q": "<script>"}).content.decode()
    assert "<script>" not in html.split("<main", 1)[1]
