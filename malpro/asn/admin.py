from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from malpro.asn import services
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
    readonly_fields = ["created_at", "created_by"]

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

    def save_related(self, request, form, formsets, change):
        # Recorded once the amounts and categories are saved too, in the same transaction.
        super().save_related(request, form, formsets, change)
        changed = set(form.changed_data) | {f.prefix for f in formsets if f.has_changed()}
        if change and not changed:
            return
        policy = form.instance
        if not change:
            what = "created"
        elif "is_example" in changed and not policy.is_example:
            what = "published"
        else:
            what = "changed"
        services.policy_record(actor=request.user, policy=policy, what=what, changed=changed)

    def delete_model(self, request, obj):
        services.policy_record(actor=request.user, policy=obj, what="deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for policy in queryset:
            services.policy_record(actor=request.user, policy=policy, what="deleted")
        super().delete_queryset(request, queryset)


class ExemptionInline(admin.TabularInline):
    model = Exemption
    extra = 0


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["name", "nip", "agency", "employment_type", "golongan", "is_active"]
    list_filter = ["agency", "employment_type", "is_active"]
    search_fields = ["name"]  # the NIP is encrypted: not searchable by part
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
