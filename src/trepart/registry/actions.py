"""Every write to the programme registry goes through these ``do_*`` actions.

Each runs in one transaction and records what it did in the audit log.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction

from trepart.core.audit import record
from trepart.registry.models import Cohort, Participation, Programme

Actor = AbstractBaseUser | AnonymousUser | None


@transaction.atomic
def do_save(actor: Actor, obj: Programme | Cohort | Participation) -> None:
    """Validate and save a programme, cohort or participation, and audit the change."""
    created = obj.pk is None
    obj.full_clean()
    obj.save()
    record(actor, "created" if created else "changed", obj, fields=_field_values(obj))


@transaction.atomic
def do_delete(actor: Actor, obj: Programme | Cohort | Participation) -> None:
    record(actor, "deleted", obj, fields=_field_values(obj))
    obj.delete()


def _field_values(obj: models.Model) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for field in obj._meta.concrete_fields:
        value = field.value_from_object(obj)
        values[field.attname] = None if value is None else str(value)
    return values
