from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("asn", "0004_nip_claim_data")]

    operations = [
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
                condition=Q(
                    ("employee__isnull", False),
                    ("state__in", ["unmatched", "withdrawn"]),
                    _connector="OR",
                ),
                name="asn_claim_employee_unless_unmatched",
            ),
        ),
    ]
