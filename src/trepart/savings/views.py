"""The seed study's savings table, recomputed, with its discrepancies shown."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from trepart.analysis import savings, seed_study
from trepart.core.i18n import ui_language
from trepart.reports.pdf import render_pdf
from trepart.savings import actions, selectors
from trepart.savings.models import ComparisonGrouping, SavedScenario

LINE_LABELS = {
    "sick_leave": _("Sick leave"),
    "afp": _("Early retirement (AFP)"),
    "turnover": _("Turnover"),
    "fulltime": _("Full-time/part-time"),
    "consultants": _("Consultant use"),
    "tendering": _("Tendering costs"),
    "conflict": _("Reduced conflict"),
    "total": _("Total"),
    "share": _("Share of total operating expenses"),
}
READING_LABELS = {
    "as_printed": _("As printed (the OCR text read literally)"),
    "decimal_comma": _("With the decimal commas the OCR lost"),
}


@dataclass(frozen=True)
class Cell:
    printed: str
    value: Decimal | None
    reason: str
    changed: bool
    estimate: bool
    uncertain: bool


@dataclass(frozen=True)
class Row:
    line: str
    label: str
    cells: tuple[Cell | None, ...]


def seed_study_context(reading_name: str) -> dict[str, Any]:
    """Everything the page and the PDF show, for one reading of the printed table."""
    if reading_name not in seed_study.READINGS:
        raise Http404("unknown reading")
    reading = seed_study.READINGS[reading_name]
    printed = {(f.municipality, f.line): f for f in seed_study.PRINTED}
    rows = []
    for line in seed_study.LINES:
        cells: list[Cell | None] = []
        for municipality in seed_study.MUNICIPALITIES:
            figure = printed.get((municipality, line))
            if figure is None:
                cells.append(None)
                continue
            reconstruction = reading.figure(municipality, line)
            cells.append(
                Cell(
                    printed=figure.text,
                    value=reconstruction.value,
                    reason=reconstruction.reason,
                    changed=reconstruction.changed,
                    estimate=figure.footnotes == "*",
                    uncertain=figure.footnotes == "**",
                )
            )
        rows.append(Row(line, str(LINE_LABELS[line]), tuple(cells)))
    return {
        "source": seed_study.SOURCE,
        "municipalities": seed_study.MUNICIPALITIES,
        "rows": rows,
        "checks": seed_study.check(reading),
        "reading": reading_name,
        "readings": [(name, READING_LABELS[name]) for name in seed_study.READINGS],
    }


def _reading(request: HttpRequest) -> str:
    return request.GET.get("lesing", "decimal_comma")


@require_GET
def seed_study_page(request: HttpRequest) -> HttpResponse:
    return render(request, "savings/seed_study.html", seed_study_context(_reading(request)))


@require_GET
def seed_study_pdf(request: HttpRequest) -> HttpResponse:
    reading = _reading(request)
    return render_pdf(
        request,
        "savings/seed_study_pdf.html",
        seed_study_context(reading),
        filename=f"samarbeid-lonner-seg-{reading}.pdf",
    )


# -- a municipality's savings scenario ---------------------------------------------------


@dataclass(frozen=True)
class ParameterField:
    name: str
    value: str
    default: str
    unit: str
    source: str
    assumption: bool
    error: str


def _number(raw: str) -> str:
    """A number as typed in the form: decimal comma and spaces allowed."""
    return raw.strip().replace(",", ".").replace(" ", "").replace("\u00a0", "")


def _scenario_parameters(query: QueryDict) -> tuple[dict[str, str], list[ParameterField]]:
    """The parameter changes asked for in the query, each checked on its own: a bad value is
    left out (the default is used) and its field says why."""
    changes: dict[str, str] = {}
    fields = []
    for name in savings.PARAMETER_NAMES:
        default = savings.DEFAULTS.parameter(name)
        raw = _number(query.get(name, ""))
        error = ""
        if raw:
            try:
                changes.update(selectors.parameter_changes({name: raw}))
            except (savings.SavingsError, ValueError, ArithmeticError) as problem:
                error = str(problem)
        fields.append(
            ParameterField(
                name=name,
                value=raw or str(default.value),
                default=str(default.value),
                unit=default.unit,
                source=default.source,
                assumption=default.assumption,
                error=error,
            )
        )
    return changes, fields


@dataclass(frozen=True)
class ScenarioQuery:
    """The scenario asked for by a query string (the form, or a saved scenario)."""

    year: int
    since: int
    baseline: str
    grouping: str
    changes: dict[str, str]
    fields: list[ParameterField]
    price_index: dict[int, str]
    price_source: str
    #: the effect study of a "study" baseline (its id) and which effect: group or simple
    study: str = ""
    study_effect: str = "group"

    @property
    def spec(self) -> str:
        if self.baseline == "study":
            return f"study:{self.study}" + (":simple" if self.study_effect == "simple" else "")
        if self.baseline == "earlier":
            return f"earlier:{self.since}"
        if self.baseline == "group":
            return f"group:{self.grouping}" if self.grouping else "group"
        return "national"


def _parse_query(query: QueryDict) -> ScenarioQuery:
    try:
        year = int(query.get("aar", "2024"))
        since = int(query.get("fra", "2007"))
    except ValueError:
        raise Http404("bad year") from None
    baseline = query.get("grunnlag", "national")
    if baseline not in ("national", "earlier", "group", "study"):
        raise Http404("unknown baseline")
    changes, fields = _scenario_parameters(query)
    price_index: dict[int, str] = {}
    for key, index_year in (("prisindeks_fra", since), ("prisindeks_aar", year)):
        raw = _number(query.get(key, ""))
        if raw:
            price_index[index_year] = raw
    return ScenarioQuery(
        year=year,
        since=since,
        baseline=baseline,
        grouping=query.get("gruppering", "").strip(),
        changes=changes,
        fields=fields,
        price_index=price_index,
        price_source=query.get("prisindeks_kilde", "").strip(),
        study=query.get("studie", "").strip(),
        study_effect="simple" if query.get("studieeffekt") == "simple" else "group",
    )


def _baseline_label(asked: ScenarioQuery, inputs: selectors.SavingsInputs) -> str:
    if asked.baseline == "national":
        return gettext("the national average in %(year)s") % {"year": asked.year}
    if asked.baseline in ("group", "study"):
        return inputs.baseline.label
    return f"{inputs.name} {asked.since}"


def _scenario(request: HttpRequest, code: str, query: QueryDict | None = None) -> dict[str, Any]:
    """Everything the page and the PDF show; the numbers come from ``compute_scenario``, the
    same computation as the CLI and the API."""
    language = ui_language()
    asked = _parse_query(request.GET if query is None else query)
    context: dict[str, Any] = {
        "code": code,
        "year": asked.year,
        "since": asked.since,
        "baseline": asked.baseline,
        "grouping": asked.grouping,
        "groupings": list(ComparisonGrouping.objects.values_list("slug", "name")),
        "fields": asked.fields,
        "price_from": asked.price_index.get(asked.since, ""),
        "price_to": asked.price_index.get(asked.year, ""),
        "price_source": asked.price_source,
        "study": asked.study,
        "study_effect": asked.study_effect,
        "studies": _effect_studies(code),
        "report": None,
        "error": "",
    }
    use_price = asked.baseline == "earlier" and bool(asked.price_index)
    try:
        inputs, report = selectors.compute_scenario(
            code,
            asked.year,
            baseline=asked.spec,
            changes=asked.changes,
            price_index=asked.price_index if use_price else None,
            price_source=asked.price_source,
        )
    except (selectors.SavingsInputMissing, savings.SavingsError, ValueError) as problem:
        context["error"] = str(problem)
        context["name"] = selectors.municipality_name(code)
        return context
    context.update(
        name=inputs.name,
        synthetic=inputs.synthetic,
        report=report,
        items=[(item, item.label(language)) for item in report.items],
        baseline_label=_baseline_label(asked, inputs),
        share_pct=None
        if report.share_of_operating_expenses is None
        else report.share_of_operating_expenses * 100,
    )
    return context


def _effect_studies(code: str) -> list[tuple[int, str]]:
    """Finished effect studies whose effect applies to the municipality (id, title)."""
    from trepart.evaluation.selectors import studies_for_municipality

    return [(study.pk, study.title) for study in studies_for_municipality(code)]


def _saved_context(request: HttpRequest, code: str) -> dict[str, Any]:
    user = request.user
    chosen = None
    raw = request.GET.get("lagret", "")
    if raw.isdigit():
        chosen = SavedScenario.objects.filter(pk=int(raw), municipality_code=code).first()
    return {
        "saved": list(SavedScenario.objects.filter(municipality_code=code)),
        "saved_scenario": chosen,
        "can_save": user.is_authenticated
        and (
            user.has_perm("savings.add_savedscenario")
            or user.has_perm("savings.change_savedscenario")
        ),
        "query": request.GET.urlencode(),
    }


@require_GET
def scenario_page(request: HttpRequest, code: str) -> HttpResponse:
    context = _scenario(request, code)
    context.update(_saved_context(request, code))
    return render(request, "savings/scenario.html", context)


@require_GET
def scenario_pdf(request: HttpRequest, code: str) -> HttpResponse:
    context = _scenario(request, code)
    if context["report"] is None:
        raise Http404(context["error"])
    return render_pdf(
        request,
        "savings/scenario_pdf.html",
        context,
        filename=f"besparelser-{code}-{context['year']}.pdf",
    )


# -- saved scenarios ---------------------------------------------------------------------


def saved_query(scenario: SavedScenario) -> QueryDict:
    """The page's query string for a saved scenario (the form prefilled)."""
    query = QueryDict(mutable=True)
    query["aar"] = str(scenario.year)
    spec = selectors.parse_baseline(scenario.baseline)
    query["grunnlag"] = spec.kind
    if spec.year is not None:
        query["fra"] = str(spec.year)
    if spec.grouping:
        query["gruppering"] = spec.grouping
    if spec.study is not None:
        query["studie"] = str(spec.study)
        query["studieeffekt"] = spec.study_effect
    for name, value in scenario.parameter_changes.items():
        query[name] = str(value)
    if scenario.price_index and spec.year is not None:
        query["prisindeks_fra"] = str(scenario.price_index.get(str(spec.year), ""))
        query["prisindeks_aar"] = str(scenario.price_index.get(str(scenario.year), ""))
        query["prisindeks_kilde"] = scenario.price_index_source
    query["lagret"] = str(scenario.pk)
    return query


@require_POST
def save_scenario(request: HttpRequest, code: str) -> HttpResponse:
    """Save the scenario on the page under a name (logged-in users with permission)."""
    selectors.municipality_name(code)  # 404 for an unknown code
    if not request.user.is_authenticated:
        raise PermissionDenied
    query = QueryDict(request.POST.get("query", ""))
    asked = _parse_query(query)
    try:
        scenario = actions.do_save_scenario(
            request.user,
            municipality_code=code,
            name=request.POST.get("name", ""),
            year=asked.year,
            baseline=asked.spec,
            parameter_changes=asked.changes,
            price_index=asked.price_index if asked.baseline == "earlier" else None,
            price_index_source=asked.price_source,
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        url = reverse("savings_scenario", args=[code])
        return HttpResponseRedirect(f"{url}?{query.urlencode()}")
    messages.success(
        request, gettext("The scenario «%(name)s» is saved.") % {"name": scenario.name}
    )
    return HttpResponseRedirect(
        f"{reverse('savings_scenario', args=[code])}?{saved_query(scenario).urlencode()}"
    )


@require_GET
def saved_scenarios(request: HttpRequest, code: str) -> HttpResponse:
    """The scenarios saved for a municipality."""
    name = selectors.municipality_name(code)
    rows = [
        (scenario, saved_query(scenario).urlencode())
        for scenario in SavedScenario.objects.filter(municipality_code=code)
    ]
    return render(
        request,
        "savings/saved_list.html",
        {
            "code": code,
            "name": name,
            "rows": rows,
            "can_delete": request.user.has_perm("savings.delete_savedscenario"),
        },
    )


@require_GET
def saved_scenario_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    scenario = get_object_or_404(SavedScenario, pk=pk, municipality_code=code)
    context = _scenario(request, code, saved_query(scenario))
    if context["report"] is None:
        raise Http404(context["error"])
    context["saved_scenario"] = scenario
    return render_pdf(
        request,
        "savings/scenario_pdf.html",
        context,
        filename=f"besparelser-{code}-{scenario.pk}.pdf",
    )


@require_POST
def delete_saved_scenario(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    scenario = get_object_or_404(SavedScenario, pk=pk, municipality_code=code)
    actions.do_delete_scenario(request.user, scenario)
    messages.success(
        request, gettext("The scenario «%(name)s» is deleted.") % {"name": scenario.name}
    )
    return HttpResponseRedirect(reverse("saved_scenarios", args=[code]))
