from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SavingsConfig(AppConfig):
    name = "trepart.savings"
    label = "savings"
    verbose_name = _("Savings")
