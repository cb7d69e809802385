"""The full-text index of datasets, in the form the database vendor supports.

SQLite: an FTS5 virtual table (stems per weighted field + unstemmed words for prefixes).
PostgreSQL: a table of weighted tsvectors under a GIN index.
Both are filled by `datasud rebuild_search_index` and kept up to date by the catalogue's
services; no foreign key, so that flushing or truncating the catalogue never trips on them.
"""
from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE search_dataset_fts USING fts5("
    "title, tags, description, organisation, words, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_dataset_fts"]

POSTGRES = [
    "CREATE TABLE search_dataset_document ("
    "dataset_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX search_dataset_document_gin ON search_dataset_document USING GIN (document)",
]
POSTGRES_REVERSE = ["DROP TABLE IF EXISTS search_dataset_document"]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
