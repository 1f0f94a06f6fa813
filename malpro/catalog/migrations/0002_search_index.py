"""The backend-specific parts of the search index: an FTS5 table on SQLite; on PostgreSQL a
tsvector column with a GIN index, and pg_trgm for typo-tolerant vocabulary lookups."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_fts USING fts5("
    "name_stem, body_stem, name_raw, body_raw, content='', prefix='2 3 4', "
    "tokenize='unicode61 remove_diacritics 2')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS catalog_fts"]
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE catalog_searchdoc ADD COLUMN IF NOT EXISTS doc tsvector",
    "CREATE INDEX IF NOT EXISTS catalog_searchdoc_doc_gin ON catalog_searchdoc USING gin (doc)",
    "CREATE INDEX IF NOT EXISTS catalog_searchterm_trgm ON catalog_searchterm "
    "USING gin (term gin_trgm_ops)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS catalog_searchterm_trgm",
    "DROP INDEX IF EXISTS catalog_searchdoc_doc_gin",
    "ALTER TABLE catalog_searchdoc DROP COLUMN IF EXISTS doc",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
