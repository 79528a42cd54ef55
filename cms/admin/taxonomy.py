from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles import services
from articles.languages import language_codes
from articles.models import (
    Author,
    AuthorBio,
    FanOut,
    FeaturedPiece,
    Image,
    Kind,
    KindText,
    Piece,
    PieceVersion,
    Section,
    SectionText,
    Tag,
    TranslatorLanguage,
)
from articles.policies import is_translator, may_delete, may_edit_piece, readable_versions, translator_languages
from cms.admin.chooser import ImageChooserViews
from cms.admin.hardening import HardenedAdmin, ModelAdmin, StackedInline, TabularInline
from cms.admin.home import HomeArrangementViews
from cms.admin.scoping import LanguageTextsInline, TaxonomyEvents, TranslatedThingAdmin
from library.images import inspect


class SectionTextInline(LanguageTextsInline, StackedInline):
    model = SectionText
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Section)
class SectionAdmin(TranslatedThingAdmin, ModelAdmin):
    list_display = ["__str__", "key", "order", "show_on_home"]
    list_editable = ["order", "show_on_home"]
    search_fields = ["key", "texts__name"]
    inlines = [SectionTextInline]
    translator_readonly_fields = ("key", "order", "show_on_home")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("texts")


class KindTextInline(LanguageTextsInline, TabularInline):
    model = KindText


@admin.register(Kind)
class KindAdmin(TranslatedThingAdmin, ModelAdmin):
    list_display = ["__str__", "key", "order"]
    search_fields = ["key", "texts__name"]
    inlines = [KindTextInline]
    translator_readonly_fields = ("key", "order")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("texts")


class AuthorBioInline(LanguageTextsInline, StackedInline):
    model = AuthorBio


@admin.register(Author)
class AuthorAdmin(TranslatedThingAdmin, ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["photo"]
    inlines = [AuthorBioInline]
    translator_readonly_fields = ("name", "slug", "photo")


class ImageAdminForm(forms.ModelForm):
    # Not the model's file field: the upload is checked from its header here (library.images.inspect)
    # and handed to the services, which keep it private until the image worker has decoded it.
    upload = forms.FileField(
        label=_("file"),
        help_text=_("JPEG, PNG or GIF up to 40 megapixels, WebP or AVIF up to 16; up to 20 MB. Animated images keep their "
                    "first frame. The picture is processed in the background and appears here when ready."),
    )  # fmt: skip

    class Meta:
        model = Image
        fields = ["title", "credit", "licence", "focal_x", "focal_y"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["upload"].required = False
            self.fields["upload"].label = _("replace the file")

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            inspect(upload)
        return upload


@admin.register(Image)
class ImageAdmin(ImageChooserViews, ModelAdmin):
    form = ImageAdminForm

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/focal-point.js"]

    def get_urls(self):
        return [*self.chooser_urls(f"{self.opts.app_label}_{self.opts.model_name}"), *super().get_urls()]

    list_display = ["thumbnail", "title", "processing", "credit", "licence", "width", "height", "created_at"]
    list_display_links = ["thumbnail", "title"]
    list_filter = ["state"]
    search_fields = ["title", "credit", "licence", "usages__alt_text", "usages__caption"]
    readonly_fields = ["thumbnail", "processing", "width", "height", "focal_picker", "used_in"]
    fields = ["title", "upload", "thumbnail", "processing", "width", "height", "credit", "licence", "focal_picker", "focal_x", "focal_y",
              "used_in"]  # fmt: skip

    def get_search_fields(self, request):
        # Images are shared by every language; their alt texts and captions belong to versions a
        # translator may not read, so a translator's search cannot probe them.
        fields = super().get_search_fields(request)
        return [field for field in fields if not field.startswith("usages__")] if is_translator(request.user) else fields

    def get_object(self, request, object_id, from_field=None):
        image = super().get_object(request, object_id, from_field)
        if image is not None:
            image.reader = request.user  # "used in" lists only the versions this person may read
        return image

    @admin.display(description=_("preview"))
    def thumbnail(self, image):
        if not image.file:
            return "—"
        picture = image.picture("card")
        return format_html('<img src="{}" alt="" width="160" height="90" class="review-thumbnail">', picture["src"])

    @admin.display(description=_("focal point"))
    def focal_picker(self, image):
        if not image.file:
            return _("Upload the picture first; then click it here to set its focal point.")
        return format_html(
            '<div class="review-focal" data-focal><img src="{}" alt="{}"><span class="review-focal__marker" hidden></span></div>'
            '<div class="help">{}</div>',
            image.picture("full")["src"], _("Click the point that crops must keep in view"),
            _("Click the picture where its subject is: crops (cards, sharing pictures) keep that point in view. "
              "The numbers below say the same, for keyboards."),
        )  # fmt: skip

    @admin.display(description=_("state"), ordering="state")
    def processing(self, image):
        if not image.pk:
            return "—"
        label = image.get_state_display()
        return format_html("{}<br><small>{}</small>", label, image.problem) if image.problem else label

    @admin.display(description=_("used in"))
    def used_in(self, image):
        if not image.pk:
            return _("Not used yet.")
        readable = readable_versions(image.reader, "article__")
        usages = image.usages.filter(readable).select_related("article").order_by("article__language")
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> [{}]',
            ((reverse("admin:articles_pieceversion_change", args=[u.article_id]), u.article.title, u.article.language) for u in usages),
        ) or _("Not used yet.")

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("upload")
        crop_changed = bool({"focal_x", "focal_y"} & set(form.changed_data))
        services.save_image(image=obj, by=request.user, upload=upload, crop_changed=crop_changed)
        if upload:
            self.message_user(request, _("“%(title)s” is being processed; its picture appears as soon as it is ready.")
                              % {"title": obj.title}, messages.INFO)  # fmt: skip

    def delete_model(self, request, obj):
        services.delete_image(image=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            services.delete_image(image=image, by=request.user)


@admin.register(Tag)
class TagAdmin(TaxonomyEvents, ModelAdmin):
    list_display = ["name", "language", "slug"]
    list_filter = ["language"]
    search_fields = ["name"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        languages = translator_languages(request.user)
        return queryset if languages is None else queryset.filter(language__in=languages)

    def get_search_results(self, request, queryset, search_term):
        # The version form's tag picker asks for one language's tags (?language=); anything else is ignored.
        language = request.GET.get("language")
        if language in language_codes():
            queryset = queryset.filter(language=language)
        return super().get_search_results(request, queryset, search_term)


@admin.register(FanOut)
class FanOutAdmin(ModelAdmin):
    """What changes handed to the background (a tag's or an author's pieces' search words, a language's listings, a
    merge), and how far each got: read only, the jobs write it."""

    list_display = ["label", "kind", "progress", "created_at", "finished_at"]
    list_filter = ["kind"]
    fields = ["kind", "label", "progress", "created_at", "finished_at"]
    readonly_fields = fields

    @admin.display(description=_("progress"))
    def progress(self, job):
        if job.superseded and job.kind == FanOut.Kind.MERGE:
            stopped = ngettext(
                "Stopped after %(count)s piece: one of the two was deleted.",
                "Stopped after %(count)s pieces: one of the two was deleted.",
                job.done,
            )
            return stopped % {"count": f"{job.done:,}"}
        if job.superseded:
            return _("Replaced by a later change to the same thing.")
        if job.finished_at:
            return ngettext("Done: %(count)s piece.", "Done: %(count)s pieces.", job.done) % {"count": f"{job.done:,}"}
        figures = {"done": f"{job.done:,}", "total": f"{job.total:,}", "percent": job.percent}
        return _("%(done)s of %(total)s pieces (%(percent)s%%)") % figures

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FeaturedPiece)
class FeaturedPieceAdmin(HomeArrangementViews, ModelAdmin):
    """The rows behind the home arrangement page (arrange/), which is where editors work; the list stays for a look at all languages."""

    list_display = ["piece", "language", "order"]
    list_editable = ["order"]
    list_filter = ["language"]
    autocomplete_fields = ["piece"]

    def get_urls(self):
        return [*self.arrangement_urls(f"{self.opts.app_label}_{self.opts.model_name}"), *super().get_urls()]

    def save_model(self, request, obj, form, change):
        services.save_featured(featured=obj, by=request.user)

    def delete_model(self, request, obj):
        services.delete_featured(featured=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for featured in queryset:
            services.delete_featured(featured=featured, by=request.user)


class PieceVersionInline(TabularInline):
    model = PieceVersion
    fields = ["title", "language", "status", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(readable_versions(request.user)).defer("body")


@admin.register(Piece)
class PieceAdmin(ModelAdmin):
    """What a piece's versions share; deleting a piece deletes all its versions."""

    list_display = ["__str__", "section", "kind", "languages", "created_at"]
    list_select_related = ["source"]
    search_fields = ["versions__title"]
    autocomplete_fields = ["section", "kind", "authors"]
    fields = ["source", "section", "kind", "authors"]
    readonly_fields = ["source"]
    inlines = [PieceVersionInline]

    def get_search_fields(self, request):
        # Every version's title matches for an editor; a translator searches the titles they see, the sources'.
        return ["source__title"] if is_translator(request.user) else super().get_search_fields(request)

    def get_queryset(self, request):
        # A piece is named by its source's title: a translator finds only pieces whose source they may read.
        queryset = super().get_queryset(request).filter(readable_versions(request.user, "source__"))
        versions = PieceVersion.objects.filter(readable_versions(request.user)).only("piece_id", "language")
        return queryset.prefetch_related(Prefetch("versions", versions))

    @admin.display(description=_("languages"))
    def languages(self, piece):
        return ", ".join(sorted(version.language for version in piece.versions.all()))

    def has_add_permission(self, request):
        return False  # a piece is born with its source version: add an article

    def has_change_permission(self, request, obj=None):
        return may_edit_piece(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_delete(request.user) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        pass  # in save_related, with the authors

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        services.update_piece(
            piece=form.instance,
            by=request.user,
            section=data.get("section"),
            kind=data.get("kind"),
            authors=list(data.get("authors") or []),
        )
        for formset in formsets:  # the versions inline is read-only; this only sets what the change message reads
            formset.save(commit=False)

    def delete_model(self, request, obj):
        services.delete_piece(piece=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for piece in queryset:
            services.delete_piece(piece=piece, by=request.user)


class TranslatorLanguageInline(TabularInline):
    model = TranslatorLanguage
    extra = 0
    verbose_name_plural = "Translates into (for members of the Translators group)"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class ReviewUserAdmin(HardenedAdmin, UserAdmin):
    inlines = [TranslatorLanguageInline]
    actions = ["unlock_logins"]

    @admin.action(description=_("Unlock the login of the selected users"), permissions=["change"])
    def unlock_logins(self, request, queryset):
        """Lift a login lock (django-axes) before its cool-off ends: the user's own failures are forgotten."""
        from axes.utils import reset

        names = list(queryset.values_list("username", flat=True))
        for username in names:
            reset(username=username)
        self.message_user(request, ngettext("%(count)d login unlocked.", "%(count)d logins unlocked.", len(names)) % {"count": len(names)})

    def save_formset(self, request, form, formset, change):
        if formset.model is not TranslatorLanguage:
            return super().save_formset(request, form, formset, change)
        rows = formset.save(commit=False)
        services.save_translator_languages(user=form.instance, rows=rows, deleted=formset.deleted_objects, by=request.user)
        return rows
