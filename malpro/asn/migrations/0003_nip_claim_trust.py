import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """NIP claims of issue 13 (schema): the NIP typed, kept even when it is not on the roster
    (employee empty), and the unmatched and withdrawn states. The data follows in 0004 and the
    constraints in 0005: on PostgreSQL rows changed in a migration cannot be indexed in the
    same transaction."""

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
        migrations.AlterModelOptions(
            name="nipclaim",
            options={
                "ordering": ["-created_at", "-id"],
                "verbose_name": "klaim NIP",
                "verbose_name_plural": "klaim NIP",
            },
        ),
    ]
