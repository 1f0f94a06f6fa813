"""The live-entries index carries the columns the summaries sum, so the agency's view of
thousands of shared books reads the index only (docs/benchmarks.md, books)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("books", "0001_initial")]

    operations = [
        migrations.RemoveIndex(model_name="entry", name="books_entry_live_day"),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["book", "occurred_on", "direction", "category", "amount", "id"],
                name="books_entry_live_day",
            ),
        ),
    ]
