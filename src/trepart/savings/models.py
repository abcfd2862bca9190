"""Comparison groupings (e.g. SSB's KOSTRA groups) and saved savings scenarios."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ComparisonGrouping(models.Model):
    """A grouping of municipalities into comparison groups, imported from a CSV file."""

    slug = models.SlugField(
        _("short name"),
        max_length=50,
        unique=True,
        help_text=_(
            "Used to choose the grouping, e.g. kostra-2024 in --baseline group:kostra-2024."
        ),
    )
    name = models.CharField(_("name"), max_length=200)
    valid_on = models.DateField(
        _("codes valid on"),
        help_text=_("The date on which the file's municipality codes are valid."),
    )
    source = models.TextField(_("source"))
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("comparison grouping")
        verbose_name_plural = _("comparison groupings")
        ordering = ("-imported_at", "-id")

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"


class GroupMembership(models.Model):
    """One municipality's group in one grouping."""

    grouping = models.ForeignKey(
        ComparisonGrouping,
        verbose_name=_("grouping"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    municipality_code = models.CharField(_("municipality number"), max_length=4)
    group_code = models.CharField(_("group"), max_length=50)
    group_name = models.CharField(_("group name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ("grouping", "municipality_code")
        constraints = [
            models.UniqueConstraint(
                fields=("grouping", "municipality_code"), name="groupmembership_one_per_grouping"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_code} → {self.group_code}"


class SavedScenario(models.Model):
    """A savings scenario kept to be reopened: its inputs, and the parameter version it gave."""

    name = models.CharField(_("name"), max_length=200)
    municipality_code = models.CharField(_("municipality number"), max_length=4, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    baseline = models.CharField(
        _("baseline"),
        max_length=100,
        help_text=_("national, earlier:YEAR or group:GROUPING"),
    )
    parameter_changes = models.JSONField(
        _("changed cost parameters"), default=dict, blank=True, help_text=_("name → value")
    )
    price_index = models.JSONField(
        _("price index"), default=dict, blank=True, help_text=_("year → index value")
    )
    price_index_source = models.CharField(_("price index source"), max_length=300, blank=True)
    parameter_version = models.CharField(_("parameter set version"), max_length=1000)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("saved savings scenario")
        verbose_name_plural = _("saved savings scenarios")
        ordering = ("municipality_code", "name")
        constraints = [
            models.UniqueConstraint(
                fields=("municipality_code", "name"), name="savedscenario_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_code} {self.name}"
