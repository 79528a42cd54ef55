"""Assignments: who translates what by when, and the mail that tells them; translators' languages."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation as translations
from django.utils.translation import gettext as _

from articles.errors import RuleBroken
from articles.jobs import enqueue
from articles.languages import language_codes
from articles.models import (
    PieceVersion,
)
from articles.services._base import _language_name, _may_edit_piece, _require

if TYPE_CHECKING:
    from django.contrib.auth.models import Group, User

    from articles.models import Assignment, Piece, TranslatorLanguage


@transaction.atomic
def assign(*, piece: Piece, language: str, translator: User, due_on: date | None = None, by: User | None) -> Assignment:
    """Ask `translator` for `piece` in `language` (by `due_on`); they are mailed by the background queue.

    One assignment per piece and language: assigning again hands it to another person or moves the date.
    """
    from articles.models import Assignment

    _may_edit_piece(by)
    if language not in language_codes():
        raise RuleBroken(_("“%(language)s” is not one of the site’s languages.") % {"language": language}, field="language")
    if piece.source and piece.source.language == language:
        raise RuleBroken(_("This is the piece’s source language: there is nothing to translate."), field="language")
    if not (translator.is_active and translator.translator_languages.filter(language=language).exists()):
        raise RuleBroken(
            _("%(person)s does not translate into %(language)s.") % {"person": translator, "language": _language_name(language)},
            field="translator",
        )
    assignment, created = Assignment.objects.select_for_update().get_or_create(
        piece=piece, language=language, defaults={"translator": translator, "due_on": due_on, "assigned_by": by}
    )
    news = created or assignment.translator_id != translator.pk or assignment.due_on != due_on
    assignment.translator, assignment.due_on, assignment.assigned_by = translator, due_on, by
    assignment.notified_revision = piece.source.content_revision if piece.source else 0
    assignment.save()
    if news:
        _mail_later("assigned", assignment.pk)
    return assignment


@transaction.atomic
def unassign(*, assignment: Assignment, by: User | None) -> None:
    """Withdraw an assignment (the translator is not mailed: nothing is asked of them any more)."""
    _may_edit_piece(by)
    assignment.delete()


@transaction.atomic
def save_translator_languages(
    *, user: User, rows: Iterable[TranslatorLanguage] = (), deleted: Iterable[TranslatorLanguage] = (), by: User | None
) -> None:
    """Set which languages a translator works in, and where they revise (publish): the people's admin's business."""
    from articles.models import TranslatorLanguage

    _require(by is None or by.has_perm("auth.change_user"), _("You may not change people’s rights."))
    for row in rows:
        if row.language not in language_codes():
            raise RuleBroken(_("“%(language)s” is not one of the site’s languages.") % {"language": row.language}, field="language")
    for row in deleted:
        TranslatorLanguage.objects.filter(pk=row.pk, user=user).delete()
    for row in rows:
        row.user = user
        row.save()


@transaction.atomic
def save_staff_user(
    *,
    username: str,
    password: str,
    by: User | None,
    email: str = "",
    superuser: bool = False,
    group: Group | None = None,
    languages: Collection[str] | None = None,
) -> User:
    """Create or update a member of staff: their password, superuser flag, role (a group) and, for translators, the
    languages they work in (`save_translator_languages`). The people's admin, and the demo's logins."""
    from django.contrib.auth import get_user_model

    from articles.models import TranslatorLanguage

    _require(by is None or by.has_perm("auth.change_user"), _("You may not change people’s rights."))
    user, _created = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
    user.is_staff, user.is_superuser = True, superuser
    user.set_password(password)
    user.save()
    if group is not None:
        user.groups.set([group])
    if languages is not None:
        kept = {row.language: row for row in user.translator_languages.all()}
        save_translator_languages(user=user, by=by, deleted=[row for code, row in kept.items() if code not in languages],
                                  rows=[TranslatorLanguage(language=code) for code in languages if code not in kept])  # fmt: skip
    return user


def _mail_later(reason: str, assignment_id: int) -> None:
    from review.site import site_url

    address = site_url()  # read now, in the request that made the change: the job runs elsewhere
    transaction.on_commit(lambda: enqueue("articles.mail_assignment", assignment_id, reason, address))


def _source_changed(source: PieceVersion) -> None:
    """The source's text moved on: each person assigned a translation of it hears once per revision."""
    from articles.models import Assignment

    for pk in Assignment.objects.filter(piece_id=source.piece_id, notified_revision__lt=source.content_revision).values_list(
        "pk", flat=True
    ):
        _mail_later("source_changed", pk)


def mail_assignment(*, assignment_id: int, reason: str, site_url: str | None = None) -> bool:
    """The background job: mail the translator about a new assignment or a changed source (once per source revision), in
    the language they translate into (English where the site has no catalogue for it), with links to `site_url` (the
    host of the request that made the change; REVIEW_SITE_URL when there was none)."""
    from articles.models import Assignment

    with transaction.atomic():
        locked = Assignment.objects.select_for_update(of=("self",)).select_related("piece__source", "translator")
        assignment = locked.filter(pk=assignment_id).first()
        if assignment is None or not assignment.translator.email or assignment.piece.source is None:
            return False
        source = assignment.piece.source
        if reason == "source_changed":
            if assignment.notified_revision >= source.content_revision:
                return False  # already told about this text
            assignment.notified_revision = source.content_revision
            assignment.save(update_fields=["notified_revision"])
    version = PieceVersion.objects.filter(piece_id=assignment.piece_id, language=assignment.language).first()
    path = reverse("admin:articles_pieceversion_change", args=[version.pk]) if version else (
        reverse("admin:articles_pieceversion_translate", args=[source.pk]) + f"?language={assignment.language}"
    )  # fmt: skip
    base = (site_url or settings.REVIEW_SITE_URL).rstrip("/")
    context = {"assignment": assignment, "source": source, "reason": reason, "url": base + path,
               "language": _language_name(assignment.language)}  # fmt: skip
    with translations.override(assignment.language):
        subject = render_to_string("articles/mail/assignment_subject.txt", context).strip()
        body = render_to_string("articles/mail/assignment.txt", context)
    send_mail(subject, body, None, [assignment.translator.email])
    return True
