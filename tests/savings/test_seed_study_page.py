"""The seed study's table on the web and as PDF: printed figures, readings and disagreements."""

from __future__ import annotations

import subprocess

import pytest
from django.test import Client

from tests.registry.registry_fixtures import read_table

URL = "/besparelser/samarbeid-lonner-seg/"


def test_the_page_shows_each_municipalitys_verdict(client: Client) -> None:
    rows = read_table(client.get(URL).content.decode(), "check-caption")
    assert rows[0][0] == "Municipality"
    verdicts = {row[0]: (row[1], row[2], row[3], row[4]) for row in rows[1:]}
    assert verdicts == {
        "Lunner": ("-18.0", "-18.0", "0.0", "agrees"),
        "Songdalen": ("-15.5", "-15.6", "-0.1", "disagrees, but within rounding"),
        "Bamble": ("-16.4", "-17.0", "-0.6", "disagrees"),
    }


def test_the_table_shows_the_printed_text_beside_the_reading(client: Client) -> None:
    html = client.get(URL).content.decode()
    table = read_table(html, "seed-table-caption")
    sick_leave = next(row for row in table if row[0] == "Sick leave")
    assert sick_leave[1].startswith("-3.0")
    assert "printed «- 30» – read differently" in sick_leave[1]
    conflict = next(row for row in table if row[0] == "Reduced conflict")
    assert conflict[1].startswith("(-6.8)**")


def test_read_literally_no_total_agrees(client: Client) -> None:
    rows = read_table(client.get(URL, {"lesing": "as_printed"}).content.decode(), "check-caption")
    assert [row[4] for row in rows[1:]] == ["disagrees", "disagrees", "disagrees"]


def test_an_unknown_reading_is_404(client: Client) -> None:
    assert client.get(URL, {"lesing": "nonsense"}).status_code == 404


def test_in_bokmal_numbers_have_decimal_commas(bokmal_client: Client) -> None:
    html = bokmal_client.get(URL).content.decode()
    assert "-15,5" in html and "Sykefravær" in html


def test_the_pdf_has_the_table(client: Client, tmp_path: pytest.TempPathFactory) -> None:
    response = client.get(URL + "pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="samarbeid-lonner-seg-decimal_comma.pdf"' in response["Content-Disposition"]
    pdf = tmp_path / "seed.pdf"  # type: ignore[operator]
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Cooperation pays" in text
    assert "Bamble" in text and "disagrees" in text
