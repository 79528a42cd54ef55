from django.urls import path, register_converter

from articles.models import PageKind
from reader import views
from reader.converters import FourDigitYear, TwoDigits, UnicodeSlug
from reader.feeds import feeds

register_converter(FourDigitYear, "yyyy")
register_converter(TwoDigits, "dd")
register_converter(UnicodeSlug, "uslug")

app_name = "articles"
Feed, AtomFeed = feeds("all")
SectionFeed, SectionAtomFeed = feeds("section")
TagFeed, TagAtomFeed = feeds("tag")
AuthorFeed, AuthorAtomFeed = feeds("author")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="list"),
    path("articles/<yyyy:year>/", views.YearArchiveView.as_view(), name="year-archive"),
    path("articles/<yyyy:year>/<dd:month>/<dd:day>/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("preview/home/", views.HomePreviewView.as_view(), name="home-preview"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("sections/<uslug:slug>/", views.SectionDetailView.as_view(), name="section"),
    path("tags/<uslug:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("authors/<uslug:slug>/", views.AuthorDetailView.as_view(), name="author"),
    *(path(f"{kind}/", views.PublicationPageView.as_view(), {"page": kind}, name=kind) for kind in PageKind.values),
    path("feed/", Feed(), name="feed"),
    path("feed/atom/", AtomFeed(), name="feed-atom"),
    path("sections/<uslug:slug>/feed/", SectionFeed(), name="section-feed"),
    path("sections/<uslug:slug>/feed/atom/", SectionAtomFeed(), name="section-feed-atom"),
    path("tags/<uslug:slug>/feed/", TagFeed(), name="tag-feed"),
    path("tags/<uslug:slug>/feed/atom/", TagAtomFeed(), name="tag-feed-atom"),
    path("authors/<uslug:slug>/feed/", AuthorFeed(), name="author-feed"),
    path("authors/<uslug:slug>/feed/atom/", AuthorAtomFeed(), name="author-feed-atom"),
]
