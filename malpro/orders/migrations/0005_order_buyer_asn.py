from django.db import migrations, models


def mark_asn_orders(apps, schema_editor):
    """Orders placed before the snapshot existed: their buyer's ASN role now is the best
    knowledge there is."""
    Order = apps.get_model("orders", "Order")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    asn = RoleAssignment.objects.filter(role="asn").values("user_id")
    Order.objects.filter(buyer_id__in=asn).update(buyer_asn=True)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_verbose_names"),
        ("accounts", "0008_alter_roleassignment_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="buyer_asn",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_asn_orders, migrations.RunPython.noop),
    ]
