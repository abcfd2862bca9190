"""`trepart savings compute`: a municipality's savings from stored values against a baseline."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from typer.testing import CliRunner

from tests.indicators.conftest import parsed
from trepart.analysis import savings
from trepart.analysis.indicator_files import IndicatorRow
from trepart.cli import app
from trepart.indicators.actions import do_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def lunner() -> None:
    rows = []
    for code, year, sick, turnover in (("0533", 2007, 10.0, 12.0), ("3234", 2024, 9.0, 10.0)):
        rows += [
            IndicatorRow(code, "sick_leave_pct", year, None, sick, "t"),
            IndicatorRow(code, "contracted_workdays", year, None, 100_000, "t"),
            IndicatorRow(code, "turnover_pct", year, None, turnover, "t"),
            IndicatorRow(code, "headcount", year, None, 800, "t"),
        ]
    do_import(None, parsed(*rows))


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["savings", "compute", *args])
    return result.exit_code, result.output


def test_savings_against_the_municipalitys_own_earlier_year(lunner: None) -> None:
    code, output = _run("3234", "--year", "2024", "--baseline", "earlier:2007", "--json")
    assert code == 0, output
    report = json.loads(output)
    items = {item["key"]: item for item in report["items"]}
    # 1 percentage point less sick leave over 100 000 contracted workdays: 1 000 days avoided.
    per_day = savings.cost_per_lost_workday().result
    assert items["sick_leave"]["nok_per_year"] == round(1000 * per_day)
    # 2 percentage points less turnover of 800 employees: 16 leavers avoided.
    per_leaver = savings.turnover_cost_per_leaver().result
    assert items["turnover"]["nok_per_year"] == round(16 * per_leaver)
    assert report["name"] == "Lunner" and report["synthetic"] is False


def test_a_changed_parameter_changes_the_result(lunner: None) -> None:
    code, output = _run(
        "3234",
        "--year",
        "2024",
        "--baseline",
        "earlier:2007",
        "--param",
        "turnover_fte_years_per_replacement=0.4",
        "--json",
    )
    assert code == 0, output
    changed = json.loads(output)
    turnover = {i["key"]: i["nok_per_year"] for i in changed["items"]}["turnover"]
    params = savings.DEFAULTS.replace(turnover_fte_years_per_replacement="0.4")
    assert turnover == round(16 * savings.turnover_cost_per_leaver(params).result)
    assert changed["parameters"]["version"] != savings.DEFAULTS.version


def test_the_table_is_in_the_chosen_language(lunner: None) -> None:
    code, output = _run("3234", "--year", "2024", "--baseline", "earlier:2007", "--language", "en")
    assert code == 0, output
    assert "Lunner" in output and "Sick leave" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("3234", "--year", "2023"), "no values stored for 3234 Lunner in 2023"),
        (("3234", "--year", "2024", "--baseline", "earlier:2010"), "baseline year 2010"),
        (
            ("3234", "--year", "2024", "--baseline", "soon"),
            "use 'national', 'earlier:YEAR', 'group' or 'group:GROUPING'",
        ),
        (("3234", "--year", "2024", "--param", "x=1"), "'x' is not a cost parameter"),
        (("3234", "--year", "2024", "--param", "annual_wage_nok"), "use NAME=VALUE"),
        (("0000", "--year", "2024"), "0000"),
    ],
)
def test_bad_input_is_a_clear_error(lunner: None, args: tuple[str, ...], message: str) -> None:
    code, output = _run(*args)
    assert code == 2
    assert message in output


def test_the_api_gives_the_same_report_as_the_command(lunner: None, client: object) -> None:

    assert isinstance(client, Client)
    query = {
        "year": "2024",
        "baseline": "earlier:2007",
        "turnover_fte_years_per_replacement": "0.4",
    }
    body = client.get("/api/municipalities/3234/savings", query).json()
    code, output = _run(
        "3234",
        "--year",
        "2024",
        "--baseline",
        "earlier:2007",
        "--param",
        "turnover_fte_years_per_replacement=0.4",
        "--json",
    )
    assert code == 0
    assert body == json.loads(output)
    bad = client.get("/api/municipalities/3234/savings", {"year": "2024", "baseline": "x"})
    assert bad.status_code == 422 and "earlier:YEAR" in bad.json()["detail"]
    assert client.get("/api/municipalities/0000/savings", {"year": "2024"}).status_code == 404
