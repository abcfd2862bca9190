"""The forms that set up an effect study; ``settings()`` returns the study's settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trepart.analysis import municipalities
from trepart.evaluation import selectors
from trepart.evaluation.specs import DEFAULT_STRUCTURE_DATE, DidSettings, SynthSettings
from trepart.registry.models import Programme

FIRST_YEAR = municipalities.FIRST_DATE.year
#: the last year the municipal structures (and so the harmonised panels) reach
LAST_YEAR = 2024

COMPARISON_CHOICES = [
    ("never", _("Municipalities that never took part")),
    ("notyet", _("Also municipalities that had not yet started (not yet treated)")),
]
METHOD_CHOICES = [
    ("dr", _("Doubly robust (recommended)")),
    ("ipw", _("Inverse probability weighting")),
    ("reg", _("Outcome regression")),
]


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _structure_date_field() -> forms.DateField:
    return forms.DateField(
        label=_("Municipal structure"),
        initial=DEFAULT_STRUCTURE_DATE,
        help_text=_(
            "Municipality codes are translated to the municipalities as they were on this date "
            "(YYYY-MM-DD), across the 2020 and 2024 reforms. Municipalities that merged are "
            "combined with the right weights."
        ),
    )


def _year_field(label: Any, initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, initial=initial, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )


class _StudyForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Optional; a title is made from the outcome and the programme."),
    )
    outcome = forms.ChoiceField(label=_("Outcome"))
    structure_date = _structure_date_field()
    first_year = _year_field(_("First year"), 2002)
    last_year = _year_field(_("Last year"), 2016)
    exclude_other_programmes = forms.BooleanField(
        label=_("Leave out municipalities that took part in other programmes"), required=False
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        if programme.end_date is not None:
            # Two years after the programme ended: long enough to see whether an effect lasts,
            # short enough that later programmes do not blur the comparison group.
            self.fields["last_year"].initial = min(programme.end_date.year + 2, LAST_YEAR)
        choices = selectors.indicator_choices()
        self.indicator_choices = choices
        _choice_field(self, "outcome").choices = choices
        if any(value == "sick_leave_pct" for value, _label in choices):
            self.fields["outcome"].initial = "sick_leave_pct"

    def clean_structure_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["structure_date"]
        last = dt.date(LAST_YEAR, 12, 31)
        if not municipalities.FIRST_DATE <= value <= last:
            raise forms.ValidationError(
                _("The municipal structure must be a date from %(first)s to %(last)s."),
                params={"first": municipalities.FIRST_DATE.isoformat(), "last": last.isoformat()},
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first is not None and last is not None and first >= last:
            self.add_error("last_year", _("The last year must come after the first year."))
        return cleaned

    def title_or_default(self) -> str:
        title = str(self.cleaned_data.get("title") or "").strip()
        if title:
            return title
        names = dict(self.indicator_choices)
        return f"{names.get(self.cleaned_data['outcome'], '')} – {self.programme.name}"[:200]


class DidForm(_StudyForm):
    """A staggered difference-in-differences study of a programme's effect."""

    cohorts = forms.MultipleChoiceField(
        label=_("Cohorts"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Members of the chosen cohorts are the treated municipalities, each from the first "
            "full calendar year after it joined. Members of the other cohorts are left out."
        ),
    )
    comparison = forms.ChoiceField(
        label=_("Comparison group"),
        choices=COMPARISON_CHOICES,
        initial="never",
        widget=forms.RadioSelect,
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=METHOD_CHOICES, initial="dr", widget=forms.RadioSelect
    )
    covariates = forms.MultipleChoiceField(
        label=_("Covariates"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Indicators whose values in the year before treatment make the comparison fair "
            "(municipalities are compared with others that looked alike then)."
        ),
    )
    anticipation = forms.IntegerField(
        label=_("Anticipation (years)"),
        initial=0,
        min_value=0,
        max_value=5,
        help_text=_("Years before the start that may already be affected (0: none)."),
    )
    bootstrap = forms.IntegerField(
        label=_("Bootstrap draws"),
        initial=999,
        min_value=0,
        max_value=9999,
        help_text=_(
            "Multiplier bootstrap for standard errors and uniform confidence bands; "
            "0 uses the analytic standard errors."
        ),
    )
    seed = forms.IntegerField(
        label=_("Random seed"),
        initial=2007,
        min_value=0,
        max_value=2**31 - 1,
        help_text=_("The same seed gives the same bootstrap draws, so the study can be rerun."),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        self.cohort_choices = selectors.cohort_choices(programme)
        _choice_field(self, "cohorts").choices = [(str(c.pk), c.name) for c in self.cohort_choices]
        self.fields["cohorts"].initial = [str(c.pk) for c in self.cohort_choices]
        _choice_field(self, "covariates").choices = self.indicator_choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        chosen = {int(pk) for pk in cleaned.get("cohorts", ())}
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if chosen and first is not None and last is not None:
            onsets = [c.first_treated_year for c in self.cohort_choices if c.pk in chosen]
            anticipation = cleaned.get("anticipation") or 0
            if min(onsets) - anticipation <= first:
                self.add_error(
                    "first_year",
                    forms.ValidationError(
                        _(
                            "The first year must come before the first treated year "
                            "(%(year)s), so that there is a year before the programme to "
                            "compare with."
                        ),
                        params={"year": min(onsets) - anticipation},
                    ),
                )
            if max(onsets) > last:
                self.add_error(
                    "last_year",
                    forms.ValidationError(
                        _("The last year must include the last treated year (%(year)s)."),
                        params={"year": max(onsets)},
                    ),
                )
        if cleaned.get("outcome") in cleaned.get("covariates", ()):
            self.add_error("covariates", _("The outcome cannot also be a covariate."))
        return cleaned

    def settings(self) -> DidSettings:
        data = self.cleaned_data
        chosen = {int(pk) for pk in data["cohorts"]}
        cohorts = [c for c in self.cohort_choices if c.pk in chosen]
        return DidSettings(
            cohorts=tuple(c.pk for c in cohorts),
            cohort_names=tuple(c.name for c in cohorts),
            comparison=data["comparison"],
            method=data["method"],
            covariates=tuple(data.get("covariates", ())),
            anticipation=data["anticipation"],
            bootstrap=data["bootstrap"],
            seed=data["seed"],
            structure_date=data["structure_date"],
            years=(data["first_year"], data["last_year"]),
            exclude_other_programmes=bool(data.get("exclude_other_programmes")),
        )


class SynthForm(_StudyForm):
    """A synthetic-control study of one member municipality."""

    municipality = forms.ChoiceField(
        label=_("Municipality"),
        help_text=_(
            "A member of the programme, as it is in the chosen municipal structure. Members "
            "that merged with municipalities outside the programme have no series of their "
            "own and are not listed."
        ),
    )
    treatment_year = forms.IntegerField(
        label=_("Treatment year"),
        required=False,
        min_value=FIRST_YEAR + 1,
        max_value=LAST_YEAR,
        help_text=_(
            "The first year counted as treated; empty: the first full calendar year after the "
            "municipality joined."
        ),
    )
    predictors = forms.MultipleChoiceField(
        label=_("Predictors"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Indicators whose means before the start the synthetic municipality should match, "
            "besides the outcome itself."
        ),
    )
    donors_excluded = forms.CharField(
        label=_("Leave out of the donor pool"),
        required=False,
        max_length=2000,
        help_text=_(
            "Municipality numbers separated by commas or spaces. Every member of the programme "
            "is left out anyway."
        ),
    )
    placebos = forms.BooleanField(
        label=_("Run the placebo test (every donor in turn) for a p-value"),
        required=False,
        initial=True,
    )

    def __init__(
        self,
        *args: Any,
        programme: Programme,
        structure_date: dt.date = DEFAULT_STRUCTURE_DATE,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        self.members = selectors.programme_members(programme, structure_date)
        _choice_field(self, "municipality").choices = [
            (m.code, f"{m.code} {m.name} ({m.first_treated_year})") for m in self.members.members
        ]
        _choice_field(self, "predictors").choices = self.indicator_choices
        self.fields["structure_date"].initial = structure_date

    def clean_donors_excluded(self) -> tuple[str, ...]:
        raw = str(self.cleaned_data.get("donors_excluded") or "")
        codes = tuple(dict.fromkeys(raw.replace(",", " ").split()))
        bad = [code for code in codes if not (len(code) == 4 and code.isdigit())]
        if bad:
            raise forms.ValidationError(
                _("Not a municipality number: %(codes)s."), params={"codes": ", ".join(bad)}
            )
        return codes

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        structure_date = cleaned.get("structure_date")
        code = cleaned.get("municipality")
        if structure_date is not None and code:
            members = selectors.programme_members(self.programme, structure_date)
            found = {m.code: m for m in members.members}
            if code not in found:
                self.add_error(
                    "municipality",
                    _(
                        "This municipality is not a member of its own in the chosen municipal "
                        "structure."
                    ),
                )
            else:
                member = found[code]
                cleaned["municipality_name"] = member.name
                year = cleaned.get("treatment_year") or member.first_treated_year
                cleaned["treatment_year"] = year
                first, last = cleaned.get("first_year"), cleaned.get("last_year")
                if first is not None and last is not None and not first < year <= last:
                    self.add_error(
                        "treatment_year",
                        forms.ValidationError(
                            _(
                                "The treatment year (%(year)s) must lie after the first year "
                                "and no later than the last year."
                            ),
                            params={"year": year},
                        ),
                    )
        return cleaned

    def settings(self) -> SynthSettings:
        data = self.cleaned_data
        return SynthSettings(
            municipality=data["municipality"],
            municipality_name=data.get("municipality_name", ""),
            treatment_year=data["treatment_year"],
            predictors=tuple(p for p in data.get("predictors", ()) if p != data["outcome"]),
            structure_date=data["structure_date"],
            years=(data["first_year"], data["last_year"]),
            donors_excluded=data.get("donors_excluded", ()),
            placebos=bool(data.get("placebos")),
            exclude_other_programmes=bool(data.get("exclude_other_programmes")),
        )
