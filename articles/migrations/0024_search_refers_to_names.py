"""PostgreSQL's search documents refer to their tags and authors by id (`'#t12'`, `'#a3'`, weight D) instead of
holding their names: a query matches the reader's words against the names as they are (articles/search.py), and a
rename rewrites no document. No column changes; the documents and their indexes are made again by the live code."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0023_search_names_last"),
    ]
    rebuilds = ("search",)  # every document afresh

    operations = []
