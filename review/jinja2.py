"""The reader site's template environment: Jinja2, through Django's own Jinja2 backend.

Reader pages render every request and carry thirty language links, a dozen cards and their
pictures; Django's template language spent more time on that than the whole rest of the request
(see `make bench`). The admin keeps Django templates. What the reader templates call is here:
`url`, `static`, `querystring`, `section_links`, gettext through the i18n extension (newstyle:
`_("Page %(number)s", number=n)` escapes and formats), and the filters the old template tags gave.
Strings are extracted by `manage.py makemessages` (articles/management/commands/makemessages.py).
"""

from datetime import date
from functools import lru_cache

from babel.dates import format_date
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.html import linebreaks as django_linebreaks
from django.utils.text import Truncator
from jinja2 import Environment
from markupsafe import Markup

from articles import figures, taxonomy
from articles.events import reverse_in
from articles.languages import current_language, language_codes, language_info
from review.memo import BoundedMemo


def direction(code):
    """The writing direction of a site language: "rtl" or "ltr"."""
    return "rtl" if language_info(code)["bidi"] else "ltr"


def _day(value):
    """The day of a date, or of a moment in the site's time zone."""
    return value if type(value) is date else timezone.localdate(value)


def pubdate(value):
    """A publication date (a day, or a moment) the way the reader's language writes it: “17 Mar. 2016”, “14 нояб. 2014”."""
    return _formatted_date(current_language(), _day(value)) if value else ""


@lru_cache(maxsize=20_000)
def _formatted_date(language, day):
    pattern = settings.REVIEW_DATE_PATTERNS.get(language, settings.REVIEW_DEFAULT_DATE_PATTERN)
    return format_date(day, pattern, locale=translation.to_locale(language))


def isodate(value):
    return _day(value).isoformat() if value else ""


def picture(image, variant):
    """Sources and sizes for a <picture> of `image` (see Image.picture)."""
    return image.picture(variant)


@lru_cache(maxsize=8)
def _site_languages(codes):
    return tuple({**language_info(code), "home": reverse_in(code, "articles:home")} for code in codes)


def site_languages():
    """Every edition: its code, its name in itself and its home page (for the footer)."""
    return _site_languages(tuple(language_codes()))


def publication_pages():
    """(label, path) of the publication's own pages that exist, for the footer, in the reader's language."""
    from articles.models import PageKind

    return [(PageKind(kind).label, url(f"articles:{kind}")) for kind in taxonomy.for_language(current_language()).pages]


def url(name, **kwargs):
    """The path of view `name` in the page's language (remembered: a year archive links thirty years)."""
    return reverse_in(translation.get_language() or settings.LANGUAGE_CODE, name, **kwargs)


def querystring(request, **changes):
    """The current query string with `changes` applied (None removes a key), like Django's {% querystring %}."""
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return f"?{query.urlencode()}" if query else "?"


def section_links():
    """(name, path) of every section in the reader's language, for the navigation bar."""
    language = current_language()
    return tuple((s.name, reverse_in(language, "articles:section", slug=s.slug)) for s in taxonomy.for_language(language).sections)


def _here(request, links):
    """The page's own path if it is one of these links (its link is marked current), else None: the one thing about the
    page that the sections bar and the footer show."""
    return request.path if any(link == request.path for _label, link in links) else None


def sections_nav(request):
    """The sections bar (macro sections_nav_body), remembered for exactly what it shows: the page's language, each
    section's name and path, and which link is the page itself. A renamed section is another key, never an old bar."""
    links = section_links()
    match = request.resolver_match
    on_list = bool(match and match.url_name == "list")
    here = _here(request, links)
    key = ("sections_nav", translation.get_language(), links, on_list, here)
    return fragments.get(key, lambda: macros().sections_nav_body(links, on_list, here))


def site_footer(request):
    """The footer (macro site_footer_body), remembered like the sections bar: the publication pages that exist, every
    edition, the page's language and which link is the page itself."""
    pages = tuple((str(label), link) for label, link in publication_pages())
    code, here = current_language(), _here(request, pages)
    key = ("site_footer", translation.get_language(), settings.REVIEW_SITE_NAME, pages, code, here)
    return fragments.get(key, lambda: macros().site_footer_body(settings.REVIEW_SITE_NAME, pages, site_languages(), code, here))


cards = BoundedMemo(20_000)
fragments = BoundedMemo(2_000)  # sections bars and footers: a few per language


def card(article, page_code, position=None, featured=False, level=3):
    """A card (macros.html's card_body), remembered for exactly what it shows: a listing page renders a dozen, the
    same ones on many pages and on every page of the same listing. The key holds every input of the macro, so a
    changed title, date, picture or kind name is another card, never an old one."""
    usage = getattr(article, "card_image", None)
    image = usage.image if usage else None
    lazy = not (position and position <= 3)
    key = (
        page_code, translation.get_language(), lazy, featured, level,
        article.pk, article.language, article.title, article.slug, article.standfirst, getattr(article, "snippet", None),
        article.local_date, getattr(article, "kind_label", ""),
        (usage.alt, image.pk, image.file.name, image.width, image.height, picture_key(image)) if usage else None,
    )  # fmt: skip
    return cards.get(key, lambda: macros().card_body(article, page_code, lazy, featured, level))


def picture_key(image):
    """What an image's card picture is made of: its card renditions' names (named by content and crop)."""
    return tuple(name for sets in (image.renditions.get("card") or {}).values() for _w, _h, name in sets)


def macros():
    """includes/macros.html as a module: its macros, callable from Python (cards, the sections bar, the footer and a
    page's language links are rendered through them)."""
    from django.template import engines

    return engines["jinja2"].env.get_template("includes/macros.html").module


@receiver(setting_changed)
def forget_cards(setting, **kwargs):
    if setting in ("MEDIA_URL", "STORAGES", "LANGUAGES", "REVIEW_SITE_NAME"):
        cards.clear()
        fragments.clear()


def truncatewords(value, count):
    return Truncator(value).words(count, truncate=" …")


def linebreaks(value):
    return Markup(django_linebreaks(value, autoescape=True))


def environment(**options):
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(
        translation.gettext, translation.ngettext, newstyle=True, pgettext=translation.pgettext, npgettext=translation.npgettext
    )
    env.globals.update(
        url=url,
        static=static,
        querystring=querystring,
        section_links=section_links,
        sections_nav=sections_nav,
        site_footer=site_footer,
        og_locale=translation.to_locale,
        site_languages=site_languages,
        publication_pages=publication_pages,
        direction=direction,
        card=card,
    )
    env.filters.update(pubdate=pubdate, isodate=isodate, picture=picture, truncatewords=truncatewords, linebreaks=linebreaks,
                       with_figures=figures.render)  # fmt: skip
    return env
