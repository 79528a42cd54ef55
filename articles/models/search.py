"""The search index: one document per version, in the version's own language (see articles/search.py).

Derived data, like the listing index: the services rewrite a piece's documents in the same
transaction as the change. On PostgreSQL `document` is a weighted tsvector under a GIN index (made
by the migration, PostgreSQL only) together with the languages whose listing shows the version, and
the row also carries the listing's `handover`, `published_at`, `section_id` and `kind_id` (PostgreSQL
columns the migrations add, outside the model: see 0013); on SQLite the words live in the FTS5 table `articles_search_fts`
(rowid = version id) and `document` stays empty.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    version = models.OneToOneField("articles.PieceVersion", on_delete=models.CASCADE, primary_key=True, related_name="+")
    config = models.CharField(max_length=63)  # the text search configuration the document was made with
    document = SearchVectorField(null=True)  # everything, for finding

    def __str__(self):
        return f"{self.version_id} ({self.config})"
