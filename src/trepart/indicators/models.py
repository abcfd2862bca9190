"""Indicator values (municipality × indicator × period) with their provenance and history.

A value is stored under the municipality code *as in its source*: the code valid at the start
of its period (1 January, or the first day of the quarter). Translating codes to one municipal
structure happens when reading (``selectors``), never when storing, so nothing is lost.

Corrections keep history: a new value for the same (code, indicator, year, quarter) does not
overwrite the old row; the old row gets ``superseded_at`` and ``superseded_by``, and only
current rows (``superseded_at`` is null) are unique per key.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trepart.analysis import indicators as catalogue


class ImportFormat(models.TextChoices):
    CSV = "csv", _("CSV file")
    XLSX = "xlsx", _("Excel workbook (XLSX)")
    JSONSTAT = "jsonstat", _("SSB JSON-stat2 file")
    MANUAL = "manual", _("manual entry or correction")
    DEMO = "demo", _("demo data")
    REGISTER = "register", _("HR register pipeline")


class ImportBatch(models.Model):
    """One import: where a set of values came from, who brought them in, and when."""

    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=ImportFormat.choices)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    row_count = models.PositiveIntegerField(_("rows in the file"), default=0)
    created_count = models.PositiveIntegerField(_("new values"), default=0)
    superseded_count = models.PositiveIntegerField(_("values replaced"), default=0)
    unchanged_count = models.PositiveIntegerField(_("values already stored"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ("-imported_at", "-id")

    def __str__(self) -> str:
        name = self.file_name or self.get_format_display()
        return f"{name} ({self.imported_at:%Y-%m-%d %H:%M})"


class Unit(models.TextChoices):
    PERCENT = "percent", _("percent")
    SHARE = "share", _("share (0–1)")
    DAYS = "days", _("days")
    PERSONS = "persons", _("persons")
    FTE = "fte", _("full-time equivalents")
    NOK = "nok", _("NOK")
    COUNT = "count", _("count")
    INDEX = "index", _("index")


class Aggregation(models.TextChoices):
    SUM = "sum", _("sum")
    WEIGHTED_MEAN = "weighted_mean", _("weighted mean")
    MEAN = "mean", _("mean")


class CustomIndicator(models.Model):
    """An indicator a user added besides the built-in catalogue; the same fields as one."""

    indicator_id = models.SlugField(
        _("id"),
        max_length=63,
        unique=True,
        help_text=_("Lower-case letters, digits and underscores, starting with a letter."),
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    lower_is_better = models.BooleanField(_("lower is better"), null=True, blank=True)
    aggregation = models.CharField(
        _("aggregation when municipalities merge"), max_length=15, choices=Aggregation.choices
    )
    weight = models.CharField(
        _("weight indicator"),
        max_length=63,
        blank=True,
        help_text=_("For a weighted mean: the id of the volume indicator to weight by."),
    )
    name_nb = models.CharField(_("name (bokmål)"), max_length=200)
    name_nn = models.CharField(_("name (nynorsk)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    help_nb = models.TextField(_("help text (bokmål)"))
    help_nn = models.TextField(_("help text (nynorsk)"))
    help_en = models.TextField(_("help text (English)"))
    definition = models.TextField(_("definition"))
    source = models.TextField(_("source"))
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("custom indicator")
        verbose_name_plural = _("custom indicators")
        ordering = ("indicator_id",)

    def __str__(self) -> str:
        return f"{self.indicator_id} ({self.name_en})"

    def as_indicator(self) -> catalogue.Indicator:
        """The catalogue form of the stored definition (validated when it was added)."""
        return catalogue.Indicator(
            id=self.indicator_id,
            unit=self.unit,  # type: ignore[arg-type]
            lower_is_better=self.lower_is_better,
            aggregation=self.aggregation,  # type: ignore[arg-type]
            weight=self.weight or None,
            name_nb=self.name_nb,
            name_nn=self.name_nn,
            name_en=self.name_en,
            help_nb=self.help_nb,
            help_nn=self.help_nn,
            help_en=self.help_en,
            definition=self.definition,
            source=self.source,
            decimals=self.decimals,
        )


def known_indicators() -> dict[str, catalogue.Indicator]:
    """The built-in catalogue and every custom indicator, by id."""
    known = dict(catalogue.CATALOGUE)
    for custom in CustomIndicator.objects.all():
        known[custom.indicator_id] = custom.as_indicator()
    return known


class IndicatorValue(models.Model):
    """One value of one indicator for one municipality and one year (or quarter)."""

    municipality_code = models.CharField(
        _("municipality number"),
        max_length=4,
        help_text=_("As in the source: the code valid at the start of the period."),
    )
    indicator_id = models.CharField(_("indicator"), max_length=63)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, help_text=_("Empty for a whole year.")
    )
    value = models.FloatField(_("value"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import"),
        on_delete=models.PROTECT,
        related_name="values",
    )
    row_number = models.PositiveIntegerField(
        _("row in the file"), null=True, blank=True, help_text=_("The header is row 1.")
    )
    is_synthetic = models.BooleanField(
        _("synthetic (demo) data"),
        default=False,
        help_text=_("Made up for the demonstration: not a real measurement."),
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ("indicator_id", "municipality_code", "year", "quarter", "-id")
        constraints = [
            # One current value per key. Coalesce: NULL quarters (annual values) would
            # otherwise never collide, on SQLite and PostgreSQL alike.
            models.UniqueConstraint(
                "municipality_code",
                "indicator_id",
                "year",
                Coalesce("quarter", 0),
                condition=models.Q(superseded_at__isnull=True),
                name="indicatorvalue_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__range=(1, 4)),
                name="indicatorvalue_quarter_1_to_4",
            ),
        ]
        indexes = [
            models.Index(fields=("indicator_id", "year"), name="indicatorvalue_by_indicator"),
        ]

    def __str__(self) -> str:
        period = f"{self.year}" if self.quarter is None else f"{self.year}K{self.quarter}"
        return f"{self.municipality_code} {self.indicator_id} {period} = {self.value:g}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    def clean(self) -> None:
        if (
            self.indicator_id
            and self.indicator_id not in catalogue.CATALOGUE
            and not (CustomIndicator.objects.filter(indicator_id=self.indicator_id).exists())
        ):
            raise ValidationError({"indicator_id": _("Unknown indicator.")})


class SyntheticTruth(models.Model):
    """A true effect built into a synthetic demo panel, kept so estimates can be checked."""

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("import"), on_delete=models.CASCADE, related_name="truths"
    )
    programme = models.CharField(_("programme"), max_length=100)
    indicator_id = models.CharField(_("indicator"), max_length=63)
    effect = models.FloatField(_("true effect"))
    unit = models.CharField(_("unit"), max_length=100)
    onset = models.CharField(_("onset"), max_length=300)

    class Meta:
        verbose_name = _("true effect in synthetic data")
        verbose_name_plural = _("true effects in synthetic data")

    def __str__(self) -> str:
        return f"{self.programme}: {self.indicator_id} {self.effect:+g} {self.unit}"
