"""`trepart demo` loads the programmes and cohorts of the seed decks with made-up members."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from trepart.analysis import municipalities
from trepart.registry.demo import DEMO_LOGINS, load_demo
from trepart.registry.models import Cohort, Participation, Programme

pytestmark = pytest.mark.django_db

# Sizes and dates from the Kvalitetskommune deck (seed 000) and "Samarbeid lønner seg" (seed 002).
COHORTS = [
    ("modellkommuneforsoket", "Modellkommuner", dt.date(1999, 1, 1), "year", 10),
    ("kvalitetskommuneprogrammet", "Innsatskommuner sykefravær", dt.date(2007, 1, 1), "year", 12),
    ("kvalitetskommuneprogrammet", "Pulje I", dt.date(2007, 3, 28), "day", 28),
    ("kvalitetskommuneprogrammet", "Pulje II", dt.date(2007, 10, 17), "day", 46),
    ("kvalitetskommuneprogrammet", "Pulje III", dt.date(2008, 6, 1), "month", 36),
    ("kvalitetskommuneprogrammet", "Pulje IV", dt.date(2009, 1, 13), "day", 21),
    ("sammen-om-en-bedre-kommune", "Deltakerkommuner", dt.date(2011, 1, 1), "year", 104),
]


@pytest.mark.parametrize(("programme", "name", "start", "precision", "size"), COHORTS)
def test_each_cohort_has_the_size_and_start_of_the_seed_deck(
    programme: str, name: str, start: dt.date, precision: str, size: int
) -> None:
    load_demo()
    cohort = Cohort.objects.get(programme__slug=programme, name=name)
    assert (cohort.start_date, cohort.start_precision, cohort.planned_size) == (
        start,
        precision,
        size,
    )
    assert cohort.participations.count() == size


@pytest.mark.parametrize(
    ("programme", "municipalities_in_all"),
    [
        ("modellkommuneforsoket", 10),
        ("kvalitetskommuneprogrammet", 138),
        ("sammen-om-en-bedre-kommune", 104),
    ],
)
def test_each_programme_has_as_many_distinct_municipalities_as_the_sources_say(
    programme: str, municipalities_in_all: int
) -> None:
    load_demo()
    codes = Participation.objects.filter(cohort__programme__slug=programme).values_list(
        "municipality_code", flat=True
    )
    assert len(set(codes)) == municipalities_in_all
    assert Programme.objects.get(slug=programme).planned_size == municipalities_in_all


def test_every_demo_member_is_a_real_municipality_valid_when_it_joined() -> None:
    load_demo()
    klass = municipalities.load()
    rows = list(Participation.objects.all())
    assert rows and all(row.is_demo for row in rows)
    for row in rows:
        on = max(row.joined, municipalities.FIRST_DATE)
        assert klass.municipality(row.municipality_code, on).code == row.municipality_code
        assert row.left is None or row.left > row.joined


def test_loading_the_demo_twice_gives_the_same_data_and_keeps_real_rows() -> None:
    load_demo()
    pulje = Cohort.objects.get(name="Pulje I")
    first = sorted(Participation.objects.values_list("cohort__name", "municipality_code"))
    # A real member registered by staff must survive a reload of the demo.
    real_code = next(
        m.code
        for m in municipalities.load().municipalities_on(pulje.start_date)
        if not pulje.participations.filter(municipality_code=m.code).exists()
    )
    Participation.objects.create(cohort=pulje, municipality_code=real_code, joined=pulje.start_date)
    load_demo()
    again = sorted(
        Participation.objects.filter(is_demo=True).values_list("cohort__name", "municipality_code")
    )
    assert again == [row for row in first if row != ("Pulje I", real_code)]
    assert Participation.objects.filter(is_demo=False, municipality_code=real_code).exists()
    assert Programme.objects.count() == 3


def test_the_demo_logins_work_and_staff_can_edit_the_registry() -> None:
    summary = load_demo()
    text = summary.describe()
    user_model = get_user_model()
    for login in DEMO_LOGINS:
        assert f"{login.username} / {login.password}" in text
        user = user_model.objects.get(username=login.username)
        assert user.check_password(login.password)
        assert user.is_staff
    coordinator = user_model.objects.get(username="koordinator")
    assert coordinator.has_perm("registry.change_participation")
    assert not coordinator.is_superuser
