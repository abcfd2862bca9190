"""Effect studies: a programme's effect on one outcome indicator, estimated in the background.

A study keeps every setting it was run with (as JSON), the software version, who started it and
when, the background job that ran it, the panel it was estimated on (cohort sizes, units left
out and why) and the result, so that it can be read later and reproduced.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from trepart.core.models import Job
from trepart.registry.models import Programme


class StudyKind(models.TextChoices):
    DID = "did", _("difference-in-differences")
    SYNTH = "synth", _("synthetic control")


class EffectStudy(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=StudyKind.choices)
    title = models.CharField(_("title"), max_length=200)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="effect_studies",
    )
    outcome = models.CharField(_("outcome indicator"), max_length=63)
    #: every setting of the study, see trepart.evaluation.settings (DidSettings/SynthSettings)
    settings = models.JSONField(_("settings"), default=dict)
    software_version = models.CharField(_("software version"), max_length=100)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    job = models.ForeignKey(
        Job,
        verbose_name=_("job"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: cohort sizes, units left out and why, years, rows (set by the job)
    panel = models.JSONField(_("panel summary"), default=dict, blank=True)
    #: the estimate (set by the job when it succeeds)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("effect study")
        verbose_name_plural = _("effect studies")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("effect_study", args=[self.pk])
