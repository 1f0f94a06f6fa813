"""The table of the "throttle" cache when it is kept in the database (no Redis): rate-limit
counters shared by every worker process."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Creates the tables of every database-backed cache in settings (none with Redis).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_events")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
