"""Sitemaps (django.contrib.sitemaps): every published version with its hreflang alternates, and the listings.

`/sitemap.xml` is an index; the versions are paged by Django's paginator (a count, then one slice
per page), so neither the index nor a page loads all versions. Each version lists every published
version of its piece as an alternate, and the source as `x-default`.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from articles import taxonomy
from articles.events import reverse_in
from articles.languages import language_codes
from articles.models import Author, ListingEntry, PieceVersion, Tag


class VersionSitemap(Sitemap):
    changefreq = "monthly"

    @property
    def limit(self):
        return settings.REVIEW_SITEMAP_LIMIT

    def items(self):
        return PieceVersion.objects.published().order_by("pk").only("pk", "piece_id", "language", "slug", "published_at", "updated_at")

    def lastmod(self, version):
        return version.updated_at

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        versions = [url["item"] for url in urls]
        siblings = {}
        published = PieceVersion.objects.published().filter(piece_id__in={v.piece_id for v in versions}).select_related("piece")
        for sibling in published.only("pk", "piece_id", "piece__source_id", "language", "slug", "published_at"):
            siblings.setdefault(sibling.piece_id, []).append(sibling)
        origin = f"{protocol}://{domain}"
        for url in urls:
            versions_of_piece = sorted(siblings.get(url["item"].piece_id, []), key=lambda v: v.language)
            url["alternates"] = [{"lang_code": v.language, "location": origin + v.get_absolute_url()} for v in versions_of_piece]
            source = next((v for v in versions_of_piece if v.pk == v.piece.source_id), None)
            if source is not None and len(versions_of_piece) > 1:
                url["alternates"].append({"lang_code": "x-default", "location": origin + source.get_absolute_url()})
        return urls


class ListingSitemap(Sitemap):
    """Home, all articles, and every section, tag and author page that lists something, in each language."""

    changefreq = "daily"

    def items(self):
        pages = []
        for language in language_codes():
            pages += [(language, "articles:home", None), (language, "articles:list", None)]
            pages += [(language, "articles:section", info.slug) for info in taxonomy.for_language(language).sections_by_id.values()]
        tags = dict(Tag.objects.values_list("pk", "slug"))
        authors = dict(Author.objects.values_list("pk", "slug"))
        listed = ListingEntry.objects.visible().exclude(facet="all").values_list("language", "facet").distinct()
        for language, facet in listed:
            kind, _colon, pk = facet.partition(":")
            if kind == "t" and int(pk) in tags:
                pages.append((language, "articles:tag", tags[int(pk)]))
            elif kind == "a" and int(pk) in authors:
                pages.append((language, "articles:author", authors[int(pk)]))
        return sorted(set(pages))

    def location(self, page):
        language, name, slug = page
        return reverse_in(language, name, slug=slug) if slug else reverse_in(language, name)


SITEMAPS = {"versions": VersionSitemap, "listings": ListingSitemap}
