"""The version list's bulk actions, offered by the policies and carried out by the services."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles import services
from articles.errors import DomainError, NotAllowed
from articles.policies import (
    may_edit_piece,
    may_publish,
)


class BulkActions:
    """Publish, publish every ready language, export, unpublish, make source; a refusal is a message."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not may_publish(request.user):
            actions.pop("publish_selected", None)
            actions.pop("publish_ready_selected", None)
            actions.pop("unpublish_selected", None)
        if not may_edit_piece(request.user):
            actions.pop("make_source_selected", None)
        return actions

    def response_action(self, request, queryset):
        try:
            return super().response_action(request, queryset)
        except NotAllowed:
            raise
        except DomainError as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # Bulk actions ------------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Publish selected versions"))
    def publish_selected(self, request, queryset):
        versions = list(queryset.select_related("piece"))
        count = services.publish(versions=versions, by=request.user)
        message = ngettext("%(count)d version published.", "%(count)d versions published.", count) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)
        self.warn_untranslated(versions, request)

    @admin.action(description=gettext_lazy("Publish every ready language of the selected pieces (all or none)"))
    def publish_ready_selected(self, request, queryset):
        pieces = {version.piece_id for version in queryset}
        count = services.publish_ready(pieces=pieces, by=request.user)
        message = ngettext("%(count)d version published.", "%(count)d versions published.", count) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Export the selected pieces for translation (XLIFF 2 or PO)…"))
    def export_selected(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:500])
        return redirect(f"{reverse('admin:articles_pieceversion_export')}?ids={ids}")

    @admin.action(description=gettext_lazy("Unpublish selected versions"))
    def unpublish_selected(self, request, queryset):
        count = services.unpublish(versions=queryset, by=request.user)
        message = ngettext("%(count)d version unpublished.", "%(count)d versions unpublished.", count) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Make source version of its piece"))
    def make_source_selected(self, request, queryset):
        for version in queryset:
            services.make_source(version=version, by=request.user)
        self.message_user(request, _("Source versions changed."), messages.SUCCESS)
