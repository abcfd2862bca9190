"""Demo data: the real programmes and cohorts, with made-up member lists.

Programmes, cohort names, dates and sizes come from the seed decks (KS's Kvalitetskommune
workshop deck and "Samarbeid lønner seg"). The real member lists are not in our sources, so
members are drawn (with a fixed seed) from the real municipalities valid when each cohort
started, and every such participation is flagged ``is_demo``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction

from trepart.analysis import municipalities
from trepart.core.audit import record
from trepart.registry.models import Cohort, CohortFocus, DatePrecision, Participation, Programme

SEED = 2007


@dataclass(frozen=True)
class DemoCohort:
    name: str
    start: dt.date
    precision: DatePrecision
    focus: CohortFocus
    size: int


@dataclass(frozen=True)
class DemoProgramme:
    slug: str
    name: str
    start: dt.date
    end: dt.date | None
    size: int
    description: str
    cohorts: tuple[DemoCohort, ...]
    agreement_date: dt.date | None = None
    parties: tuple[str, ...] = ()
    #: members of the first cohort that also take part in later cohorts (see KKP below)
    overlap: int = 0


_KKP_PARTIES = (
    "KS",
    "LO Kommune",
    "YS Kommune",
    "Unio",
    "Akademikerne",
    "Kommunal- og regionaldepartementet",
    "Kunnskapsdepartementet",
    "Helse- og omsorgsdepartementet",
)

PROGRAMMES: tuple[DemoProgramme, ...] = (
    DemoProgramme(
        slug="modellkommuneforsoket",
        name="Modellkommuneforsøket",
        start=dt.date(1999, 1, 1),
        # The sources give only the start year; the demo ends the pilot after three years.
        end=dt.date(2001, 12, 31),
        size=10,
        description=(
            "Forsøk med utviklingsprosjekter i ti modellkommuner, forløperen til "
            "Kvalitetskommuneprogrammet. Kildene oppgir bare startåret; sluttåret 2001 er "
            "demodata."
        ),
        cohorts=(
            DemoCohort(
                "Modellkommuner", dt.date(1999, 1, 1), DatePrecision.YEAR, CohortFocus.PILOT, 10
            ),
        ),
    ),
    DemoProgramme(
        slug="kvalitetskommuneprogrammet",
        name="Kvalitetskommuneprogrammet",
        start=dt.date(2007, 1, 1),
        end=dt.date(2010, 12, 31),
        size=138,
        description=(
            "Trepartssamarbeid mellom staten, KS og arbeidstakerorganisasjonene om kvalitet i "
            "kommunale tjenester, redusert sykefravær og bedre omdømme, gjennomført i "
            "deltakerkommunene som lokalt trepartssamarbeid mellom politikere, administrasjon "
            "og tillitsvalgte."
        ),
        agreement_date=dt.date(2006, 10, 23),
        parties=_KKP_PARTIES,
        # The deck lists 12 + 28 + 46 + 36 + 21 = 143 memberships and 138 municipalities in
        # all: five of the twelve "innsatskommuner sykefravær" are also in a cohort.
        overlap=5,
        cohorts=(
            DemoCohort(
                "Innsatskommuner sykefravær",
                dt.date(2007, 1, 1),
                DatePrecision.YEAR,
                CohortFocus.SICK_LEAVE,
                12,
            ),
            DemoCohort("Pulje I", dt.date(2007, 3, 28), DatePrecision.DAY, CohortFocus.QUALITY, 28),
            DemoCohort(
                "Pulje II", dt.date(2007, 10, 17), DatePrecision.DAY, CohortFocus.QUALITY, 46
            ),
            DemoCohort(
                "Pulje III", dt.date(2008, 6, 1), DatePrecision.MONTH, CohortFocus.QUALITY, 36
            ),
            DemoCohort(
                "Pulje IV", dt.date(2009, 1, 13), DatePrecision.DAY, CohortFocus.QUALITY, 21
            ),
        ),
    ),
    DemoProgramme(
        slug="sammen-om-en-bedre-kommune",
        name="Sammen om en bedre kommune",
        start=dt.date(2011, 1, 1),
        end=dt.date(2015, 12, 31),
        size=104,
        description=(
            "Program for å møte utfordringene med sykefravær, heltid/deltid, rekruttering og "
            "omdømme gjennom lokalt trepartssamarbeid."
        ),
        cohorts=(
            DemoCohort(
                "Deltakerkommuner",
                dt.date(2011, 1, 1),
                DatePrecision.YEAR,
                CohortFocus.QUALITY,
                104,
            ),
        ),
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("koordinator", "trepart-demo-koordinator", "programme staff (edits the registry)"),
    DemoLogin("admin", "trepart-demo-admin", "administrator (everything)"),
)


@dataclass
class DemoSummary:
    programmes: int = 0
    cohorts: int = 0
    participations: int = 0
    logins: list[DemoLogin] = field(default_factory=list)

    def describe(self) -> str:
        lines = [
            f"Demo data loaded: {self.programmes} programmes, {self.cohorts} cohorts, "
            f"{self.participations} demo participations (made-up member lists).",
            "Demo logins (for the demo only; sign in at /admin/):",
        ]
        lines += [f"  {login.username} / {login.password}  – {login.role}" for login in self.logins]
        return "\n".join(lines)


def _draw_members(
    programme: DemoProgramme, rng: random.Random
) -> list[list[municipalities.Municipality]]:
    """Members for each cohort: distinct across the programme except the stated overlap."""
    klass = municipalities.load()
    taken: set[str] = set()
    members: list[list[municipalities.Municipality]] = []
    for index, cohort in enumerate(programme.cohorts):
        on = max(cohort.start, municipalities.FIRST_DATE)
        pool = [m for m in klass.municipalities_on(on) if m.code not in taken]
        if index == 1 and programme.overlap:
            # Cohorts after the first may re-use `overlap` members of the first one.
            reused = rng.sample(members[0], programme.overlap)
            valid_now = {m.code for m in klass.municipalities_on(on)}
            reused = [klass.municipality(m.code, on) for m in reused if m.code in valid_now]
        else:
            reused = []
        drawn = rng.sample(pool, cohort.size - len(reused))
        members.append(sorted(reused + drawn, key=lambda m: m.code))
        taken.update(m.code for m in drawn)
    return members


@transaction.atomic
def load_demo(seed: int = SEED) -> DemoSummary:
    """Create or refresh the demo programmes, cohorts, demo members and demo logins."""
    rng = random.Random(seed)
    summary = DemoSummary()
    for spec in PROGRAMMES:
        programme, _created = Programme.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "start_date": spec.start,
                "end_date": spec.end,
                "planned_size": spec.size,
                "description": spec.description,
                "agreement_date": spec.agreement_date,
                "agreement_parties": "\n".join(spec.parties),
            },
        )
        summary.programmes += 1
        members = _draw_members(spec, rng)
        for cohort_spec, cohort_members in zip(spec.cohorts, members, strict=True):
            cohort, _created = Cohort.objects.update_or_create(
                programme=programme,
                name=cohort_spec.name,
                defaults={
                    "start_date": cohort_spec.start,
                    "start_precision": cohort_spec.precision,
                    "focus": cohort_spec.focus,
                    "planned_size": cohort_spec.size,
                },
            )
            summary.cohorts += 1
            cohort.participations.filter(is_demo=True).delete()
            existing = set(cohort.participations.values_list("municipality_code", flat=True))
            rows = [
                Participation(
                    cohort=cohort,
                    municipality_code=member.code,
                    joined=cohort_spec.start,
                    left=_left(spec, rng),
                    is_demo=True,
                )
                for member in cohort_members
                if member.code not in existing
            ]
            Participation.objects.bulk_create(rows)
            summary.participations += len(rows)
        record(None, "demo loaded", programme, participations=summary.participations)
    summary.logins = _demo_logins()
    return summary


def _left(spec: DemoProgramme, rng: random.Random) -> dt.date | None:
    """About one member in twenty leaves before the programme ends."""
    if spec.end is None or rng.random() >= 0.05:
        return None
    return dt.date(spec.end.year - 1, 6, 30)


def _demo_logins() -> list[DemoLogin]:
    user_model = get_user_model()
    # Programme staff edit the registry and keep savings scenarios.
    registry_permissions = (
        Permission.objects.filter(content_type__app_label="registry")
        | Permission.objects.filter(
            content_type__app_label="savings", codename__endswith="savedscenario"
        )
        | (
            # Programme staff import indicator files (the page "Import indicator data").
            Permission.objects.filter(
                content_type__app_label="indicators",
                codename__in=("add_indicatorvalue", "view_indicatorvalue", "view_importbatch"),
            )
        )
        # Programme staff start effect studies.
        | Permission.objects.filter(
            content_type__app_label="evaluation", codename="add_effectstudy"
        )
    )
    for login in DEMO_LOGINS:
        user, _created = user_model.objects.get_or_create(username=login.username)
        user.set_password(login.password)
        user.is_staff = True
        user.is_superuser = login.username == "admin"
        user.save()
        if not user.is_superuser:
            user.user_permissions.set(registry_permissions)
    return list(DEMO_LOGINS)
