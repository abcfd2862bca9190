"""The web page, the CLI and the API compute a scenario the same way (one compute_scenario)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from typer.testing import CliRunner

from tests.indicators.conftest import parsed
from tests.savings.test_compute_cli import lunner  # noqa: F401  (the fixture)
from trepart.analysis.indicator_files import IndicatorRow
from trepart.cli import app
from trepart.indicators.actions import do_import

pytestmark = pytest.mark.django_db


def _cli(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(app, ["savings", "compute", "3234", "--json", *args])
    assert result.exit_code == 0, result.output
    body: dict[str, object] = json.loads(result.output)
    return body


def _report_only(body: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in body.items() if k not in ("municipality", "name", "year", "synthetic")}


@pytest.mark.usefixtures("lunner")
def test_web_cli_and_api_give_the_same_report(client: Client) -> None:
    web = client.get(
        "/kommuner/3234/besparelser/",
        {
            "aar": "2024",
            "grunnlag": "earlier",
            "fra": "2007",
            # as typed in the form: decimal comma; the default wage given again is no change
            "turnover_fte_years_per_replacement": "0,4",
            "annual_wage_nok": "613 200",
        },
    ).context["report"]
    cli = _cli(
        "--year",
        "2024",
        "--baseline",
        "earlier:2007",
        "--param",
        "turnover_fte_years_per_replacement=0.4",
        "--param",
        "annual_wage_nok=613200",
    )
    api = client.get(
        "/api/municipalities/3234/savings",
        {
            "year": "2024",
            "baseline": "earlier:2007",
            "turnover_fte_years_per_replacement": "0.4",
        },
    ).json()
    assert web.to_json() == _report_only(cli) == _report_only(api)
    assert web.parameters.version == "2026-1+turnover_fte_years_per_replacement=0.4"


@pytest.mark.usefixtures("lunner")
def test_a_bad_field_keeps_the_default_and_the_rest_still_counts(client: Client) -> None:
    response = client.get(
        "/kommuner/3234/besparelser/",
        {
            "grunnlag": "earlier",
            "fra": "2007",
            "annual_wage_nok": "lots",
            "turnover_fte_years_per_replacement": "0.4",
        },
    )
    fields = {f.name: f for f in response.context["fields"]}
    assert "not a number" in fields["annual_wage_nok"].error
    report = response.context["report"]
    assert report.parameters.version == "2026-1+turnover_fte_years_per_replacement=0.4"


@pytest.fixture
def with_consultants(db: None) -> None:
    do_import(
        None,
        parsed(
            IndicatorRow("0533", "consultant_spending_nok", 2007, None, 1_000_000, "t"),
            IndicatorRow("3234", "consultant_spending_nok", 2024, None, 1_200_000, "t"),
        ),
    )


@pytest.mark.usefixtures("lunner", "with_consultants")
def test_a_price_index_puts_the_earlier_kroner_in_this_years_prices(client: Client) -> None:
    """1 000 000 kr in 2007 × 120 / 80 = 1 500 000 kr of 2024; 1 200 000 spent: 300 000 saved."""
    cli = _cli(
        "--year",
        "2024",
        "--baseline",
        "earlier:2007",
        "--price-index",
        "2007=80",
        "--price-index",
        "2024=120",
        "--price-source",
        "test index",
    )
    items = {i["key"]: i for i in cli["items"]}  # type: ignore[attr-defined]
    assert items["consultants"]["nok_per_year"] == 300_000
    inputs = items["consultants"]["trace"]["inputs"]
    assert inputs["baseline_consultant_spending_nok_in_2024_prices"] == 1_500_000
    web = client.get(
        "/kommuner/3234/besparelser/",
        {
            "grunnlag": "earlier",
            "fra": "2007",
            "prisindeks_fra": "80",
            "prisindeks_aar": "120",
            "prisindeks_kilde": "test index",
        },
    )
    assert web.context["report"].to_json() == _report_only(cli)
    html = web.content.decode()
    assert "expressed in 2024 prices: multiplied by 1.5000" in html
    api = client.get(
        "/api/municipalities/3234/savings",
        {
            "year": "2024",
            "baseline": "earlier:2007",
            "price_index": ["2007:80", "2024:120"],
            "price_source": "test index",
        },
    ).json()
    assert _report_only(api) == _report_only(cli)
    without = _cli("--year", "2024", "--baseline", "earlier:2007")
    plain = {i["key"]: i for i in without["items"]}  # type: ignore[attr-defined]
    assert plain["consultants"]["nok_per_year"] == -200_000


@pytest.mark.usefixtures("lunner")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--price-index", "2007=80"), "needs a value for 2024"),
        (("--price-index", "x"), "use YEAR=VALUE"),
        (("--price-index", "2007=a", "--price-index", "2024=1"), "is not a number"),
    ],
)
def test_a_bad_price_index_is_a_clear_error(args: tuple[str, ...], message: str) -> None:
    result = CliRunner().invoke(
        app,
        ["savings", "compute", "3234", "--year", "2024", "--baseline", "earlier:2007", *args],
    )
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.usefixtures("lunner")
def test_a_price_index_needs_an_earlier_year_baseline() -> None:
    result = CliRunner().invoke(
        app,
        ["savings", "compute", "3234", "--year", "2024", "--price-index", "2024=1"],
    )
    assert result.exit_code == 2
    assert "earlier-year baseline only" in result.output
