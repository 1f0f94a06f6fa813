from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0002_pending_payment"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="paid_via",
            field=models.CharField(blank=True, max_length=20),
        ),
    ]
