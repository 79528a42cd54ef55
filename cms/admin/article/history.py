"""History, comparison and restore of a version's revisions (django-reversion's records, through the services)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reversion.models import Version

from articles import lifecycle, services
from articles.diff import field_diffs, labelled
from articles.errors import DomainError, NotAllowed
from articles.models import PendingChange, PieceVersion
from articles.policies import (
    is_translator,
    may_view_history,
)
from cms.admin.article.links import preview_url
from cms.admin.forms import direction_attrs, working_copy_for
from cms.admin.hardening import pk_or_404
from review.numbers import read_id

COMPARED_FIELDS = ["title", "slug", "standfirst", "body", "images", "status", "published_at"]


class HistoryViews:
    """The History page, any two revisions compared, a revision restored after asking first."""

    def history_view(self, request, object_id, extra_context=None):
        article = self.viewable_version(request, object_id)
        versions = list(Version.objects.get_for_object(article).select_related("revision__user"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("History: %(title)s") % {"title": article.title},
            "preview_url": preview_url(article),
            "rows": [(version, versions[i + 1] if i + 1 < len(versions) else None) for i, version in enumerate(versions)],
        }
        return TemplateResponse(request, "admin/articles/pieceversion/history.html", context)

    def viewable_version(self, request, object_id):
        article = get_object_or_404(PieceVersion, pk=pk_or_404(PieceVersion, object_id))
        if not may_view_history(request.user, article.language):
            raise PermissionDenied
        return article

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # reversion's own view reverts the row, edit lock included, before saving; restore_view does not.
        article = self.viewable_version(request, object_id)
        return redirect("admin:articles_pieceversion_history", article.pk)

    def recoverlist_view(self, request, extra_context=None):
        if is_translator(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        raise PermissionDenied(_("Deleted versions are restored by an editor from the piece's history."))

    def compare_view(self, request, object_id, old_id, new_id):
        article = self.viewable_version(request, object_id)
        versions = Version.objects.get_for_object(article).select_related("revision__user")
        old, new = get_object_or_404(versions, pk=old_id), get_object_or_404(versions, pk=new_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "old": old,
            "new": new,
            "diffs": labelled(PieceVersion, field_diffs(services.texts_kept(old), services.texts_kept(new), COMPARED_FIELDS)),
            "direction": direction_attrs(article.language).get("dir", "ltr"),
            "title": _("Changes in “%(title)s”") % {"title": article.title},
        }
        return TemplateResponse(request, "admin/articles/pieceversion/compare.html", context)

    def compare_choice_view(self, request, object_id):
        """The history's "compare the two chosen revisions": any two, older first."""
        article = self.viewable_version(request, object_id)
        chosen = [read_id(request.GET.get(name)) for name in ("old", "new")]
        if None in chosen or chosen[0] == chosen[1]:
            return HttpResponseBadRequest(_("Choose two different revisions to compare."))
        ids = set(Version.objects.get_for_object(article).filter(pk__in=chosen).values_list("pk", flat=True))
        if len(ids) != 2:
            return HttpResponseBadRequest(_("These revisions are not revisions of this version."))
        old, new = sorted(chosen)  # type: ignore[type-var]  # no None: refused above
        return redirect("admin:articles_pieceversion_compare", article.pk, old, new)

    def restore_view(self, request, object_id, version_id):
        """Restore a revision: a GET (or a POST without `confirm`) asks first, saying what the restore will do."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        article = self.viewable_version(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(article).select_related("revision"), pk=version_id)
        if request.method == "GET" or request.POST.get("confirm") != "yes":
            return self.restore_confirmation(request, article, version)
        try:
            services.restore_revision(version=article, revision_version=version, by=request.user)
        except NotAllowed:
            raise
        except DomainError as refusal:
            messages.error(request, _("Not restored: %(reason)s") % {"reason": refusal})
            return redirect("admin:articles_pieceversion_history", article.pk)
        if PendingChange.objects.filter(version_id=article.pk).exists():  # a live version: the restore is pending
            messages.success(
                request, _("The revision is now this version’s pending changes: readers keep the live text until they are published.")
            )
        else:
            messages.success(request, _("Revision restored. The text before the restore is kept in the history."))
        return redirect("admin:articles_pieceversion_change", article.pk)

    def restore_confirmation(self, request, article, version):
        """What the restore of `version` will change, compared with the text the form edits now (pending changes included)."""
        state = lifecycle.state_of(article)
        copy = working_copy_for(request, article) if state.has_pending else None
        now = {**services.texts_of(copy or article), "slug": (copy or article).slug}
        if copy is not None:
            now["images"] = copy.pending_usages
        kept = services.texts_kept(version)
        fields = [*PieceVersion.CONTENT_FIELDS, "images", "slug"]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "kept": version,
            "state": state,
            "diffs": labelled(PieceVersion, field_diffs(now, kept, fields)),
            "direction": direction_attrs(article.language).get("dir", "ltr"),
            "title": _("Restore the revision of %(when)s?") % {"when": date_format(timezone.localtime(version.revision.date_created),
                                                                                   "DATETIME_FORMAT")},
        }  # fmt: skip
        return TemplateResponse(request, "admin/articles/pieceversion/restore.html", context)
