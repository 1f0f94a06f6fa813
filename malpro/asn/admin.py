from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from malpro.asn.models import (
    Bundle,
    BundleItem,
    Employee,
    Exemption,
    IntegrityFlag,
    Period,
    Policy,
    PolicyAmount,
)


class PolicyAmountInline(admin.TabularInline):
    model = PolicyAmount
    extra = 1


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    """The city admin edits the Perwal's rules here, one version per effective date."""

    list_display = [
        "name",
        "regulation_ref",
        "effective_from",
        "is_example",
        "default_amount",
        "cap_amount",
        "cap_share",
    ]
    inlines = [PolicyAmountInline]
    filter_horizontal = ["eligible_categories"]

    def has_change_permission(self, request, obj=None):
        # A version a closed period used is history.
        return super().has_change_permission(request, obj) and not (obj and obj.locked)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.periods.exists())

    def save_model(self, request, obj, form, change):
        if change and obj.locked:
            raise ValidationError(_("Versi ini dipakai periode yang sudah ditutup."))
        obj.created_by = obj.created_by or request.user
        super().save_model(request, obj, form, change)
        if obj.is_example:
            messages.warning(request, _("Versi ini ditandai CONTOH, bukan aturan berlaku."))


class ExemptionInline(admin.TabularInline):
    model = Exemption
    extra = 0


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["name", "nip", "agency", "employment_type", "golongan", "is_active"]
    list_filter = ["agency", "employment_type", "is_active"]
    search_fields = ["name", "nip"]
    inlines = [ExemptionInline]
    readonly_fields = ["user", "claimed_at", "birth_date"]


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 1


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    inlines = [BundleItemInline]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "policy", "closed_at"]
    readonly_fields = ["closed_at", "closed_by"]


@admin.register(IntegrityFlag)
class IntegrityFlagAdmin(admin.ModelAdmin):
    list_display = ["kind", "state", "employee", "business", "created_at"]
    list_filter = ["kind", "state"]
    readonly_fields = [f.name for f in IntegrityFlag._meta.fields]
