"""Search in one index scan (PostgreSQL): each document carries where the listing index shows its version.

`shown_in` (the languages of its "all" listing rows), `handover` ({language: when a scheduled local
version takes over}), `published_at`, `section_id` and `kind_id` are copied from the listing rows by
articles/search.py, and the GIN index becomes (shown_in, document). They are PostgreSQL columns only,
kept out of the model like the index: SQLite has no arrays, and its search joins the listing instead.
"""

from django.db import migrations

COLUMNS = """ALTER TABLE articles_searchdocument
    ADD COLUMN shown_in text[] NOT NULL DEFAULT '{}',
    ADD COLUMN handover jsonb NULL,
    ADD COLUMN published_at timestamptz NULL,
    ADD COLUMN section_id bigint NULL,
    ADD COLUMN kind_id bigint NULL"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COLUMNS)
    # The documents are rewritten (and on PostgreSQL the new indexes made) by the live code after migrate: `rebuilds`.


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS articles_search_document_gin")
    schema_editor.execute(
        "ALTER TABLE articles_searchdocument DROP COLUMN shown_in, DROP COLUMN handover, DROP COLUMN published_at, "
        "DROP COLUMN section_id, DROP COLUMN kind_id"
    )
    schema_editor.execute("CREATE INDEX articles_search_document_gin ON articles_searchdocument USING gin (document)")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_translation_desk"),
    ]

    rebuilds = ("search",)
    operations = [migrations.RunPython(forward, backward)]
