"""The publication's own pages (about, contact, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from articles import events
from articles.errors import RuleBroken
from articles.languages import language_codes
from articles.sanitize import sanitize_html
from articles.services._base import _may_edit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.models import PublicationPage


def _publication_page_changed(page: PublicationPage) -> None:
    # Every language shows this text where it has none of its own: each language's address of the page; and every
    # reader page's footer links the pages that exist (their chrome keys).
    urls = {events.reverse_in(code, f"articles:{page.page}") for code in language_codes()} | events.chrome_keys()
    events.emit(events.PAGE_CHANGED, urls, language=page.language, extra={"page": page.page})


@transaction.atomic
def save_publication_page(*, page: PublicationPage, by: User | None) -> PublicationPage:
    """Write one language's text of an about, contact, editorial policy or reproduction page."""
    _may_edit(by, page.language)
    page.body = sanitize_html(page.body)
    page.title = page.title.strip()
    if not page.title:
        raise RuleBroken(_("A page needs a title."))
    if not strip_tags(page.body).strip():
        raise RuleBroken(_("A page needs some text."))
    page.save()
    _publication_page_changed(page)
    return page


@transaction.atomic
def delete_publication_page(*, page: PublicationPage, by: User | None) -> None:
    _may_edit(by, page.language)
    page.delete()
    _publication_page_changed(page)
