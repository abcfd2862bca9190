"""Programmes, their cohorts (puljer) and the municipalities taking part.

Municipalities are not stored here: a participation names a municipality by its code
(kommunenummer) as it was on the day it joined, and names and code histories come from the
packaged SSB Klass 131 data (``trepart.analysis.municipalities``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from trepart.analysis import municipalities


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class Programme(models.Model):
    slug = models.SlugField(_("short name in addresses"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    agreement_date = models.DateField(_("date of the national agreement"), null=True, blank=True)
    agreement_parties = models.TextField(
        _("parties to the national agreement"),
        blank=True,
        help_text=_("One party per line."),
    )
    description = models.TextField(_("description"), blank=True)
    planned_size = models.PositiveIntegerField(
        _("planned number of municipalities"),
        null=True,
        blank=True,
        help_text=_("The number of participating municipalities given in the programme's sources."),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ("start_date", "name")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end cannot be before the start.")})

    @property
    def parties(self) -> list[str]:
        return [line.strip() for line in self.agreement_parties.splitlines() if line.strip()]


class CohortFocus(models.TextChoices):
    QUALITY = "quality", _("quality development")
    SICK_LEAVE = "sick_leave", _("sick leave")
    PILOT = "pilot", _("model municipality pilot")


class Cohort(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start"))
    start_precision = models.CharField(
        _("start date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    focus = models.CharField(
        _("focus"), max_length=20, choices=CohortFocus.choices, default=CohortFocus.QUALITY
    )
    planned_size = models.PositiveIntegerField(
        _("planned number of municipalities"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ("programme", "start_date", "name")
        constraints = [
            models.UniqueConstraint(fields=("programme", "name"), name="cohort_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name}: {self.name}"


class Participation(models.Model):
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="participations"
    )
    municipality_code = models.CharField(
        _("municipality number"),
        max_length=4,
        help_text=_("The municipality number (kommunenummer) valid on the day it joined."),
    )
    joined = models.DateField(_("joined"))
    left = models.DateField(_("left"), null=True, blank=True)
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Made up for the demonstration: not a real member of the cohort."),
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ("cohort", "municipality_code")
        constraints = [
            models.UniqueConstraint(
                fields=("cohort", "municipality_code"), name="participation_unique_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_code} {self.municipality_name} – {self.cohort}"

    @property
    def municipality(self) -> municipalities.Municipality:
        return municipalities.load().municipality(self.municipality_code, self.code_date)

    @property
    def municipality_name(self) -> str:
        try:
            return self.municipality.name
        except municipalities.MunicipalityError:
            return "?"

    @property
    def code_date(self) -> dt.date:
        """The date whose municipal structure the code belongs to (Klass data starts 2002)."""
        return max(self.joined, municipalities.FIRST_DATE)

    def is_active(self, on: dt.date) -> bool:
        return self.joined <= on and (self.left is None or self.left > on)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.left and self.joined and self.left < self.joined:
            errors["left"] = str(_("A municipality cannot leave before it joined."))
        if self.joined and self.municipality_code:
            try:
                municipalities.load().municipality(self.municipality_code, self.code_date)
            except municipalities.MunicipalityError as error:
                errors["municipality_code"] = str(error)
        if errors:
            raise ValidationError(errors)
