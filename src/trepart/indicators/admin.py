"""Staff look at imports and values in Django's admin; writes go through the actions.

Values and imports are read-only here (imports come from the CLI or the upload page, and a
correction must keep history, which only ``do_correct_value`` does). Custom indicators are
added through ``do_add_custom_indicator``, which validates them against the catalogue.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from trepart.analysis import indicators as catalogue
from trepart.indicators import actions
from trepart.indicators.models import CustomIndicator, ImportBatch, IndicatorValue

INDICATOR_FIELDS = (
    "indicator_id",
    "unit",
    "lower_is_better",
    "aggregation",
    "weight",
    "name_nb",
    "name_nn",
    "name_en",
    "help_nb",
    "help_nn",
    "help_en",
    "definition",
    "source",
    "decimals",
)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = (
        "imported_at",
        "file_name",
        "format",
        "imported_by",
        "row_count",
        "created_count",
        "superseded_count",
        "unchanged_count",
    )
    list_filter = ("format",)
    search_fields = ("file_name", "note")
    date_hierarchy = "imported_at"


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = (
        "municipality_code",
        "indicator_id",
        "year",
        "quarter",
        "value",
        "source",
        "is_synthetic",
        "superseded_at",
        "batch",
        "row_number",
    )
    list_filter = ("indicator_id", "is_synthetic", ("superseded_at", admin.EmptyFieldListFilter))
    search_fields = ("municipality_code", "indicator_id", "source")
    list_select_related = ("batch",)
    show_full_result_count = False


class CustomIndicatorForm(ModelForm[CustomIndicator]):
    class Meta:
        model = CustomIndicator
        fields = INDICATOR_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        # The catalogue's own rules (id free, weight a volume, texts given), field by field.
        others = {c.indicator_id: c.as_indicator() for c in CustomIndicator.objects.all()}
        try:
            values: dict[str, Any] = {name: cleaned.get(name) for name in INDICATOR_FIELDS}
            catalogue.custom_indicator(values.pop("indicator_id") or "", **values, others=others)
        except catalogue.InvalidIndicator as error:
            for name, message in error.errors.items():
                field = "indicator_id" if name == "id" else name
                self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(CustomIndicator)
class CustomIndicatorAdmin(admin.ModelAdmin[CustomIndicator]):
    form = CustomIndicatorForm
    list_display = ("indicator_id", "name_en", "unit", "aggregation", "weight", "created_at")
    search_fields = ("indicator_id", "name_nb", "name_en")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Values may already use a custom indicator: its definition is fixed once added.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: CustomIndicator, form: ModelForm[Any], change: bool
    ) -> None:
        fields = {name: getattr(obj, name) for name in INDICATOR_FIELDS}
        saved = actions.do_add_custom_indicator(request.user, **fields)
        obj.pk = saved.pk
