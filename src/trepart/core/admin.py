from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from trepart.core.models import AuditEvent

admin.site.site_header = _("Trepart administration")
admin.site.site_title = _("Trepart administration")
admin.site.index_title = _("Programme staff")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("at", "actor", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "action")
    date_hierarchy = "at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
