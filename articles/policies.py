"""Who may do what: editors everything editorial; translators only in their languages.

The one module of policies: the services ask it before every write, and the admin asks it only to
decide what to offer (a button, a choice), never to decide what is allowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from articles.models import Status

if TYPE_CHECKING:
    from articles.models import PieceVersion

# A user as requests carry them (a User, or AnonymousUser), with the per-request caches this module sets on it.
Person = Any

EDITORS = "Editors"
TRANSLATORS = "Translators"

EDITOR_MODELS = ["piece", "pieceversion", "articleimage", "image", "section", "sectiontext", "kind", "kindtext", "author", "authorbio",
                 "tag", "featuredpiece", "articleredirect", "publicationpage", "assignment", "fanout"]  # fmt: skip
TRANSLATOR_PERMISSIONS = [
    "view_piece", "view_pieceversion", "add_pieceversion", "change_pieceversion",
    "view_articleimage", "add_articleimage", "change_articleimage", "delete_articleimage",
    "view_image", "add_image",
    "view_section", "change_section", "view_sectiontext", "add_sectiontext", "change_sectiontext",
    "view_kind", "change_kind", "view_kindtext", "add_kindtext", "change_kindtext",
    "view_author", "change_author", "view_authorbio", "add_authorbio", "change_authorbio",
    "view_tag",
    "view_publicationpage", "add_publicationpage", "change_publicationpage",
    "view_assignment",  # their own (cms.admin.desk.AssignmentAdmin shows a translator only what was asked of them)
]  # fmt: skip


DESK_EDITOR_MODELS = ["term", "memoryentry"]  # the glossary and the translation memory (desk.models)
DESK_TRANSLATOR_PERMISSIONS = ["view_term", "view_memoryentry"]


def ensure_groups() -> tuple[Group, Group]:
    """Create or refresh the Editors and Translators groups with their permissions (idempotent)."""
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(Permission.objects.filter(
        Q(content_type__app_label="articles", content_type__model__in=EDITOR_MODELS)
        | Q(content_type__app_label="desk", content_type__model__in=DESK_EDITOR_MODELS)
    ))  # fmt: skip
    translators, _ = Group.objects.get_or_create(name=TRANSLATORS)
    translators.permissions.set(Permission.objects.filter(
        Q(content_type__app_label="articles", codename__in=TRANSLATOR_PERMISSIONS)
        | Q(content_type__app_label="desk", codename__in=DESK_TRANSLATOR_PERMISSIONS)
    ))  # fmt: skip
    return editors, translators


def translator_languages(user: Person) -> set[str] | None:
    """The languages a translator is limited to, or None for users without a language limit.

    Cached on the user object for the request.
    """
    if not hasattr(user, "_review_languages"):
        limited = user.is_authenticated and not user.is_superuser and user.groups.filter(name=TRANSLATORS).exists()
        user._review_languages = set(user.translator_languages.values_list("language", flat=True)) if limited else None
    return user._review_languages


def is_translator(user: Person) -> bool:
    return translator_languages(user) is not None


def may_edit_language(user: Person, language: str) -> bool:
    """Whether `user` writes versions (and texts) in `language`: staff with the right to change versions, translators
    only in their languages. A staff account without that right writes nothing, whatever surface it calls."""
    if not user.is_active or not user.has_perm("articles.change_pieceversion"):
        return False
    languages = translator_languages(user)
    return languages is None or language in languages


def publishing_languages(user: Person) -> set[str] | None:
    """The languages `user` may publish and unpublish in: every one for editors; for a translator, those they
    revise (or all theirs, where the editor-in-chief lets every translator publish). Cached for the request."""
    if not hasattr(user, "_review_publishing"):
        languages = translator_languages(user)
        if not user.is_authenticated or not user.has_perm("articles.change_pieceversion"):
            user._review_publishing = set()
        elif languages is None:
            user._review_publishing = None
        elif settings.REVIEW_TRANSLATORS_CAN_PUBLISH:
            user._review_publishing = set(languages)
        else:
            user._review_publishing = set(user.translator_languages.filter(may_publish=True).values_list("language", flat=True))
    return user._review_publishing


def may_publish(user: Person) -> bool:
    """Whether `user` publishes in any language (to offer the publish actions at all)."""
    languages = publishing_languages(user)
    return languages is None or bool(languages)


def may_publish_language(user: Person, language: str) -> bool:
    languages = publishing_languages(user)
    return languages is None or language in languages


def may_edit_piece(user: Person) -> bool:
    """Section, kind, authors and the source are shared by every language: editors' business, not translators'."""
    return user.has_perm("articles.change_piece") and not is_translator(user)


def may_delete(user: Person) -> bool:
    return user.has_perm("articles.delete_pieceversion") and not is_translator(user)


def may_view_history(user: Person, language: str) -> bool:
    return user.is_active and user.is_staff and user.has_perm("articles.view_pieceversion") and may_edit_language(user, language)


def readable_versions(user: Person, prefix: str = "") -> Q:
    """A filter (Q) for the versions `user` may read in the admin: lists, searches, autocompletes, copies.

    Editors read every version. A translator reads their own languages' versions and, as sources to
    translate from, versions an editor has passed for publication (published, or scheduled to be, so a
    piece can launch in several languages at once); never another language's draft or one in review.
    `prefix` reaches versions through a relation ("versions__", "usages__article__").
    """
    languages = translator_languages(user)
    if languages is None:
        return Q()
    return Q(**{f"{prefix}language__in": languages}) | Q(**{f"{prefix}status": Status.PUBLISHED})


def may_read_version(user: Person, version: PieceVersion) -> bool:
    return may_edit_language(user, version.language) or version.status == Status.PUBLISHED


def may_read_pending(user: Person, version: PieceVersion) -> bool:
    """Pending changes are unpublished text: only those who work in the version's language read them (in the form,
    the diff panel, the preview, the History's preview of a revision). Everyone else who may read a published
    version reads the live text."""
    return may_edit_language(user, version.language)
