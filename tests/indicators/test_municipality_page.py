"""A municipality's indicator page: latest values beside the national average, one series
as a chart with its data table, in the structure chosen."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.indicators.conftest import parsed
from tests.registry.registry_fixtures import read_table
from trepart.analysis.indicator_files import IndicatorRow
from trepart.indicators.actions import do_import

pytestmark = pytest.mark.django_db


def _store(analyst: User, *, synthetic: bool = False) -> None:
    rows = [
        # Lunner under its three numbers, and Oslo, so the national average differs.
        IndicatorRow("0533", "sick_leave_pct", 2019, None, 8.0, "test"),
        IndicatorRow("0533", "contracted_workdays", 2019, None, 100_000, "test"),
        IndicatorRow("3054", "sick_leave_pct", 2020, None, 9.0, "test"),
        IndicatorRow("3054", "contracted_workdays", 2020, None, 100_000, "test"),
        IndicatorRow("3234", "sick_leave_pct", 2024, None, 7.5, "test"),
        IndicatorRow("3234", "contracted_workdays", 2024, None, 100_000, "test"),
        IndicatorRow("0301", "sick_leave_pct", 2024, None, 10.0, "test"),
        IndicatorRow("0301", "contracted_workdays", 2024, None, 300_000, "test"),
        IndicatorRow("3234", "turnover_pct", 2024, None, 11.25, "test"),
    ]
    do_import(analyst, parsed(*rows), fmt="csv", is_synthetic=synthetic)


def test_the_overview_lists_the_latest_value_of_each_indicator(
    client: Client, analyst: User
) -> None:
    _store(analyst)
    html = client.get("/kommuner/3234/indikatorer/").content.decode()
    rows = read_table(html, "overview-caption")
    assert rows[0] == ["Indicator", "Year", "Lunner", "National average"]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    # National sick leave 2024 is workday-weighted: (7.5 × 1 + 10 × 3) / 4 = 9.375.
    assert by_name["Sick leave"] == ["2024", "7.5 %", "9.4 %"]
    assert by_name["Contracted workdays"][1] == "100,000"
    assert "Turnover" in next(name for name in by_name if name.startswith("Turnover"))


def test_the_chosen_series_follows_lunner_across_its_three_numbers(
    client: Client, analyst: User
) -> None:
    _store(analyst)
    html = client.get("/kommuner/3234/indikatorer/", {"indikator": "sick_leave_pct"}).content
    rows = read_table(html.decode(), "table-sick_leave_pct")
    assert [row[:2] for row in rows[1:]] == [
        ["2019", "8.0 %"],
        ["2020", "9.0 %"],
        ["2024", "7.5 %"],
    ]
    assert 'role="img" aria-labelledby="chart-sick_leave_pct"' in html.decode()


def test_synthetic_values_are_flagged(client: Client, analyst: User) -> None:
    _store(analyst, synthetic=True)
    html = client.get("/kommuner/3234/indikatorer/").content.decode()
    assert "These values are synthetic." in html


def test_real_values_are_not_flagged(client: Client, analyst: User) -> None:
    _store(analyst)
    assert "synthetic" not in client.get("/kommuner/3234/indikatorer/").content.decode()


def test_a_municipality_without_values_says_so(client: Client) -> None:
    html = client.get("/kommuner/0301/indikatorer/").content.decode()
    assert "No indicator values are stored for this municipality yet." in html


@pytest.mark.parametrize(
    ("path", "query"),
    [("/kommuner/0533/indikatorer/", {}), ("/kommuner/3234/indikatorer/", {"struktur": "x"})],
)
def test_a_code_not_valid_in_the_structure_or_a_bad_structure_is_404(
    client: Client, path: str, query: dict[str, str]
) -> None:
    assert client.get(path, query).status_code == 404


def test_an_old_structure_shows_the_old_number(client: Client, analyst: User) -> None:
    _store(analyst)
    response = client.get("/kommuner/0533/indikatorer/", {"struktur": "2019"})
    assert response.status_code == 200
    rows = read_table(response.content.decode(), "table-sick_leave_pct")
    # Values stored under the later numbers 3054 and 3234 come back to 0533: a renumbering
    # is one-to-one, so it translates both ways.
    assert [row[0] for row in rows[1:]] == ["2019", "2020", "2024"]


@pytest.mark.parametrize(("fmt", "magic"), [("csv", b"municipality"), ("xlsx", b"PK")])
def test_the_import_template_can_be_downloaded(client: Client, fmt: str, magic: bytes) -> None:
    response = client.get(f"/indikatorer/mal.{fmt}")
    assert response.status_code == 200
    assert f'filename="trepart-indikatorer.{fmt}"' in response["Content-Disposition"]
    assert magic in response.content[:200]
    assert client.get("/indikatorer/mal.pdf").status_code == 404
