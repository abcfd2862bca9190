"""The audit log: every action (``do_*``) records what it did, inside its own transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import models

from trepart.core.models import AuditEvent


def record(
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model,
    **data: Any,
) -> AuditEvent:
    user = actor if isinstance(actor, User) and actor.pk else None
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk or ""),
        object_repr=str(obj)[:300],
        data=data,
    )
