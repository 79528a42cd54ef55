from babel.dates import format_date
from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import to_locale

from .. import taxonomy
from ..languages import current_language

register = template.Library()


@register.filter
def pubdate(value):
    """A publication date the way the reader's language writes it: “17 Mar. 2016”, “14 нояб. 2014”."""
    if not value:
        return ""
    language = current_language()
    pattern = settings.REVIEW_DATE_PATTERNS.get(language, settings.REVIEW_DEFAULT_DATE_PATTERN)
    return format_date(timezone.localdate(value), pattern, locale=to_locale(language))


@register.filter
def picture(image, variant):
    """Sources and sizes for a <picture> of `image` (see Image.picture)."""
    return image.picture(variant)


@register.filter
def isodate(value):
    return timezone.localdate(value).isoformat() if value else ""


@register.inclusion_tag("includes/section_nav.html", takes_context=True)
def section_nav(context):
    sections = taxonomy.for_language(current_language()).sections
    return {
        "links": [(section.name, reverse("articles:section", kwargs={"slug": section.slug})) for section in sections],
        "request": context.get("request"),
    }
