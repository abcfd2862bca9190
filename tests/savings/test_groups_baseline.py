"""Comparison groupings: imported from CSV, shown on the indicator page, used as a baseline.

The grouping is made up for the tests (groups "A" and "B"), not SSB's KOSTRA groups.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from typer.testing import CliRunner

from tests.indicators.conftest import parsed
from tests.registry.registry_fixtures import read_table
from trepart.analysis import savings
from trepart.analysis.indicator_files import IndicatorRow
from trepart.cli import app
from trepart.core.models import AuditEvent
from trepart.indicators.actions import do_import
from trepart.savings.models import ComparisonGrouping

pytestmark = pytest.mark.django_db

GROUPING = "code,group,group_name\n3234,A,Group A\n0301,A,Group A\n1101,B,Group B\n"


@pytest.fixture
def stored() -> None:
    rows = []
    for code, sick, workdays, turnover in (
        ("3234", 9.0, 100_000, 10.0),
        ("0301", 6.0, 300_000, 14.0),
        ("1101", 3.0, 100_000, 2.0),
    ):
        rows += [
            IndicatorRow(code, "sick_leave_pct", 2024, None, sick, "t"),
            IndicatorRow(code, "contracted_workdays", 2024, None, workdays, "t"),
            IndicatorRow(code, "turnover_pct", 2024, None, turnover, "t"),
            IndicatorRow(code, "headcount", 2024, None, 800, "t"),
        ]
    do_import(None, parsed(*rows))


def _import(tmp_path: Path, text: str = GROUPING, slug: str = "test") -> tuple[int, str]:
    path = tmp_path / "grouping.csv"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "savings",
            "import-grouping",
            str(path),
            "--slug",
            slug,
            "--name",
            "Test grouping",
            "--valid-on",
            "2024",
            "--source",
            "made up for the tests",
        ],
    )
    return result.exit_code, result.output


def test_a_grouping_is_imported_audited_and_replaced(tmp_path: Path) -> None:
    code, output = _import(tmp_path)
    assert code == 0, output
    assert "3 municipalities in 2 groups" in output
    grouping = ComparisonGrouping.objects.get(slug="test")
    assert grouping.memberships.get(municipality_code="0301").group_code == "A"
    code, output = _import(tmp_path, "code,group\n3234,B\n")
    assert code == 0, output
    assert grouping.memberships.get().group_code == "B"
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "savings.grouping_imported" in actions and "savings.grouping_replaced" in actions


def test_a_bad_grouping_file_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    code, output = _import(tmp_path, "code,group\n3234,A\n3234,B\n")
    assert code == 2
    assert "grouping.csv: row 3, column code: 3234 is listed twice" in output
    assert not ComparisonGrouping.objects.exists()
    code, output = _import(tmp_path, GROUPING, slug="not a slug")
    assert code == 2 and "Error:" in output
    assert not ComparisonGrouping.objects.exists()


@pytest.mark.usefixtures("stored")
def test_the_group_baseline_is_the_groups_average(tmp_path: Path) -> None:
    """Group A = Lunner 3234 and Oslo 0301. Sick leave, weighted by contracted workdays:
    (9 × 100 000 + 6 × 300 000) / 400 000 = 6.75 %; Lunner's 9 % is 2.25 points worse, so
    2 250 lost workdays more than the group: a negative saving."""
    assert _import(tmp_path)[0] == 0
    result = CliRunner().invoke(
        app, ["savings", "compute", "3234", "--year", "2024", "--baseline", "group", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["baseline"]["values"]["sick_leave_pct"] == pytest.approx(6.75)
    assert report["baseline"]["label"] == "Test grouping: Group A average 2024"
    sick = {i["key"]: i["nok_per_year"] for i in report["items"]}["sick_leave"]
    per_day = savings.cost_per_lost_workday().result
    assert sick == round(-2250 * per_day)
    named = CliRunner().invoke(
        app, ["savings", "compute", "3234", "--year", "2024", "--baseline", "group:test", "--json"]
    )
    assert json.loads(named.output) == report
    missing = CliRunner().invoke(
        app, ["savings", "compute", "3234", "--year", "2024", "--baseline", "group:other"]
    )
    assert missing.exit_code == 2 and "no comparison grouping 'other'" in missing.output


@pytest.mark.usefixtures("stored")
def test_without_a_grouping_the_group_baseline_says_so(client: Client) -> None:
    result = CliRunner().invoke(
        app, ["savings", "compute", "3234", "--year", "2024", "--baseline", "group"]
    )
    assert result.exit_code == 2
    assert "no comparison grouping has been imported" in result.output
    html = client.get("/kommuner/3234/besparelser/", {"grunnlag": "group"}).content.decode()
    assert "No comparison grouping has been imported yet" in html


@pytest.mark.usefixtures("stored")
def test_the_indicator_page_compares_with_the_group(client: Client, tmp_path: Path) -> None:
    html = client.get("/kommuner/3234/indikatorer/").content.decode()
    assert "Average of" not in html
    assert _import(tmp_path)[0] == 0
    html = client.get("/kommuner/3234/indikatorer/").content.decode()
    rows = read_table(html, "overview-caption")
    assert rows[0][-1] == "Average of Group A"
    sick = next(row for row in rows if row[0] == "Sick leave")
    # Lunner 9 %, national (9·1 + 6·3 + 3·1)/5 = 6 %, group A 6.75 %.
    assert sick[2:] == ["9.0 %", "6.0 %", "6.8 %"]
    assert "Test grouping" in html and "made up for the tests" in html


@pytest.mark.usefixtures("stored")
def test_the_savings_page_and_the_api_offer_the_group(client: Client, tmp_path: Path) -> None:
    assert _import(tmp_path)[0] == 0
    response = client.get(
        "/kommuner/3234/besparelser/", {"grunnlag": "group", "gruppering": "test"}
    )
    assert "Test grouping: Group A average 2024" in response.content.decode()
    body = client.get(
        "/api/municipalities/3234/savings", {"year": "2024", "baseline": "group:test"}
    ).json()
    assert body["baseline"]["values"]["sick_leave_pct"] == pytest.approx(6.75)
    assert response.context["report"].to_json() == {
        k: v for k, v in body.items() if k not in ("municipality", "name", "year", "synthetic")
    }
