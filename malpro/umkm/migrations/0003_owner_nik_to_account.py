"""The account's own NIK (issue 13) for owners who registered or claimed before it existed:
copied, unproved, from the business they own (the first one, when they own several)."""

from django.db import migrations


def copy_owner_nik(apps, schema_editor):
    Business = apps.get_model("umkm", "Business")
    User = apps.get_model("accounts", "User")
    owned = (
        Business.objects.filter(owner__isnull=False, owner__nik="")
        .exclude(owner_nik="")
        .order_by("owner_id", "pk")
        .values_list("owner_id", "owner_nik")
    )
    seen = set()
    for owner_id, nik in owned.iterator():
        if owner_id in seen:
            continue
        seen.add(owner_id)
        User.objects.filter(pk=owner_id, nik="").update(nik=nik)


class Migration(migrations.Migration):
    dependencies = [
        ("umkm", "0002_verbose_names"),
        ("accounts", "0005_recovery_hold_and_code_tickets"),
    ]

    operations = [migrations.RunPython(copy_owner_nik, migrations.RunPython.noop)]
