"""The image chooser the body editor opens (its “Browse…” in the figure dialog): thumbnails, search, paging, and
an upload in place. Choosing hands the picture back to the editor window (the CKEditor file browser protocol
django-prose-editor speaks: `window.opener.CKEDITOR.tools.callFunction(number, url, {id, …})`)."""

import re

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import services
from articles.models import Image, ImageState
from library.images import inspect
from review.numbers import read_id

CALLBACK = re.compile(r"-?\d{1,9}")
PER_PAGE = 24


class UploadForm(forms.ModelForm):
    upload = forms.FileField(label=gettext_lazy("Picture"), help_text=gettext_lazy("JPEG, PNG, GIF, WebP or AVIF; up to 20 MB."))

    class Meta:
        model = Image
        fields = ["title", "credit", "licence"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        inspect(upload)  # a broken, huge or disguised file is a form error here, never a 500 later
        return upload


class ImageChooserViews:
    """Mixed into the image admin: /admin/articles/image/choose/?CKEditorFuncNum=<n>&q=…&page=…"""

    def chooser_urls(self, name):
        return [path("choose/", self.admin_site.admin_view(self.choose_view), name=f"{name}_choose")]

    def choose_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        callback = request.GET.get("CKEditorFuncNum", "")
        if not CALLBACK.fullmatch(callback):
            return self.chooser_page(request, callback=None, status=400)
        upload_form = None
        if request.method == "POST":
            if not self.has_add_permission(request):
                raise PermissionDenied
            upload_form = UploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                try:
                    image = services.save_image(image=upload_form.save(commit=False), by=request.user,
                                                upload=upload_form.cleaned_data["upload"])  # fmt: skip
                except ValidationError as refusal:
                    upload_form.add_error("upload", refusal)
                else:
                    query = urlencode({"CKEditorFuncNum": callback, "added": image.pk})
                    return HttpResponseRedirect(f"{reverse('admin:articles_image_choose')}?{query}")
        return self.chooser_page(request, callback=callback, upload_form=upload_form, status=400 if upload_form else 200)

    def chooser_page(self, request, *, callback, upload_form=None, status=200):
        query = " ".join(request.GET.get("q", "").split())[:200]
        images = Image.objects.order_by("-created_at", "-pk")
        if query:
            images = images.filter(Q(title__icontains=query) | Q(credit__icontains=query))
        page = Paginator(images, PER_PAGE).get_page(request.GET.get("page"))
        added = request.GET.get("added", "")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Choose a picture"),
            "is_popup": True,
            "callback": callback,
            "query": query,
            "page": page,
            "added": read_id(added),
            "ready": ImageState.READY,
            "upload_form": upload_form or UploadForm(),
            "may_upload": self.has_add_permission(request),
            "pages": {"q": query, "CKEditorFuncNum": callback or ""},
        }
        return TemplateResponse(request, "admin/articles/image/choose.html", context, status=status)
