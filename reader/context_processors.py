from django.conf import settings

from articles import events
from articles.languages import current_language, language_info


def site(request):
    """Site name and the page's language facts (lang, dir) for every template. A reader page shows the site chrome
    (sections bar, footer pages): the page cache keeps it only while that is unchanged (events.chrome_key)."""
    events.shown([events.chrome_key(current_language())])
    return {
        "site_name": settings.REVIEW_SITE_NAME,
        "page_language": language_info(current_language()),
        "search_max_chars": settings.REVIEW_SEARCH_MAX_CHARS,
    }
