"""Every write of the savings app goes through these ``do_*`` actions.

Each runs in one transaction (all-or-nothing) and records one audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from trepart.analysis import groups
from trepart.core.audit import record
from trepart.savings import selectors
from trepart.savings.models import ComparisonGrouping, GroupMembership, SavedScenario

Actor = AbstractBaseUser | AnonymousUser | None


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.pk else None


@transaction.atomic
def do_import_grouping(
    actor: Actor,
    *,
    slug: str,
    name: str,
    valid_on: dt.date,
    source: str,
    text: str,
    file_name: str,
) -> ComparisonGrouping:
    """Import (or replace) the grouping ``slug`` from a CSV text, all or nothing.

    Raises ``groups.GroupingError`` naming the file, row and column of bad rows, or
    ValidationError for a bad short name, an empty name or source.
    """
    members, names = groups.parse_grouping_csv(text, file_name=file_name, valid_on=valid_on)
    errors = {}
    if not name.strip():
        errors["name"] = "a grouping needs a name"
    if not source.strip():
        errors["source"] = "a grouping needs a source (who made it, which version)"
    if errors:
        raise ValidationError(errors)
    grouping = ComparisonGrouping.objects.filter(slug=slug).first()
    replaced = grouping is not None
    if grouping is None:
        grouping = ComparisonGrouping(slug=slug)
    grouping.name = name.strip()
    grouping.valid_on = valid_on
    grouping.source = source.strip()
    grouping.file_name = file_name
    grouping.imported_at = timezone.now()
    grouping.imported_by = _user(actor)
    grouping.full_clean()
    grouping.save()
    grouping.memberships.all().delete()
    GroupMembership.objects.bulk_create(
        GroupMembership(
            grouping=grouping,
            municipality_code=code,
            group_code=group,
            group_name=names.get(group, ""),
        )
        for code, group in sorted(members.items())
    )
    record(
        actor,
        "savings.grouping_replaced" if replaced else "savings.grouping_imported",
        grouping,
        file_name=file_name,
        municipalities=len(members),
        groups=len(set(members.values())),
        valid_on=valid_on.isoformat(),
        source=grouping.source,
    )
    return grouping


def _fields(scenario: SavedScenario) -> dict[str, object]:
    return {
        "name": scenario.name,
        "municipality_code": scenario.municipality_code,
        "year": scenario.year,
        "baseline": scenario.baseline,
        "parameter_changes": scenario.parameter_changes,
        "price_index": scenario.price_index,
        "price_index_source": scenario.price_index_source,
        "parameter_version": scenario.parameter_version,
        "note": scenario.note,
    }


@transaction.atomic
def do_save_scenario(
    actor: Actor,
    *,
    municipality_code: str,
    name: str,
    year: int,
    baseline: str,
    parameter_changes: Mapping[str, str],
    price_index: Mapping[int, str] | None = None,
    price_index_source: str = "",
    note: str = "",
) -> SavedScenario:
    """Save a scenario under ``name`` for the municipality; a scenario of the same name is
    updated. The scenario is computed first (it must compute) and its parameter-set version
    is stored. The actor needs ``savings.add_savedscenario`` (new) or
    ``savings.change_savedscenario`` (update): PermissionDenied otherwise. ValidationError
    naming the field for bad input.
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": "give the scenario a name"})
    existing = (
        SavedScenario.objects.select_for_update()
        .filter(municipality_code=municipality_code, name=name)
        .first()
    )
    needed = "savings.change_savedscenario" if existing else "savings.add_savedscenario"
    user = _user(actor)
    if user is None or not user.has_perm(needed):
        raise PermissionDenied(f"saving a scenario needs the permission {needed}")
    try:
        _inputs, report = selectors.compute_scenario(
            municipality_code,
            year,
            baseline=baseline,
            changes=parameter_changes,
            price_index=price_index,
            price_source=price_index_source,
        )
    except (ValueError, selectors.SavingsInputMissing) as error:
        raise ValidationError({"__all__": str(error)}) from None
    kept = selectors.parameter_changes(parameter_changes)
    scenario = existing or SavedScenario(
        municipality_code=municipality_code, name=name, created_by=_user(actor)
    )
    old = _fields(scenario) if existing else None
    scenario.year = year
    scenario.baseline = baseline
    scenario.parameter_changes = dict(sorted(kept.items()))
    scenario.price_index = {str(y): str(v) for y, v in sorted((price_index or {}).items())}
    scenario.price_index_source = price_index_source.strip() if price_index else ""
    scenario.parameter_version = report.parameters.version
    scenario.note = note.strip()
    scenario.updated_at = timezone.now()
    scenario.full_clean()
    scenario.save()
    if old is None:
        record(actor, "savings.scenario_created", scenario, fields=_fields(scenario))
    else:
        record(actor, "savings.scenario_updated", scenario, old=old, fields=_fields(scenario))
    return scenario


@transaction.atomic
def do_delete_scenario(actor: Actor, scenario: SavedScenario) -> None:
    """Delete a saved scenario (needs ``savings.delete_savedscenario``)."""
    user = _user(actor)
    if user is None or not user.has_perm("savings.delete_savedscenario"):
        raise PermissionDenied(
            "deleting a scenario needs the permission savings.delete_savedscenario"
        )
    record(actor, "savings.scenario_deleted", scenario, fields=_fields(scenario))
    scenario.delete()
