"""The effect study pages: who may start a study, the forms, the study page and its PDF."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.registry.registry_fixtures import read_table
from trepart.evaluation.models import EffectStudy, StudyKind
from trepart.registry.demo import load_demo
from trepart.registry.models import Programme

NEW_DID = "/effektstudier/ny/did/"
NEW_SYNTH = "/effektstudier/ny/syntetisk-kontroll/"
KKP = "kvalitetskommuneprogrammet"


def _did_post(programme: Programme, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "program": programme.slug,
        "title": "",
        "outcome": "sick_leave_pct",
        "cohorts": [str(c.pk) for c in programme.cohorts.all()],
        "comparison": "never",
        "method": "dr",
        "anticipation": "0",
        "bootstrap": "0",
        "seed": "2007",
        "structure_date": "2024-01-01",
        "first_year": "2002",
        "last_year": "2012",
    }
    data.update(changes)
    return data


@pytest.fixture
def signed_in(client: Client, analyst: User) -> Client:
    client.force_login(analyst)
    return client


def test_the_list_is_public_and_only_offers_new_studies_to_those_allowed(
    client: Client, db: None, analyst: User
) -> None:
    html = client.get("/effektstudier/").content.decode()
    assert "No effect studies yet." in html
    assert NEW_DID not in html
    client.force_login(analyst)
    html = client.get("/effektstudier/").content.decode()
    assert NEW_DID in html and NEW_SYNTH in html


def test_starting_a_study_needs_an_account_with_the_permission(client: Client, db: None) -> None:
    load_demo()
    response = client.get(NEW_DID)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(User.objects.create_user("outsider"))
    assert client.get(NEW_DID).status_code == 403
    assert client.post(NEW_DID, {"program": KKP}).status_code == 403
    # The demo's programme coordinator may.
    client.force_login(User.objects.get(username="koordinator"))
    assert client.get(NEW_DID, {"program": KKP}).status_code == 200


def test_the_form_offers_the_programmes_cohorts_and_the_stored_indicators(
    signed_in: Client, registry: None
) -> None:
    html = signed_in.get(NEW_DID).content.decode()
    assert 'name="program"' in html and "Kvalitetskommuneprogrammet" in html
    html = signed_in.get(NEW_DID, {"program": KKP}).content.decode()
    for cohort in ("Innsatskommuner sykefravær", "Pulje I", "Pulje IV"):
        assert cohort in html
    assert 'value="sick_leave_pct" selected' in html
    # The structure defaults to 1 January 2024, the years to two years after the programme.
    assert 'value="2024-01-01"' in html
    assert re.search(r'name="last_year" value="2012"', html)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cohorts": []}, "cohorts", "This field is required."),
        ({"first_year": "2008"}, "first_year", "before the first treated year (2007)"),
        ({"last_year": "2008"}, "last_year", "include the last treated year (2010)"),
        ({"first_year": "2012"}, "last_year", "The last year must come after the first year."),
        ({"structure_date": "1999-01-01"}, "structure_date", "from 2002-01-01 to 2024-12-31"),
        ({"covariates": ["sick_leave_pct"]}, "covariates", "cannot also be a covariate"),
        ({"method": "ols"}, "method", "Select a valid choice."),
    ],
)
def test_bad_settings_are_explained_at_their_field_and_nothing_is_started(
    signed_in: Client, registry: None, changes: dict[str, Any], field: str, message: str
) -> None:
    programme = Programme.objects.get(slug=KKP)
    response = signed_in.post(NEW_DID, _did_post(programme, **changes))
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(rf'id="id_{field}-error">([^<]*)<', html)
    assert error is not None, html
    assert message in error.group(1)
    assert not EffectStudy.objects.exists()


def test_a_study_runs_and_its_page_shows_the_estimate_beside_the_truth(
    signed_in: Client, demo: None, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    programme = Programme.objects.get(slug=KKP)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(NEW_DID, _did_post(programme))
    study = EffectStudy.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/effektstudier/{study.pk}/"
    assert study.kind == StudyKind.DID
    assert study.title == "Sick leave – Kvalitetskommuneprogrammet"

    anonymous = Client()
    anonymous.cookies["trepart_language"] = "en"
    page = anonymous.get(study.get_absolute_url(), secure=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert "These values are synthetic." in html
    truth = {row[0]: row[1] for row in read_table(html, "truth-caption")[1:]}
    assert truth["True (synthetic data)"] == "-0.400"
    assert float(truth["Estimated"]) == pytest.approx(study.result["headline"]["att"], abs=5e-4)
    assert "The true effect lies inside the 95 % confidence interval." in html
    events = read_table(html, "event-table")
    assert events[0] == [
        "Event time (years since the start)",
        "Effect",
        "Standard error",
        "95 % CI from",
        "95 % CI to",
    ]
    event_times = [int(row[0]) for row in events[1:-1]]
    assert event_times == list(range(-7, 6))  # cohorts 2007–2010 in 2002–2012
    assert events[-1][0] == "Overall"
    assert 'role="img" aria-labelledby="event-study-caption"' in html
    assert "pre-test" in html.lower()
    cohorts = {row[0]: row[1] for row in read_table(html, "cohort-caption")[1:]}
    assert set(cohorts) == {"never (comparison group)", "2007", "2008", "2009", "2010"}
    assert read_table(html, "excluded-caption")
    # In Norwegian, why a municipality was left out is said in Norwegian too.
    norwegian = Client()
    norwegian.cookies["trepart_language"] = "nb"
    page_nb = norwegian.get(study.get_absolute_url(), secure=True).content.decode()
    reasons = [" ".join(row[1:]) for row in read_table(page_nb, "excluded-caption")[1:]]
    assert reasons and not any("treated" in r or "mixes" in r for r in reasons)
    assert all("behandl" in r or "pulje" in r for r in reasons)
    assert read_table(html, "cells-caption")[1][0] == "2007"
    assert f"Trepart {study.software_version}" in html
    # Anonymous visitors neither see the job nor may rerun.
    assert "/jobber/" not in html and "Run again" not in html

    html = signed_in.get(study.get_absolute_url()).content.decode()
    assert "Run again with the same settings" in html
    # The one who started it sees the job, which links to the study.
    assert study.job is not None
    job_page = signed_in.get(f"/jobber/{study.job.pk}/").content.decode()
    assert f'href="/effektstudier/{study.pk}/"' in job_page

    pdf = anonymous.get(f"/effektstudier/{study.pk}/pdf/", secure=True)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    # Run again: a new study with the same settings and the same numbers.
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(f"/effektstudier/{study.pk}/kjor-pa-nytt/")
    second = EffectStudy.objects.exclude(pk=study.pk).get()
    assert response["Location"] == second.get_absolute_url()
    assert second.settings == study.settings
    assert second.result["aggregates"] == study.result["aggregates"]


def test_a_synthetic_control_study_of_one_member(
    signed_in: Client, demo: None, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    programme = Programme.objects.get(slug=KKP)
    html = signed_in.get(NEW_SYNTH, {"program": KKP}).content.decode()
    options = re.findall(r'<option value="(\d{4})"', html)
    assert options, "no member municipalities offered"
    code = options[0]
    data = {
        "program": KKP,
        "municipality": code,
        "outcome": "sick_leave_pct",
        "treatment_year": "",
        "structure_date": "2024-01-01",
        "first_year": "2002",
        "last_year": "2012",
        "donors_excluded": "0301, 4601",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(NEW_SYNTH, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    study = EffectStudy.objects.get()
    assert study.kind == StudyKind.SYNTH and study.programme == programme
    assert study.settings["municipality"] == code
    assert study.settings["donors_excluded"] == ["0301", "4601"]
    assert study.settings["placebos"] is False
    assert study.result, study.job.errors if study.job else "no job"
    html = signed_in.get(study.get_absolute_url()).content.decode()
    weights = read_table(html, "weights-caption")[1:]
    assert weights and not any(row[0].startswith(("0301", "4601")) for row in weights)
    assert abs(sum(float(row[1]) for row in weights) - 1) < 0.01
    assert read_table(html, "balance-caption")[1][0].startswith("Sick leave")
    assert len(read_table(html, "synth-table-caption")) == 1 + 11
    assert 'aria-labelledby="gaps-chart-caption"' in html
    assert "The placebo test was not run." in html
    pdf = signed_in.get(f"/effektstudier/{study.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"


def test_a_study_that_cannot_be_estimated_fails_with_the_reason(
    signed_in: Client,
    registry: None,
    immediate_tasks: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # One municipality with one value: no comparison is possible.
    programme = Programme.objects.get(slug=KKP)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(NEW_DID, _did_post(programme))
    study = EffectStudy.objects.get()
    assert study.job is not None and study.job.status == "failed"
    assert not study.result
    html = unescape(signed_in.get(study.get_absolute_url()).content.decode())
    assert "Failed" in html
    assert "no municipality has a value of 'sick_leave_pct'" in html
    assert f'href="/jobber/{study.job.pk}/"' in html
    assert signed_in.get(f"/effektstudier/{study.pk}/pdf/").status_code == 404


def test_a_queued_study_shows_its_status_and_updates_itself(
    signed_in: Client, registry: None, django_capture_on_commit_callbacks: Any
) -> None:
    # The default task backend queues the job for `trepart worker`, which is not running here.
    programme = Programme.objects.get(slug=KKP)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(NEW_DID, _did_post(programme))
    study = EffectStudy.objects.get()
    assert study.job is not None and study.job.status == "queued" and study.job.task_id
    html = signed_in.get(study.get_absolute_url()).content.decode()
    assert "Queued" in html
    assert 'hx-trigger="every 2s"' in html
    assert "trepart worker" in html
    listing = signed_in.get("/effektstudier/").content.decode()
    assert read_table(listing, "studies-caption")[1][3] == "Queued"
