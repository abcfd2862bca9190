"""Reads of the programme registry for pages, the API and the CLI.

This is the one place where registry rows meet the municipal structure
(``trepart.analysis.municipalities``): each selector returns plain frozen dataclasses, so a
template never touches the ORM and never needs to know how municipality codes change.
The registry is public (no permission check): it holds programmes and which municipalities
took part, nothing about persons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from trepart.analysis import municipalities
from trepart.registry.models import Cohort, Participation, Programme

__all__ = [
    "CodeEvent",
    "CodeRef",
    "CodeSpan",
    "CohortCard",
    "CohortStatus",
    "MemberRow",
    "MunicipalityListing",
    "MunicipalityPage",
    "MunicipalityParticipation",
    "MunicipalitySearch",
    "ProgrammeOverview",
    "ProgrammeSummary",
    "TimelineRow",
    "municipality_page",
    "municipality_search",
    "programme_overview",
    "programme_summaries",
]

SEARCH_LIMIT = 50
MAX_QUERY_LENGTH = 100

# -- the home page -----------------------------------------------------------------------


@dataclass(frozen=True)
class CohortCard:
    name: str
    start_date: dt.date
    start_precision: str  # DatePrecision value: "day", "month" or "year"
    members: int


@dataclass(frozen=True)
class ProgrammeSummary:
    slug: str
    name: str
    start_date: dt.date
    end_date: dt.date | None
    planned_size: int | None
    #: distinct municipality codes registered in any cohort
    municipality_count: int
    cohorts: tuple[CohortCard, ...]


def programme_summaries() -> list[ProgrammeSummary]:
    """Every programme, oldest first, with its cohorts and how many municipalities took part."""
    cohorts = Cohort.objects.annotate(members=Count("participations")).order_by(
        "start_date", "name"
    )
    # Meta.ordering does not apply to aggregate queries, so the order is spelled out.
    programmes = (
        Programme.objects.annotate(
            municipality_count=Count("cohorts__participations__municipality_code", distinct=True)
        )
        .order_by("start_date", "name")
        .prefetch_related(Prefetch("cohorts", queryset=cohorts))
    )
    return [
        ProgrammeSummary(
            slug=programme.slug,
            name=programme.name,
            start_date=programme.start_date,
            end_date=programme.end_date,
            planned_size=programme.planned_size,
            municipality_count=programme.municipality_count,
            cohorts=tuple(
                CohortCard(
                    name=cohort.name,
                    start_date=cohort.start_date,
                    start_precision=cohort.start_precision,
                    members=cohort.members,  # type: ignore[attr-defined]
                )
                for cohort in programme.cohorts.all()
            ),
        )
        for programme in programmes
    ]


# -- the programme page ------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    """One participation as registered: the code and the name it had on the day it joined."""

    code: str
    name: str
    joined: dt.date
    left: dt.date | None
    is_demo: bool


@dataclass(frozen=True)
class CohortStatus:
    name: str
    start_date: dt.date
    start_precision: str
    focus: str  # the translated label of CohortFocus
    planned_size: int | None
    #: participations registered (members ever)
    registered: int
    #: participating on ``ProgrammeOverview.status_date``
    active: int
    #: left on or before ``ProgrammeOverview.status_date``
    left: int
    members: tuple[MemberRow, ...]


@dataclass(frozen=True)
class TimelineRow:
    """Participating municipalities at one point in time, per cohort (same order as the cohorts)."""

    label: str  # the year
    on: dt.date
    counts: tuple[int, ...]
    #: distinct municipalities: one in two cohorts is counted once here, twice in ``total``
    municipalities: int

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class ProgrammeOverview:
    slug: str
    name: str
    start_date: dt.date
    end_date: dt.date | None
    agreement_date: dt.date | None
    parties: tuple[str, ...]
    description: str
    planned_size: int | None
    #: the day the status counts are for: the programme's end, or today if it is still running
    status_date: dt.date
    status_at_end: bool
    cohorts: tuple[CohortStatus, ...]
    #: distinct municipality codes over all cohorts
    municipality_count: int
    #: participating municipalities at the end of each year (today for the current year)
    timeline: tuple[TimelineRow, ...]
    has_demo: bool

    @property
    def registered(self) -> int:
        return sum(c.registered for c in self.cohorts)

    @property
    def active(self) -> int:
        return sum(c.active for c in self.cohorts)

    @property
    def left(self) -> int:
        return sum(c.left for c in self.cohorts)

    @property
    def cohort_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.cohorts)


def programme_overview(slug: str, today: dt.date | None = None) -> ProgrammeOverview:
    """The programme with ``slug``, its cohorts' status and members; Http404 if there is none."""
    today = today or timezone.localdate()
    participations = Participation.objects.order_by("municipality_code")
    cohorts = Cohort.objects.order_by("start_date", "name").prefetch_related(
        Prefetch("participations", queryset=participations)
    )
    try:
        programme = Programme.objects.prefetch_related(Prefetch("cohorts", queryset=cohorts)).get(
            slug=slug
        )
    except Programme.DoesNotExist:
        raise Http404(f"no programme {slug!r}") from None

    status_at_end = programme.end_date is not None and programme.end_date <= today
    status_date = programme.end_date if programme.end_date and status_at_end else today
    klass = municipalities.load()
    cohort_rows = [
        (cohort, list(cohort.participations.all())) for cohort in programme.cohorts.all()
    ]
    statuses = tuple(
        CohortStatus(
            name=cohort.name,
            start_date=cohort.start_date,
            start_precision=cohort.start_precision,
            focus=cohort.get_focus_display(),
            planned_size=cohort.planned_size,
            registered=len(members),
            active=sum(p.is_active(status_date) for p in members),
            left=sum(p.left is not None and p.left <= status_date for p in members),
            members=tuple(_member_row(klass, p) for p in members),
        )
        for cohort, members in cohort_rows
    )
    every = [p for _cohort, members in cohort_rows for p in members]
    return ProgrammeOverview(
        slug=programme.slug,
        name=programme.name,
        start_date=programme.start_date,
        end_date=programme.end_date,
        agreement_date=programme.agreement_date,
        parties=tuple(programme.parties),
        description=programme.description,
        planned_size=programme.planned_size,
        status_date=status_date,
        status_at_end=status_at_end,
        cohorts=statuses,
        municipality_count=len({p.municipality_code for p in every}),
        timeline=_timeline(programme, [members for _cohort, members in cohort_rows], today),
        has_demo=any(p.is_demo for p in every),
    )


def _member_row(klass: municipalities.Klass, participation: Participation) -> MemberRow:
    return MemberRow(
        code=participation.municipality_code,
        name=_name_on(klass, participation.municipality_code, participation.code_date),
        joined=participation.joined,
        left=participation.left,
        is_demo=participation.is_demo,
    )


def _name_on(klass: municipalities.Klass, code: str, on: dt.date) -> str:
    try:
        return klass.municipality(code, on).name
    except municipalities.MunicipalityError:
        return "?"  # validated on save; only rows written around the actions lack a name


def _timeline(
    programme: Programme, cohorts: Sequence[Sequence[Participation]], today: dt.date
) -> tuple[TimelineRow, ...]:
    """Participation at the end of each year from the first join to the programme's end.

    A programme still running ends its timeline today, not at the end of the current year.
    """
    joins = [p.joined for members in cohorts for p in members]
    if not joins:
        return ()
    first_year = min(min(joins), programme.start_date).year
    last = programme.end_date if programme.end_date and programme.end_date <= today else today
    rows = []
    for year in range(first_year, last.year + 1):
        on = min(dt.date(year, 12, 31), last)
        counts = tuple(sum(p.is_active(on) for p in members) for members in cohorts)
        distinct = len({p.municipality_code for m in cohorts for p in m if p.is_active(on)})
        rows.append(TimelineRow(str(year), on, counts, municipalities=distinct))
    return tuple(rows)


# -- municipalities ----------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityListing:
    code: str
    name: str
    valid_from: dt.date
    valid_to: dt.date | None  # exclusive; None = still valid

    @property
    def valid_until(self) -> dt.date | None:
        """The last day this code and name were valid (inclusive), None if still valid."""
        return None if self.valid_to is None else self.valid_to - dt.timedelta(days=1)


@dataclass(frozen=True)
class MunicipalitySearch:
    query: str
    #: an explanation when the query itself was unusable (too long), else ""
    error: str
    results: tuple[MunicipalityListing, ...]
    #: True when there were more matches than shown
    truncated: bool
    #: the day of the listing when there was no query
    listed_on: dt.date


def municipality_search(query: str, today: dt.date | None = None) -> MunicipalitySearch:
    """Municipalities whose name contains ``query`` or whose number starts with it.

    Every code+name span since 2002 is searched, newest first; with no query, the
    municipalities valid ``today``.
    """
    today = today or timezone.localdate()
    klass = municipalities.load()
    query = query.strip()
    if not query:
        found = klass.municipalities_on(min(today, _last_known_day(klass, today)))
        return MunicipalitySearch("", "", tuple(_listing(m) for m in found), False, today)
    if len(query) > MAX_QUERY_LENGTH:
        return MunicipalitySearch(query[:MAX_QUERY_LENGTH], "too_long", (), False, today)
    found = klass.search(query, on=None, limit=SEARCH_LIMIT + 1)
    return MunicipalitySearch(
        query,
        "",
        tuple(_listing(m) for m in found[:SEARCH_LIMIT]),
        len(found) > SEARCH_LIMIT,
        today,
    )


def _last_known_day(klass: municipalities.Klass, today: dt.date) -> dt.date:
    _start, end = klass.versions[-1]
    return today if end is None else end - dt.timedelta(days=1)


def _listing(municipality: municipalities.Municipality) -> MunicipalityListing:
    return MunicipalityListing(
        municipality.code, municipality.name, municipality.valid_from, municipality.valid_to
    )


@dataclass(frozen=True)
class CodeRef:
    """Another municipality code, with its name on the day of the change."""

    code: str
    name: str


EventKind = Literal[
    "renamed",  # same code, new name
    "renumbered_from",  # this code replaced ``others[0]``
    "renumbered_to",  # this code was replaced by ``others[0]``
    "merged_from",  # ``others`` (and ``parts`` of codes split up) became (part of) this code
    "merged_into",  # this code became part of ``others[0]`` together with other codes
    "split_into",  # this code was divided between ``others``
]


@dataclass(frozen=True)
class CodeEvent:
    date: dt.date
    kind: EventKind
    others: tuple[CodeRef, ...]
    #: for "merged_from": codes split up, of which only a part became this code
    parts: tuple[CodeRef, ...] = ()
    #: for "merged_from": whether this code existed before and took the others in
    existed: bool = False
    #: the name this code had before the change, for "renamed"
    old_name: str = ""
    #: the name of this code (or of the resulting code) after the change
    new_name: str = ""


@dataclass(frozen=True)
class CodeSpan:
    """One code in a chain of renumberings, with the years it was valid."""

    code: str
    name: str
    valid_from: dt.date
    valid_to: dt.date | None  # exclusive

    @property
    def valid_until(self) -> dt.date | None:
        return None if self.valid_to is None else self.valid_to - dt.timedelta(days=1)


@dataclass(frozen=True)
class MunicipalityParticipation:
    programme_slug: str
    programme_name: str
    cohort_name: str
    joined: dt.date
    left: dt.date | None
    is_demo: bool
    #: the code and name the participation is registered under (its join date's structure)
    registered_as: CodeRef
    #: how that code relates to this page's code: "unchanged", "renumbered", "merged" or "split"
    relation: str


@dataclass(frozen=True)
class MunicipalityPage:
    code: str
    #: the latest name of this code
    name: str
    valid_now: bool
    periods: tuple[MunicipalityListing, ...]
    #: the chain of renumberings this code belongs to, oldest first (length 1 if none)
    lineage: tuple[CodeSpan, ...]
    events: tuple[CodeEvent, ...]
    participations: tuple[MunicipalityParticipation, ...]
    has_demo: bool


def municipality_page(code: str, today: dt.date | None = None) -> MunicipalityPage:
    """Everything about one municipality code; Http404 for a malformed or never-used code."""
    today = today or timezone.localdate()
    klass = municipalities.load()
    try:
        history = klass.history(code)
    except municipalities.MunicipalityError as error:
        raise Http404(str(error)) from None
    periods = tuple(_listing(m) for m in history.periods)
    participations = tuple(_participations_of(klass, history))
    on = min(today, _last_known_day(klass, today))
    return MunicipalityPage(
        code=history.code,
        name=history.periods[-1].name,
        valid_now=history.periods[-1].valid_on(on),
        periods=periods,
        lineage=_lineage(klass, history.code),
        events=tuple(_events(klass, history)),
        participations=participations,
        has_demo=any(p.is_demo for p in participations),
    )


def _lineage(klass: municipalities.Klass, code: str) -> tuple[CodeSpan, ...]:
    """Follow one-to-one renumberings backwards and forwards from ``code``."""
    chain = [_span(klass, code)]
    while (before := _renumbered(klass, chain[0].code, backwards=True)) and before not in {
        s.code for s in chain
    }:
        chain.insert(0, _span(klass, before))
    while (after := _renumbered(klass, chain[-1].code, backwards=False)) and after not in {
        s.code for s in chain
    }:
        chain.append(_span(klass, after))
    return tuple(chain)


def _span(klass: municipalities.Klass, code: str) -> CodeSpan:
    periods = klass.history(code).periods
    return CodeSpan(code, periods[-1].name, periods[0].valid_from, periods[-1].valid_to)


def _renumbered(klass: municipalities.Klass, code: str, *, backwards: bool) -> str | None:
    """The code that ``code`` was renumbered from (or to), if it was a plain renumbering."""
    history = klass.history(code)
    if backwards:
        first = history.periods[0].valid_from
        rows = [c for c in history.predecessors if c.date == first]
        if len(rows) != 1:
            return None
        translated = _translate(klass, rows[0].old_code, first)
    else:
        end = history.periods[-1].valid_to
        if end is None:
            return None
        translated = _translate(klass, code, end)
    if translated is None or translated.kind != "renumbered":
        return None
    if backwards:
        return rows[0].old_code if translated.codes == (code,) else None
    return translated.codes[0]


def _translate(
    klass: municipalities.Klass, code: str, change_date: dt.date
) -> municipalities.Translation | None:
    """Where ``code`` of the day before ``change_date`` went on that day (None outside the data)."""
    try:
        return klass.translate(code, change_date - dt.timedelta(days=1), change_date)
    except municipalities.MunicipalityError:
        return None


def _events(klass: municipalities.Klass, history: municipalities.CodeHistory) -> list[CodeEvent]:
    code = history.code
    events: list[CodeEvent] = []
    for before, after in zip(history.periods, history.periods[1:], strict=False):
        if before.valid_to == after.valid_from and before.name != after.name:
            events.append(
                CodeEvent(
                    after.valid_from, "renamed", (), old_name=before.name, new_name=after.name
                )
            )
    for change_date in sorted({c.date for c in history.predecessors}):
        rows = [c for c in history.predecessors if c.date == change_date]
        split = {
            r.old_code
            for r in rows
            if (t := _translate(klass, r.old_code, change_date)) and t.kind == "split"
        }
        whole = tuple(CodeRef(c.old_code, c.old_name) for c in rows if c.old_code not in split)
        parts = tuple(CodeRef(c.old_code, c.old_name) for c in rows if c.old_code in split)
        existed = any(p.valid_on(change_date - dt.timedelta(days=1)) for p in history.periods)
        if len(whole) == 1 and not parts and not existed:
            events.append(
                CodeEvent(change_date, "renumbered_from", whole, new_name=rows[0].new_name)
            )
        else:
            events.append(
                CodeEvent(
                    change_date,
                    "merged_from",
                    whole,
                    parts=parts,
                    existed=existed,
                    new_name=rows[0].new_name,
                )
            )
    for change_date in sorted({c.date for c in history.successors}):
        rows = [c for c in history.successors if c.date == change_date]
        others = tuple(CodeRef(c.new_code, c.new_name) for c in rows)
        translated = _translate(klass, code, change_date)
        kind: EventKind
        if len(rows) > 1 or (translated and translated.kind == "split"):
            kind = "split_into"
        elif translated and translated.kind == "merged":
            kind = "merged_into"
        else:
            kind = "renumbered_to"
        events.append(CodeEvent(change_date, kind, others, new_name=rows[0].new_name))
    return sorted(events, key=lambda e: (e.date, e.kind))


def _participations_of(
    klass: municipalities.Klass, history: municipalities.CodeHistory
) -> Iterable[MunicipalityParticipation]:
    """Participations registered under this code or under a code that became this one.

    A participation counts when its code, translated from its join date to a day this code
    was valid, gives this code: forwards any way (a renumbering, or a merger into it), and
    backwards only one-to-one (a later participation of a merged municipality belongs to
    the merged one, not to each of its predecessors).
    """
    code = history.code
    first = history.periods[0].valid_from
    end = history.periods[-1].valid_to
    last = None if end is None else end - dt.timedelta(days=1)
    rows = Participation.objects.select_related("cohort__programme").order_by(
        "joined", "cohort__programme__start_date", "cohort__start_date"
    )
    for participation in rows:
        on = participation.code_date
        target = max(on, first) if last is None else min(max(on, first), last)
        relation = _relation(klass, participation.municipality_code, on, target, code)
        if relation is None:
            continue
        cohort = participation.cohort
        yield MunicipalityParticipation(
            programme_slug=cohort.programme.slug,
            programme_name=cohort.programme.name,
            cohort_name=cohort.name,
            joined=participation.joined,
            left=participation.left,
            is_demo=participation.is_demo,
            registered_as=CodeRef(
                participation.municipality_code,
                _name_on(klass, participation.municipality_code, on),
            ),
            relation=relation,
        )


def _relation(
    klass: municipalities.Klass, registered: str, on: dt.date, target: dt.date, code: str
) -> str | None:
    if registered == code and any(p.valid_on(on) for p in klass.history(code).periods):
        return "unchanged"
    try:
        translated = klass.translate(registered, on, target)
    except municipalities.MunicipalityError:
        return None
    if code not in translated.codes:
        return None
    if target < on and len(translated.codes) > 1:
        return None
    return translated.kind


# -- the REST API ----------------------------------------------------------------------------
# The API serialises rows itself (``trepart.api.schemas``); these reads keep its queries here,
# each with its related rows fetched up front.


def _cohorts_in_order() -> QuerySet[Cohort]:
    return Cohort.objects.select_related("programme").order_by("start_date", "name")


def api_programmes() -> list[Programme]:
    """Every programme, oldest first, with its cohorts (in start order) prefetched."""
    return list(Programme.objects.prefetch_related(Prefetch("cohorts", _cohorts_in_order())))


def api_programme(slug: str) -> Programme:
    """The programme with ``slug`` and its cohorts; Http404 if there is none."""
    programmes = Programme.objects.prefetch_related(Prefetch("cohorts", _cohorts_in_order()))
    try:
        return programmes.get(slug=slug)
    except Programme.DoesNotExist:
        raise Http404(f"no programme {slug!r}") from None


def api_cohorts(programme: str | None = None) -> list[Cohort]:
    """Cohorts by programme and start, optionally only those of the programme ``programme``."""
    cohorts = _cohorts_in_order().order_by("programme__start_date", "start_date", "name")
    if programme is not None:
        cohorts = cohorts.filter(programme__slug=programme)
    return list(cohorts)


def api_cohort(cohort_id: int) -> Cohort:
    """One cohort with its programme; Http404 if there is none."""
    try:
        return _cohorts_in_order().get(pk=cohort_id)
    except Cohort.DoesNotExist:
        raise Http404(f"no cohort {cohort_id}") from None


def api_participations(
    *, programme: str | None = None, cohort: int | None = None, municipality: str | None = None
) -> list[Participation]:
    """Participations filtered by programme slug, cohort id and municipality code as registered."""
    rows = Participation.objects.select_related("cohort__programme").order_by(
        "cohort__programme__start_date", "cohort__start_date", "cohort__name", "municipality_code"
    )
    if programme is not None:
        rows = rows.filter(cohort__programme__slug=programme)
    if cohort is not None:
        rows = rows.filter(cohort_id=cohort)
    if municipality is not None:
        rows = rows.filter(municipality_code=municipality.strip())
    return list(rows)
