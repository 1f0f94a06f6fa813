from django.db import migrations


def copy_nips(apps, schema_editor):
    """Claims made before this change name their NIP through their roster entry."""
    NipClaim = apps.get_model("asn", "NipClaim")
    for claim in NipClaim.objects.select_related("employee").filter(nip=""):
        claim.nip = claim.employee.nip
        claim.save(update_fields=["nip"])


def one_open_claim_per_account(apps, schema_editor):
    """Before: an account could wait on several NIPs at once. Its latest claim stays open; the
    earlier ones are withdrawn (as a new claim withdraws them from now on)."""
    NipClaim = apps.get_model("asn", "NipClaim")
    seen = set()
    for claim in NipClaim.objects.filter(state="pending").order_by("-created_at", "-id"):
        if claim.user_id in seen:
            claim.state = "withdrawn"
            claim.reason = "Diganti klaim yang lebih baru"
            claim.save(update_fields=["state", "reason"])
        seen.add(claim.user_id)


class Migration(migrations.Migration):
    dependencies = [("asn", "0003_nip_claim_trust")]

    operations = [
        migrations.RunPython(copy_nips, migrations.RunPython.noop),
        migrations.RunPython(one_open_claim_per_account, migrations.RunPython.noop),
    ]
