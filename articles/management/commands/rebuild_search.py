"""Rebuild the search documents from the data, or with --check report drift and exit 1."""

from articles import integrity, search
from articles.management.commands.rebuild_listing import Command as RebuildListing


class Command(RebuildListing):
    help = "Rebuild the search documents; --check only reports whether they differ from a rebuild (exit 1 if they do)."
    what = "search index"

    def drift(self):
        return integrity.search_drift()

    def rebuild(self):
        return search.rebuild_all()
