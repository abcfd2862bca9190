"""Bokmål is the default language; the switcher's choice is remembered in a cookie."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_first_visit_is_in_bokmal_whatever_the_browser_asks_for(bokmal_client: Client) -> None:
    response = bokmal_client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    html = response.content.decode()
    assert '<html lang="nb"' in html
    assert "Hopp til hovedinnhold" in html
    assert response.headers["Content-Language"] == "nb"


@pytest.mark.parametrize(
    ("language", "skip_link"),
    [
        ("nb", "Hopp til hovedinnhold"),
        ("nn", "Hopp til hovudinnhaldet"),
        ("en", "Skip to main content"),
    ],
)
def test_the_switcher_sets_the_language_for_the_next_pages(
    bokmal_client: Client, language: str, skip_link: str
) -> None:
    response = bokmal_client.post("/sprak/", {"language": language, "next": "/kommuner/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/kommuner/"
    html = bokmal_client.get("/kommuner/").content.decode()
    assert f'<html lang="{language}"' in html
    assert skip_link in html


def test_an_unknown_language_in_the_cookie_falls_back_to_bokmal(bokmal_client: Client) -> None:
    bokmal_client.cookies["trepart_language"] = "de"
    assert '<html lang="nb"' in bokmal_client.get("/").content.decode()
