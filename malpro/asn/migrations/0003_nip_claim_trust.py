from django.conf import settings
from django.db import migrations, models
from django.db.models import Q
import django.db.models.deletion


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
            claim.reason = "Diganti klaim yang lebih baru."
            claim.save(update_fields=["state", "reason"])
        seen.add(claim.user_id)


class Migration(migrations.Migration):

    dependencies = [
        ("asn", "0002_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="nipclaim",
            name="asn_claim_one_pending",
        ),
        migrations.AddField(
            model_name="nipclaim",
            name="nip",
            field=models.CharField(default="", max_length=18, verbose_name="NIP yang diklaim"),
            preserve_default=False,
        ),
        migrations.RunPython(copy_nips, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="nipclaim",
            name="employee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="claims",
                to="asn.employee",
            ),
        ),
        migrations.AlterField(
            model_name="nipclaim",
            name="state",
            field=models.CharField(
                choices=[
                    ("pending", "Menunggu konfirmasi OPD"),
                    ("unmatched", "Tidak cocok dengan data BKPSDM (tidak diteruskan ke OPD)"),
                    ("approved", "Disetujui"),
                    ("rejected", "Ditolak"),
                    ("withdrawn", "Dibatalkan pengaju"),
                ],
                default="pending",
                max_length=10,
            ),
        ),
        migrations.RunPython(one_open_claim_per_account, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="nipclaim",
            constraint=models.UniqueConstraint(
                condition=Q(("state__in", ["pending", "unmatched"])),
                fields=("user",),
                name="asn_claim_one_open_per_account",
            ),
        ),
        migrations.AddConstraint(
            model_name="nipclaim",
            constraint=models.CheckConstraint(
                condition=Q(("employee__isnull", False), ("state__in", ["unmatched", "withdrawn"]), _connector="OR"),
                name="asn_claim_employee_unless_unmatched",
            ),
        ),
        migrations.AlterModelOptions(
            name="nipclaim",
            options={
                "ordering": ["-created_at", "-id"],
                "verbose_name": "klaim NIP",
                "verbose_name_plural": "klaim NIP",
            },
        ),
    ]
