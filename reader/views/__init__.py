"""Reader pages, a module per kind: `listings` (home, all, year, section, tag, author), `article` (a piece, its
preview), `search`, `pages` (publication pages, robots.txt), `errors` (pages that cannot fail), and what they share in `base`. Listings read
ranges of the listing index (selectors); "published" is decided once, there."""

from reader.views.article import ArticleDetailView, ArticlePreviewView
from reader.views.errors import bad_request, page_not_found, permission_denied, server_error
from reader.views.listings import (
    ArticleListView,
    AuthorDetailView,
    HomePreviewView,
    HomeView,
    SectionDetailView,
    TagDetailView,
    YearArchiveView,
)
from reader.views.pages import PublicationPageView, robots_txt
from reader.views.search import SearchView

__all__ = [
    "ArticleDetailView", "ArticleListView", "ArticlePreviewView", "AuthorDetailView", "HomePreviewView", "HomeView",
    "PublicationPageView", "SearchView", "SectionDetailView", "TagDetailView", "YearArchiveView",
    "bad_request", "page_not_found", "permission_denied", "server_error", "robots_txt",
]  # fmt: skip
