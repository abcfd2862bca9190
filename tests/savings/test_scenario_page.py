"""A municipality's savings page: baseline and parameters chosen in a form, result with traces."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.test import Client

from tests.registry.registry_fixtures import read_table
from tests.savings.test_compute_cli import lunner  # noqa: F401  (the fixture)
from trepart.analysis import savings

pytestmark = pytest.mark.django_db

URL = "/kommuner/3234/besparelser/"
EARLIER = {"grunnlag": "earlier", "fra": "2007", "aar": "2024"}


@pytest.mark.usefixtures("lunner")
def test_the_result_table_prices_each_item(client: Client) -> None:
    rows = read_table(client.get(URL, EARLIER).content.decode(), "savings-caption")
    by_item = {row[0]: row[1:] for row in rows[1:]}
    per_day = savings.cost_per_lost_workday().result
    assert by_item["Sick leave"] == ["computed", f"{round(1000 * per_day):,}"]
    assert "Total" in by_item


@pytest.mark.usefixtures("lunner")
def test_a_changed_parameter_is_used_and_a_bad_one_is_explained(client: Client) -> None:
    doubled = {**EARLIER, "turnover_fte_years_per_replacement": "0,4"}
    rows = read_table(client.get(URL, doubled).content.decode(), "savings-caption")
    turnover = {row[0]: row[2] for row in rows[1:]}["Turnover"]
    params = savings.DEFAULTS.replace(turnover_fte_years_per_replacement="0.4")
    assert turnover == f"{round(16 * savings.turnover_cost_per_leaver(params).result):,}"
    html = client.get(URL, {**EARLIER, "annual_wage_nok": "lots"}).content.decode()
    assert 'aria-invalid="true"' in html
    assert "The default 613200 is used." in html


@pytest.mark.usefixtures("lunner")
def test_missing_values_are_explained(client: Client) -> None:
    html = client.get(URL, {**EARLIER, "aar": "2023"}).content.decode()
    assert "no values stored for 3234 Lunner in 2023" in html


def test_an_unknown_municipality_is_404(client: Client) -> None:
    assert client.get("/kommuner/0000/besparelser/").status_code == 404


@pytest.mark.usefixtures("lunner")
def test_the_pdf_has_the_result(client: Client, tmp_path: Path) -> None:
    response = client.get(URL + "pdf/", EARLIER)
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Savings for Lunner" in text and "Sick leave" in text
