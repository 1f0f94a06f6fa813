from django.contrib import admin

from malpro.privacy.models import AccessRecord, Consent, ErasureRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """Evidence: readable in the back office, never added, changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "actor", "subject_user", "subject_business_id", "where")
    list_filter = ("kind",)
    date_hierarchy = "at"
    raw_id_fields = ("actor", "subject_user")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("accepted_at", "user", "notice_version")
    raw_id_fields = ("user",)


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "state", "decided_by", "decided_at")
    list_filter = ("state",)
    raw_id_fields = ("user", "decided_by")
