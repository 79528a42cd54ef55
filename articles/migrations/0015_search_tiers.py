"""Search ranks in tiers without reading a vector (PostgreSQL): title, lead, then the rest, newest first.

`headline` (the title, standfirst, tags and authors as a second tsvector, read for every match to
rank it) goes: it made each row ~550 bytes wider, and at 100,000 versions a common word's matches
visited thousands of pages of a 93 MB table. The tiers come from two GIN indexes on parts of the
document itself (`ts_filter(document, '{a}')` and `'{a,b}'`), which articles/search.py builds with the
document index; rebuilding writes every row afresh, narrow.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_staged_edits"),
    ]
    rebuilds = ("search",)  # every document afresh, narrow, by the live code after migrate

    operations = [
        migrations.RemoveField(model_name="searchdocument", name="headline"),
    ]
