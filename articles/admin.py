"""A working admin for editors; the full editorial workflow arrives with the CMS issue."""

from django.contrib import admin

from .models import Article, ArticleImage, Author, AuthorBio, Image, Kind, KindText, Section, SectionText, Tag


class SectionTextInline(admin.StackedInline):
    model = SectionText
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "key", "order", "show_on_home"]
    list_editable = ["order", "show_on_home"]
    inlines = [SectionTextInline]


class KindTextInline(admin.TabularInline):
    model = KindText
    extra = 0


@admin.register(Kind)
class KindAdmin(admin.ModelAdmin):
    list_display = ["__str__", "key", "order"]
    inlines = [KindTextInline]


class AuthorBioInline(admin.StackedInline):
    model = AuthorBio
    extra = 0


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AuthorBioInline]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["title", "credit", "licence", "width", "height", "created_at"]
    search_fields = ["title", "credit"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "slug"]
    list_filter = ["language"]
    search_fields = ["name"]


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    extra = 0
    autocomplete_fields = ["image"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "status", "published_at", "section", "kind", "is_source"]
    list_filter = ["language", "status", "section", "kind", "is_source"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["authors"]
    list_select_related = ["section", "kind"]
    inlines = [ArticleImageInline]
