"""Reader search (articles/search.py): a document per version and its index.

PostgreSQL: the unaccent extension, an accent-blind copy `review_<name>` of every text search
configuration PostgreSQL ships (REVIEW_SEARCH_CONFIGS picks one per language), and a GIN index on
the documents. SQLite: an FTS5 table, Porter stemmer and diacritics removed, rowid = version id.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

POSTGRES_CONFIGS = """
DO $$
DECLARE cfg record;
BEGIN
  FOR cfg IN
    SELECT c.cfgname,
           CASE WHEN c.cfgname = 'simple' THEN 'simple' ELSE c.cfgname || '_stem' END AS dictionary
    FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
    WHERE n.nspname = 'pg_catalog'
  LOOP
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = cfg.dictionary);
    EXECUTE format('DROP TEXT SEARCH CONFIGURATION IF EXISTS %I', 'review_' || cfg.cfgname);
    EXECUTE format('CREATE TEXT SEARCH CONFIGURATION %I (COPY = pg_catalog.%I)', 'review_' || cfg.cfgname, cfg.cfgname);
    EXECUTE format('ALTER TEXT SEARCH CONFIGURATION %I ALTER MAPPING FOR hword, hword_part, word WITH unaccent, %I',
                   'review_' || cfg.cfgname, cfg.dictionary);
  END LOOP;
END $$;
"""


def install(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        schema_editor.execute(POSTGRES_CONFIGS, params=None)
        schema_editor.execute("CREATE INDEX articles_search_document_gin ON articles_searchdocument USING gin (document)")
    elif connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE articles_search_fts USING fts5(title, standfirst, body, extra, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
    # The documents of what exists are written by 0013, once the table has all its columns.


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS articles_search_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_image_processing_in_worker"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "version",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("config", models.CharField(max_length=63)),
                ("document", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
        ),
        migrations.RunPython(install, uninstall),
    ]
