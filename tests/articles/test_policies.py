"""The two groups' rights, as the admin reads them: what an editor and a translator may do with each kind of row.

The services ask `policies` before every write; the admin offers its screens by these permissions. A right lost
from a group is a screen an editor can no longer open, or one a translator should never have had.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User

from articles import models
from articles.policies import EDITORS, TRANSLATORS, ensure_groups
from desk.models import MemoryEntry, Term

ACTIONS = ("view", "add", "change", "delete")


def member_of(group_name):
    ensure_groups()
    user = User.objects.create_user(f"member-{group_name.lower()}", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return User.objects.get(pk=user.pk)  # no cached permissions


def rights(user, model):
    return {action for action in ACTIONS if user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")}


def admin_models():
    """Every model of the articles and desk apps the admin shows: registered, or edited inline on a registered one."""
    shown = set()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in ("articles", "desk"):
            shown.add(model)
            shown.update(inline.model for inline in model_admin.inlines if inline.model._meta.app_label == "articles")
    return shown


@pytest.mark.django_db
def test_editors_may_do_everything_with_every_row_the_admin_shows():
    editor = member_of(EDITORS)
    shown = admin_models()
    assert {models.PieceVersion, models.Section, models.SectionText, models.Author, models.AuthorBio, models.Tag} <= shown
    assert {model._meta.model_name: rights(editor, model) for model in shown} == {model._meta.model_name: set(ACTIONS) for model in shown}
    assert rights(editor, models.ArticleRedirect) == set(ACTIONS)  # the piece's old addresses, kept by its form
    assert not rights(editor, models.ListingEntry) and not rights(editor, models.SearchDocument)  # derived: services only


@pytest.mark.django_db
def test_translators_translate_texts_and_read_what_they_translate_but_delete_no_shared_row():
    translator = member_of(TRANSLATORS)
    expected = {
        models.Piece: {"view"},
        models.PieceVersion: {"view", "add", "change"},  # versions: their languages only (policies.may_edit_language)
        models.ArticleImage: set(ACTIONS),  # a version's pictures, in their languages
        models.Image: {"view", "add"},
        models.Section: {"view", "change"},  # to add their language's text, not to rename or delete the section
        models.SectionText: {"view", "add", "change"},
        models.Kind: {"view", "change"},
        models.KindText: {"view", "add", "change"},
        models.Author: {"view", "change"},
        models.AuthorBio: {"view", "add", "change"},
        models.Tag: {"view"},
        models.PublicationPage: {"view", "add", "change"},
        models.FeaturedPiece: set(),
        models.Assignment: {"view"},  # what was asked of them, and only that (cms.admin.desk.AssignmentAdmin)
        models.ArticleRedirect: set(),
        models.FanOut: set(),  # background updates: editors follow them, translators do not see them
        Term: {"view"},  # the glossary and the memory: editors keep them, translators use them
        MemoryEntry: {"view"},
    }
    assert {model._meta.model_name: rights(translator, model) for model in expected} == {
        model._meta.model_name: allowed for model, allowed in expected.items()
    }
    assert admin_models() <= set(expected), "a new admin screen: say here what a translator may do with it"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff without rights", "inactive editor", "anonymous"])
def test_who_may_not_change_versions_writes_and_publishes_nothing_in_any_language(who):
    from django.contrib.auth.models import AnonymousUser

    from articles import policies

    if who == "anonymous":
        user = AnonymousUser()
    elif who == "inactive editor":
        user = member_of(EDITORS)
        user.is_active = False
    else:
        user = User.objects.create_user("staff-only", is_staff=True)
    assert not any(policies.may_edit_language(user, language) for language in ("en", "fr", "ar"))
    assert policies.publishing_languages(user) == set()
    assert not policies.may_publish(user) and not policies.may_publish_language(user, "en")


@pytest.mark.django_db
@pytest.mark.parametrize("all_may_publish", [False, True])
def test_a_translator_publishes_only_in_their_languages_and_only_where_they_revise_unless_all_may(settings, all_may_publish):
    from articles import policies

    settings.REVIEW_TRANSLATORS_CAN_PUBLISH = all_may_publish
    user = member_of(TRANSLATORS)
    user.translator_languages.create(language="fr", may_publish=True)
    user.translator_languages.create(language="de", may_publish=False)
    user = User.objects.get(pk=user.pk)
    assert policies.translator_languages(user) == {"fr", "de"}
    assert policies.publishing_languages(user) == ({"fr", "de"} if all_may_publish else {"fr"})
    assert policies.may_publish_language(user, "de") is all_may_publish
    assert not policies.may_publish_language(user, "en") and not policies.may_edit_language(user, "en")
    assert policies.may_edit_language(user, "de") and policies.may_publish(user)
    editor = member_of(EDITORS)
    assert policies.publishing_languages(editor) is None and policies.may_publish_language(editor, "ka")


@pytest.mark.django_db
def test_only_editors_change_what_every_language_shares_and_delete_versions():
    from articles import policies

    translator = member_of(TRANSLATORS)
    translator.translator_languages.create(language="fr", may_publish=True)
    people = {
        "editor": member_of(EDITORS),
        "translator": User.objects.get(pk=translator.pk),
        "staff": User.objects.create_user("staff-only", is_staff=True),
    }
    assert {name: (policies.may_edit_piece(user), policies.may_delete(user)) for name, user in people.items()} == {
        "editor": (True, True),
        "translator": (False, False),
        "staff": (False, False),
    }


@pytest.mark.django_db
def test_unpublished_text_and_history_are_read_only_by_those_who_work_in_its_language(make_article):
    from articles import policies
    from articles.models import PieceVersion, Status

    source = make_article(title="Live source")
    french = make_article(translation_of=source, language="fr", title="Brouillon", status=Status.DRAFT, published_at=None)
    german = make_article(translation_of=source, language="de", title="Entwurf", status=Status.DRAFT, published_at=None)
    translator = member_of(TRANSLATORS)
    translator.translator_languages.create(language="fr")
    translator = User.objects.get(pk=translator.pk)
    editor, staff = member_of(EDITORS), User.objects.create_user("staff-only", is_staff=True)

    def readable(user):
        return set(PieceVersion.objects.filter(policies.readable_versions(user)).values_list("title", flat=True))

    assert readable(editor) == {"Live source", "Brouillon", "Entwurf"}
    assert readable(translator) == {"Live source", "Brouillon"}  # the published source to translate from, and French
    assert [policies.may_read_version(translator, v) for v in (source, french, german)] == [True, True, False]
    assert [policies.may_read_pending(translator, v) for v in (source, french, german)] == [False, True, False]
    assert [policies.may_view_history(translator, v.language) for v in (source, french, german)] == [False, True, False]
    assert all(policies.may_read_pending(editor, v) and policies.may_view_history(editor, v.language) for v in (source, german))
    assert not any(policies.may_read_pending(staff, v) or policies.may_view_history(staff, v.language) for v in (source, german))
    assert [policies.may_read_version(staff, v) for v in (source, german)] == [True, False]
