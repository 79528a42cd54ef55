"""SQLite: a version's full-text row goes with its search document, however it is deleted.

The FTS5 table (0009) has no foreign key: deleting a version (its search document goes by cascade) left its
words in the index, which then differed from a rebuild (`rebuild_search --check`). A trigger deletes the row
with the document, and the rows already left behind are dropped. Nothing to do on PostgreSQL (one table).
"""

from django.db import migrations

FTS_TABLE = "articles_search_fts"  # as in 0009 (a migration imports no live code)


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        f"CREATE TRIGGER IF NOT EXISTS articles_search_fts_forget AFTER DELETE ON articles_searchdocument "
        f"BEGIN DELETE FROM {FTS_TABLE} WHERE rowid = old.version_id; END"
    )
    schema_editor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT version_id FROM articles_searchdocument)")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS articles_search_fts_forget")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_listing_version_language"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
