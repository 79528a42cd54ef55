"""The images inline of the version form: the live rows, or a published version's pending images."""

from articles.models import ArticleImage
from articles.policies import (
    may_edit_language,
)
from cms.admin.forms import direction_attrs, working_copy_for
from cms.admin.hardening import TabularInline


class ArticleImageInline(TabularInline):
    model = ArticleImage
    extra = 0
    autocomplete_fields = ["image"]
    fields = ["image", "alt_text", "decorative", "caption", "order"]

    # On a version this person only reads (a translator on a source), the images are read-only too.
    @staticmethod
    def _writes(request, obj):
        return obj is None or may_edit_language(request.user, obj.language)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._writes(request, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._writes(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._writes(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        pending = pending_images(request, obj)
        if pending is not None:
            kwargs["extra"] = len(pending)  # the working copy's images, as forms to edit (get_formset_kwargs fills them)
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:  # alt text and caption are written in the version's language and direction
            for name in ("alt_text", "caption"):
                if name in formset.form.base_fields:
                    formset.form.base_fields[name].widget.attrs.update(direction_attrs(obj.language))
        if pending is None:
            return formset

        class PendingImagesFormSet(formset):
            def get_form_kwargs(self, index):
                form_kwargs = super().get_form_kwargs(index)
                if index is not None and index < len(self.initial_extra or []):  # None: the blank template form
                    form_kwargs["empty_permitted"] = False  # an image kept unchanged is still one of the pending images
                return form_kwargs

        return PendingImagesFormSet


def pending_images(request, obj):
    """A published version's pending images as initial form data, or None when nothing is pending."""
    copy = working_copy_for(request, obj)
    if copy is None:
        return None
    return [{**usage, "image": usage["image"].pk} for usage in sorted(copy.pending_usages, key=lambda u: u.get("order") or 0)]
