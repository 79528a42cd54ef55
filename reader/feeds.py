"""RSS and Atom feeds (django.contrib.syndication): a language's pieces, and each section's, tag's and author's.

A feed is a listing: its items are the newest rows of the same listing index range as the page
(published pieces in that language, the source where a language has no version of its own), so it
shows what the page shows and the change events that purge the page name the feed too.
"""

from typing import NoReturn

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from articles import events, selectors, taxonomy
from articles.languages import current_language
from articles.models import Author, Tag
from articles.models.listing import ALL
from reader.views.base import moved_page

ITEMS = 20


class Moved(Exception):
    """The feed of a section, author or tag that was merged into another or renamed: it is at `url` now."""

    def __init__(self, url):
        super().__init__(url)
        self.url = url


class ListingFeed(Feed):
    feed_type = Rss201rev2Feed
    kind = "all"  # all, section, tag or author

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except Moved as moved:  # a feed reader follows a 301 and keeps the new address
            return HttpResponsePermanentRedirect(moved.url)

    def moved(self, slug) -> NoReturn:
        """Raise Moved to where the feed of a merged or renamed section, tag or author is now, else a 404."""
        name = f"articles:{self.kind}-feed{'-atom' if self.feed_type is Atom1Feed else ''}"
        url = moved_page(self.kind[0], slug, name)
        raise Moved(url) if url else Http404(_("No such section.") if self.kind == "section" else None)

    def get_object(self, request, slug=None):
        language = current_language()
        if self.kind == "section":
            info = taxonomy.for_language(language).sections_by_slug.get(slug)
            if info is None:
                self.moved(slug)
            facet, name = f"s:{info.id}", info.name
        elif self.kind == "tag":
            tag = Tag.objects.filter(language=language, slug=slug).first() or self.moved(slug)
            facet, name = f"t:{tag.pk}", tag.name
            events.shown([events.shows_key("t", tag.pk)])
        elif self.kind == "author":
            author = Author.objects.filter(slug=slug).first() or self.moved(slug)
            facet, name = f"a:{author.pk}", author.name
            events.shown([events.shows_key("a", author.pk)])
        else:
            facet, name = ALL, None
        return {"language": language, "facet": facet, "name": name, "path": request.path, "origin": request.build_absolute_uri("/")[:-1]}

    def title(self, obj):
        site = settings.REVIEW_SITE_NAME
        return f"{obj['name']} · {site}" if obj["name"] else site

    def link(self, obj):
        return obj["path"].rsplit("feed/", 1)[0]

    def feed_url(self, obj):
        return obj["path"]

    def description(self, obj):
        return _("Analysis, opinion and debate on security issues.")

    def subtitle(self, obj):
        return self.description(obj)

    def items(self, obj):
        rows = selectors.Listing(obj["language"], obj["facet"])[:ITEMS]
        versions = selectors.cards(rows, obj["language"])
        bylines = selectors.bylines([version.piece_id for version in versions])
        categories = selectors.version_tags([version.pk for version in versions])
        for version in versions:  # on the items, not on this Feed: one instance serves every request
            version.byline, version.categories, version.origin = (
                bylines.get(version.piece_id, []),
                categories.get(version.pk, []),
                obj["origin"],
            )
        return versions

    def item_title(self, version):
        return version.title

    def item_description(self, version):
        return strip_tags(version.standfirst)

    def item_link(self, version):
        return version.get_absolute_url()

    def item_guid(self, version):
        return version.get_absolute_url()

    def item_pubdate(self, version):
        return version.published_at

    def item_author_name(self, version):
        return ", ".join(version.byline) or None

    def item_categories(self, version):
        return version.categories

    def item_enclosure_url(self, version):
        use = version.card_image
        if use is None:
            return None
        entries = use.image.renditions.get("card", {}).get("jpg")
        url = default_storage.url(entries[-1][2]) if entries else (use.image.file.url if use.image.file else None)
        return url and (url if url.startswith("http") else version.origin + url)

    def item_enclosure_length(self, version):
        return 0  # unknown without a storage round trip per item; RSS readers accept 0

    def item_enclosure_mime_type(self, version):
        return "image/jpeg"


class ListingAtomFeed(ListingFeed):
    feed_type = Atom1Feed


def feeds(kind):
    return type(f"{kind.title()}Feed", (ListingFeed,), {"kind": kind}), type(f"{kind.title()}AtomFeed", (ListingAtomFeed,), {"kind": kind})
