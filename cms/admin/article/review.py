"""The review panel under the version form: the state machine's transitions as buttons."""

from django.contrib import messages
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import lifecycle, services
from articles.diff import field_diffs, labelled
from articles.errors import DomainError, NotAllowed
from articles.lifecycle import Transition
from articles.models import PieceVersion, Status
from articles.policies import (
    may_edit_language,
    may_read_version,
)
from cms.admin.forms import direction_attrs, working_copy_for
from cms.admin.hardening import pk_or_404

# The review panel's buttons, each a transition of the state machine (articles.lifecycle).
REVIEW_STEP_TRANSITIONS = {
    "submit": Transition.SUBMIT,
    "approve": Transition.APPROVE,
    "send_back": Transition.SEND_BACK,
    "comment": Transition.COMMENT,
    "publish_changes": Transition.PUBLISH_PENDING,
    "discard_changes": Transition.DISCARD_PENDING,
}


class ReviewViews:
    """The panel's context and the view its buttons post to."""

    REVIEW_STEPS = {
        "submit": lambda version, by, text: services.submit_for_review(version=version, by=by, comment=text),
        "approve": lambda version, by, text: services.approve(version=version, by=by),
        "send_back": lambda version, by, text: services.send_back(version=version, by=by, comment=text),
        "comment": lambda version, by, text: services.add_comment(version=version, by=by, text=text),
        "publish_changes": lambda version, by, text: services.publish_changes(version=version, by=by),
        "discard_changes": lambda version, by, text: services.discard_changes(version=version, by=by),
    }

    def review_view(self, request, object_id):
        """The review panel's buttons: submit for review, approve, send back with a comment, comment."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(PieceVersion.objects.select_related("piece"), pk=pk_or_404(PieceVersion, object_id))
        step = self.REVIEW_STEPS.get(request.POST.get("step", ""))
        if step is None:
            return HttpResponseBadRequest(_("Unknown review step."))
        try:
            step(article, request.user, request.POST.get("text", "")[:10_000])
        except NotAllowed:
            raise  # a 403
        except DomainError as refusal:
            messages.error(request, str(refusal))
        else:
            done = {"submit": _("Submitted for review."), "approve": _("Approved and published."),
                    "send_back": _("Sent back to the translator with your comment."), "comment": _("Comment added."),
                    "publish_changes": _("The pending changes are live."),
                    "discard_changes": _("The pending changes were discarded; the form shows the live text.")}  # fmt: skip
            messages.success(request, done[request.POST["step"]])
        if not may_read_version(request.user, PieceVersion.objects.get(pk=article.pk)):
            return redirect("admin:articles_pieceversion_changelist")
        return redirect("admin:articles_pieceversion_change", article.pk)

    def review_context(self, request, article):
        """What the review panel under the form offers this person for this version."""
        if not article:
            return {}
        user = request.user
        copy = working_copy_for(request, article) if article.status == Status.PUBLISHED else None
        pending = copy.pending_record if copy else None
        state = lifecycle.state_of(article, pending)
        offered = lifecycle.offered(user, article, state)  # the state machine says what this person may do now
        context = {
            "comments": list(article.comments.select_related("author")[:50]),
            "review_steps": {step: offered[transition] for step, transition in REVIEW_STEP_TRANSITIONS.items()},
            "staged": state.published and may_edit_language(user, article.language),
            "may_publish_here": lifecycle.may(Transition.PUBLISH, user, article.language),
            "version_state": state,
        }
        if pending:

            def settings_of(version):
                when = version.published_at
                return {"slug": version.slug, "published_at": timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else ""}

            live = {**services.texts_of(article), **settings_of(article)}
            changes = {
                **{name: getattr(copy, name) for name in PieceVersion.CONTENT_FIELDS},
                "images": copy.pending_usages,
                **settings_of(copy),
            }
            fields = [*PieceVersion.CONTENT_FIELDS, "images", "slug", "published_at"]
            context.update(pending=pending, pending_diffs=labelled(PieceVersion, field_diffs(live, changes, fields)),
                           pending_dir=direction_attrs(article.language).get("dir", "ltr"))  # fmt: skip
        return context
