"""Publication pages (about, contact…), robots.txt, and the error pages."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from articles.languages import current_language, language_info
from articles.models import PublicationPage
from reader.views.base import (
    LanguageAlternatesMixin,
    same_page_everywhere,
)


class PublicationPageView(LanguageAlternatesMixin, TemplateView):
    """About, contact, editorial policy, reproduction: this language's text, else the default language's, labelled."""

    template_name = "articles/publication_page.html"
    switch_to_home = False
    always_named = True

    def get(self, request, *args, page, **kwargs):
        self.texts = {text.language: text for text in PublicationPage.objects.filter(page=page)}
        self.text = self.texts.get(current_language()) or self.texts.get(settings.LANGUAGE_CODE)
        if self.text is None:
            raise Http404(_("This page has not been written yet."))
        return super().get(request, *args, **kwargs)

    def get_alternates(self):
        name = self.request.resolver_match.url_name
        return [(code, path) for code, path in same_page_everywhere(f"articles:{name}", ()) if code in self.texts]

    def get_context_data(self, **kwargs):
        return super().get_context_data(page=self.text, page_info=language_info(self.text.language), **kwargs)


def robots_txt(request):
    """Crawlers: everything public, never the admin or previews; where the sitemap is."""
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /*/preview/", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
