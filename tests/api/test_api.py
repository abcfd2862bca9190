"""The read API at /api/: programmes, cohorts, participation and municipalities."""

from __future__ import annotations

import pytest
from django.test import Client

from trepart.registry.demo import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    load_demo()


def test_the_openapi_document_lists_every_read_endpoint(client: Client) -> None:
    document = client.get("/api/openapi.json").json()
    assert document["info"]["title"] == "Trepart API"
    assert set(document["paths"]) >= {
        "/api/programmes",
        "/api/programmes/{slug}",
        "/api/cohorts",
        "/api/cohorts/{cohort_id}",
        "/api/participations",
        "/api/municipalities",
        "/api/municipalities/{code}",
        "/api/municipalities/{code}/translate",
        "/api/indicators",
        "/api/municipalities/{code}/indicators",
        "/api/savings/seed-study",
    }


def test_the_api_documentation_page_loads_its_assets_locally(client: Client) -> None:
    html = client.get("/api/docs").content.decode()
    assert "swagger" in html.lower()
    assert "cdn." not in html


def test_programmes_come_with_their_cohorts_and_agreement_parties(
    client: Client, demo: None
) -> None:
    programmes = client.get("/api/programmes").json()
    assert [p["slug"] for p in programmes] == [
        "modellkommuneforsoket",
        "kvalitetskommuneprogrammet",
        "sammen-om-en-bedre-kommune",
    ]
    kkp = client.get("/api/programmes/kvalitetskommuneprogrammet").json()
    assert kkp["agreement_date"] == "2006-10-23"
    assert "KS" in kkp["parties"]
    assert [c["name"] for c in kkp["cohorts"]] == [
        "Innsatskommuner sykefravær",
        "Pulje I",
        "Pulje II",
        "Pulje III",
        "Pulje IV",
    ]
    assert kkp["cohorts"][3]["start_precision"] == "month"


def test_an_unknown_programme_or_cohort_is_404(client: Client, demo: None) -> None:
    assert client.get("/api/programmes/nope").status_code == 404
    assert client.get("/api/cohorts/999999").status_code == 404


def test_cohorts_can_be_filtered_by_programme(client: Client, demo: None) -> None:
    cohorts = client.get("/api/cohorts", {"programme": "sammen-om-en-bedre-kommune"}).json()
    assert [(c["name"], c["planned_size"]) for c in cohorts] == [("Deltakerkommuner", 104)]
    one = client.get(f"/api/cohorts/{cohorts[0]['id']}").json()
    assert one["programme"] == "sammen-om-en-bedre-kommune"


def test_participations_carry_names_and_the_demo_flag(client: Client, demo: None) -> None:
    rows = client.get("/api/participations", {"programme": "kvalitetskommuneprogrammet"}).json()
    assert len(rows) == 143
    assert all(row["is_demo"] for row in rows)
    assert all(row["municipality_name"] not in ("", "?") for row in rows)
    cohort_id = rows[0]["cohort_id"]
    in_cohort = client.get("/api/participations", {"cohort": cohort_id}).json()
    assert {row["cohort_id"] for row in in_cohort} == {cohort_id}
    code = rows[0]["municipality_code"]
    by_code = client.get("/api/participations", {"municipality": code}).json()
    assert by_code and {row["municipality_code"] for row in by_code} == {code}


def test_municipalities_valid_on_a_date(client: Client) -> None:
    assert len(client.get("/api/municipalities", {"on": "2024-01-01"}).json()) == 357
    assert len(client.get("/api/municipalities", {"on": "2019"}).json()) == 422
    found = client.get("/api/municipalities", {"q": "Lunner"}).json()
    assert {m["code"] for m in found} == {"0533", "3054", "3234"}


def test_a_bad_date_is_a_clear_422(client: Client) -> None:
    response = client.get("/api/municipalities", {"on": "1999-01-01"})
    assert response.status_code == 422
    assert "2002" in response.json()["detail"]


def test_a_code_history(client: Client) -> None:
    history = client.get("/api/municipalities/0533").json()
    assert history["periods"][0]["name"] == "Lunner"
    assert [c["new_code"] for c in history["successors"]] == ["3054"]
    assert client.get("/api/municipalities/0000").status_code == 404


@pytest.mark.parametrize(
    ("code", "start", "end", "kind", "codes"),
    [
        ("0533", "2006-01-01", "2024-01-01", "renumbered", ["3234"]),
        ("1017", "2019-01-01", "2020-01-01", "merged", ["4204"]),
        ("1507", "2020-01-01", "2024-01-01", "split", ["1508", "1580"]),
        ("0301", "2002", "2024", "unchanged", ["0301"]),
    ],
)
def test_translating_a_code(
    client: Client, code: str, start: str, end: str, kind: str, codes: list[str]
) -> None:
    body = client.get(f"/api/municipalities/{code}/translate", {"from": start, "to": end}).json()
    assert (body["kind"], body["codes"], body["needs_weights"]) == (kind, codes, kind == "split")


def test_translating_an_invalid_code_is_a_clear_422(client: Client) -> None:
    response = client.get(
        "/api/municipalities/0533/translate", {"from": "2024-01-01", "to": "2006-01-01"}
    )
    assert response.status_code == 422
    assert "0533" in response.json()["detail"]


def test_the_indicator_catalogue(client: Client) -> None:
    indicators = {i["id"]: i for i in client.get("/api/indicators").json()}
    assert indicators["sick_leave_pct"]["unit"] == "percent"
    assert indicators["sick_leave_pct"]["weight"] == "contracted_workdays"
    assert indicators["sick_leave_pct"]["name_nb"] == "Sykefravær"


def test_a_municipalitys_indicators_in_a_chosen_structure(client: Client) -> None:
    from trepart.analysis.indicator_files import IndicatorRow, ParsedFile
    from trepart.indicators.actions import do_import

    rows = (
        IndicatorRow("0533", "turnover_pct", 2019, None, 12.0, "t", row=2),
        IndicatorRow("3234", "turnover_pct", 2024, None, 10.0, "t", row=3),
    )
    do_import(None, ParsedFile("t.csv", "csv", rows))
    body = client.get("/api/municipalities/3234/indicators").json()
    assert (body["name"], body["structure_date"], body["synthetic"]) == (
        "Lunner",
        "2024-01-01",
        False,
    )
    [turnover] = body["series"]
    assert [(p["year"], p["value"]) for p in turnover["points"]] == [(2019, 12.0), (2024, 10.0)]
    assert client.get("/api/municipalities/0533/indicators").status_code == 404
    old = client.get("/api/municipalities/0533/indicators", {"structure": "2019"}).json()
    assert old["name"] == "Lunner"


def test_the_seed_study_check(client: Client) -> None:
    checks = client.get("/api/savings/seed-study").json()
    assert [(c["municipality"], c["agrees"], c["within_rounding"]) for c in checks] == [
        ("Lunner", True, True),
        ("Songdalen", False, True),
        ("Bamble", False, False),
    ]
    assert client.get("/api/savings/seed-study", {"reading": "x"}).status_code == 422
