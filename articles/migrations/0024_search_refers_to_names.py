"""PostgreSQL's search documents refer to their tags and authors by id (`'#t12'`, `'#a3'`, weight D) instead of
holding their names: a query matches the reader's words against the names as they are (articles/search.py), and a
rename rewrites no document. The names' words live in `search_words`, a generated column of articles_tag and
articles_author that the rebuild after migrating makes (`search.build_name_words`: it depends on the configured
languages); going back, this migration drops it, before the text search configurations it depends on go. No other
column changes; the documents and their indexes are made again by the live code."""

from django.db import migrations


def drop_name_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in ("articles_tag", "articles_author"):
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_words")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0023_search_names_last"),
    ]
    rebuilds = ("search",)  # every document afresh, and the names' words

    operations = [migrations.RunPython(migrations.RunPython.noop, drop_name_words)]
