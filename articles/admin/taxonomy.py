from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

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


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["title", "credit", "licence", "width", "height", "created_at"]
    search_fields = ["title", "credit"]


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
