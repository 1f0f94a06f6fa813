from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from malpro.accounts.models import Agency, ApiToken, RoleAssignment, User
from malpro.core import validators


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "agency", "district", "village", "granted_at"]
    readonly_fields = ["granted_at"]
    autocomplete_fields = ["agency", "district", "village"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "phone_verified", "email", "is_active", "date_joined"]
    list_filter = ["is_active", "roles__role", ("phone_verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "phone", "email"]
    ordering = ["-date_joined"]
    fields = [
        "name",
        "phone",
        "phone_verified_at",
        "nik_masked",
        "nik_verified_at",
        "email",
        "is_active",
        "date_joined",
        "last_login",
    ]
    # A number changes only by proving the new one (or by a recovery at the kelurahan desk,
    # which checks the KTP): not by a back-office edit.
    readonly_fields = [
        "phone",
        "phone_verified_at",
        "nik_masked",
        "nik_verified_at",
        "date_joined",
        "last_login",
    ]
    inlines = [RoleInline]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is not None else [f for f in fields if f != "phone"]

    @admin.display(boolean=True, description=_("HP terverifikasi"))
    def phone_verified(self, obj):
        return obj.phone_verified_at is not None

    @admin.display(description=_("NIK"))
    def nik_masked(self, obj):
        return validators.mask_nik(obj.nik) or "-"

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "short_name", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_select_related = ["user"]
    fields = ["prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "user", "name", "created_at", "expires_at", "last_used_at"]
    search_fields = ["prefix", "user__phone"]

    def has_add_permission(self, request):
        return False


admin.site.empty_value_display = _("(kosong)")
