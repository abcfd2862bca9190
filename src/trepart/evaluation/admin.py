from __future__ import annotations

from django.contrib import admin

from trepart.evaluation.models import EffectStudy


@admin.register(EffectStudy)
class EffectStudyAdmin(admin.ModelAdmin[EffectStudy]):
    """Read-only: studies are started and recorded through the pages (and audited there)."""

    list_display = ("title", "kind", "programme", "outcome", "software_version", "created_at")
    list_filter = ("kind", "programme")
    readonly_fields = (
        "kind",
        "title",
        "programme",
        "outcome",
        "settings",
        "software_version",
        "created_by",
        "created_at",
        "job",
        "panel",
        "result",
    )

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
