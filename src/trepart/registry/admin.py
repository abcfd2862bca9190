"""Staff edit the registry in Django's admin; saves and deletes go through the actions."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from trepart.registry import actions
from trepart.registry.models import Cohort, Participation, Programme

M = TypeVar("M", bound=Model)


class AuditedAdmin(admin.ModelAdmin[M]):
    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        actions.do_save(request.user, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        actions.do_delete(request.user, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            actions.do_delete(request.user, obj)

    def save_formset(
        self, request: HttpRequest, form: ModelForm[Any], formset: Any, change: bool
    ) -> None:
        assert isinstance(formset, BaseInlineFormSet)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            actions.do_delete(request.user, obj)
        for obj in instances:
            actions.do_save(request.user, obj)
        formset.save_m2m()


class CohortInline(admin.TabularInline[Cohort, Programme]):
    model = Cohort
    extra = 0
    fields = ("name", "start_date", "start_precision", "focus", "planned_size")
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin[Programme]):
    list_display = ("name", "start_date", "end_date", "planned_size")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (CohortInline,)


class ParticipationInline(admin.TabularInline[Participation, Cohort]):
    model = Participation
    extra = 0
    fields = ("municipality_code", "joined", "left", "is_demo")


@admin.register(Cohort)
class CohortAdmin(AuditedAdmin[Cohort]):
    list_display = ("name", "programme", "start_date", "focus", "planned_size")
    list_filter = ("programme", "focus")
    inlines = (ParticipationInline,)


@admin.register(Participation)
class ParticipationAdmin(AuditedAdmin[Participation]):
    list_display = ("municipality_code", "municipality_name", "cohort", "joined", "left", "is_demo")
    list_filter = ("cohort__programme", "cohort", "is_demo")
    search_fields = ("municipality_code",)
