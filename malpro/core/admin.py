from django.contrib import admin

from malpro.core.models import AuditEvent, Event


class AppendOnlyAdmin(admin.ModelAdmin):
    """Append-only records: visible, never added, changed or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(AppendOnlyAdmin):
    list_display = ["created_at", "action", "actor", "target_type", "target_id", "ip"]
    list_filter = ["action"]
    search_fields = ["action", "target_id"]
    list_select_related = ["actor"]


@admin.register(Event)
class EventAdmin(AppendOnlyAdmin):
    list_display = ["occurred_at", "kind", "subject_type", "subject_id", "actor"]
    list_filter = ["kind"]
    search_fields = ["kind", "subject_id"]
    list_select_related = ["actor"]
