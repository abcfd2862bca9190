"""Saved scenarios and imported groupings in Django's admin; writes go through the actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import Http404, HttpRequest

from trepart.savings import actions, selectors
from trepart.savings.models import ComparisonGrouping, GroupMembership, SavedScenario


class GroupMembershipInline(admin.TabularInline[GroupMembership, ComparisonGrouping]):
    model = GroupMembership
    extra = 0
    fields = ("municipality_code", "group_code", "group_name")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ComparisonGrouping)
class ComparisonGroupingAdmin(admin.ModelAdmin[ComparisonGrouping]):
    """Groupings are imported with `trepart savings import-grouping`; here they are shown."""

    list_display = ("name", "slug", "valid_on", "imported_at")
    readonly_fields = (
        "slug",
        "name",
        "valid_on",
        "source",
        "file_name",
        "imported_at",
        "imported_by",
    )
    inlines = (GroupMembershipInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SavedScenarioForm(ModelForm[SavedScenario]):
    class Meta:
        model = SavedScenario
        fields = (
            "name",
            "municipality_code",
            "year",
            "baseline",
            "parameter_changes",
            "price_index",
            "price_index_source",
            "note",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        changes = data.get("parameter_changes") or {}
        prices = data.get("price_index") or {}
        if not isinstance(changes, dict):
            raise ValidationError({"parameter_changes": "give an object: name → value"})
        if not isinstance(prices, dict):
            raise ValidationError({"price_index": "give an object: year → index value"})
        try:
            selectors.compute_scenario(
                str(data.get("municipality_code", "")),
                int(data.get("year") or 0),
                baseline=str(data.get("baseline", "")),
                changes={k: str(v) for k, v in changes.items()},
                price_index={int(y): str(v) for y, v in prices.items()},
                price_source=str(data.get("price_index_source", "")),
            )
        except (ValueError, selectors.SavingsInputMissing, Http404) as error:
            raise ValidationError(str(error)) from None
        return data


@admin.register(SavedScenario)
class SavedScenarioAdmin(admin.ModelAdmin[SavedScenario]):
    form = SavedScenarioForm
    list_display = (
        "name",
        "municipality_code",
        "year",
        "baseline",
        "parameter_version",
        "updated_at",
    )
    list_filter = ("year",)
    search_fields = ("name", "municipality_code", "note")
    readonly_fields = ("parameter_version", "created_by", "created_at", "updated_at")

    def save_model(
        self, request: HttpRequest, obj: SavedScenario, form: ModelForm[Any], change: bool
    ) -> None:
        if change:
            # A renamed scenario: the old name goes, the new one is saved through the action.
            old = SavedScenario.objects.get(pk=obj.pk)
            if old.name != obj.name or old.municipality_code != obj.municipality_code:
                actions.do_delete_scenario(request.user, old)
        try:
            saved = actions.do_save_scenario(
                request.user,
                municipality_code=obj.municipality_code,
                name=obj.name,
                year=obj.year,
                baseline=obj.baseline,
                parameter_changes={k: str(v) for k, v in (obj.parameter_changes or {}).items()},
                price_index={int(y): str(v) for y, v in (obj.price_index or {}).items()},
                price_index_source=obj.price_index_source,
                note=obj.note,
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: SavedScenario) -> None:
        actions.do_delete_scenario(request.user, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SavedScenario]) -> None:
        for obj in queryset:
            actions.do_delete_scenario(request.user, obj)
