from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ..images import clean_original, make_renditions
from ..models import (
    Author,
    AuthorBio,
    FeaturedPiece,
    Image,
    Kind,
    KindText,
    Section,
    SectionText,
    Tag,
    TranslatorLanguage,
)  # fmt: skip
from ..roles import translator_languages
from .scoping import LanguageTextsInline, TranslatedThingAdmin


class SectionTextInline(LanguageTextsInline, admin.StackedInline):
    model = SectionText
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Section)
class SectionAdmin(TranslatedThingAdmin, admin.ModelAdmin):
    list_display = ["__str__", "key", "order", "show_on_home"]
    list_editable = ["order", "show_on_home"]
    search_fields = ["key", "texts__name"]
    inlines = [SectionTextInline]
    translator_readonly_fields = ("key", "order", "show_on_home")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("texts")


class KindTextInline(LanguageTextsInline, admin.TabularInline):
    model = KindText


@admin.register(Kind)
class KindAdmin(TranslatedThingAdmin, admin.ModelAdmin):
    list_display = ["__str__", "key", "order"]
    search_fields = ["key", "texts__name"]
    inlines = [KindTextInline]
    translator_readonly_fields = ("key", "order")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("texts")


class AuthorBioInline(LanguageTextsInline, admin.StackedInline):
    model = AuthorBio


@admin.register(Author)
class AuthorAdmin(TranslatedThingAdmin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["photo"]
    inlines = [AuthorBioInline]
    translator_readonly_fields = ("name", "slug", "photo")


class ImageAdminForm(forms.ModelForm):
    # A plain file field: articles.images.inspect is the only gate, and it reads the header before
    # anything else opens the file (Django's image field would decode it first, with a vaguer message).
    file = forms.FileField(label=_("file"), help_text=_("JPEG, PNG, WebP, AVIF or GIF; up to 20 MB and 40 megapixels."))

    class Meta:
        model = Image
        fields = ["title", "file", "credit", "licence", "focal_x", "focal_y"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if isinstance(upload, UploadedFile):  # a new upload, not the stored file
            return clean_original(upload)
        return upload


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ["thumbnail", "title", "credit", "licence", "width", "height", "created_at"]
    list_display_links = ["thumbnail", "title"]
    search_fields = ["title", "credit", "licence", "usages__alt_text", "usages__caption"]
    readonly_fields = ["thumbnail", "width", "height", "used_in"]

    @admin.display(description=_("preview"))
    def thumbnail(self, image):
        if not image.pk:
            return "—"
        picture = image.picture("card")
        return format_html('<img src="{}" alt="" width="160" height="90" style="object-fit:cover">', picture["src"])

    @admin.display(description=_("used in"))
    def used_in(self, image):
        usages = image.usages.select_related("article").order_by("article__language")
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> [{}]',
            ((reverse("admin:articles_article_change", args=[u.article_id]), u.article.title, u.article.language) for u in usages),
        ) or _("Not used yet.")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "file" in form.changed_data or {"focal_x", "focal_y"} & set(form.changed_data) or not obj.renditions:
            obj.renditions = make_renditions(obj)  # once per upload or crop change, never per request
            obj.save(update_fields=["renditions"])


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "slug"]
    list_filter = ["language"]
    search_fields = ["name"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        languages = translator_languages(request.user)
        return queryset if languages is None else queryset.filter(language__in=languages)


@admin.register(FeaturedPiece)
class FeaturedPieceAdmin(admin.ModelAdmin):
    list_display = ["article", "language", "order"]
    list_editable = ["order"]
    list_filter = ["language"]
    autocomplete_fields = ["article"]


class TranslatorLanguageInline(admin.TabularInline):
    model = TranslatorLanguage
    extra = 0
    verbose_name_plural = "Translates into (for members of the Translators group)"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class ReviewUserAdmin(UserAdmin):
    inlines = [TranslatorLanguageInline]
