"""Search documents end with the tags' and authors' names, in a weight of their own (D), after the body: a rename
rewrites that part alone (articles/search.py `rewrite_names`) and keeps the rest, word positions included. The lead
tier's index covers A, B and D. No column changes; the documents and their indexes are made again by the live code."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0022_taxonomy_merge"),
    ]
    rebuilds = ("search",)  # every document afresh, and the GIN indexes with the new lead expression

    operations = []
