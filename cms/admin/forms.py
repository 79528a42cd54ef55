from django import forms
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget

from articles import services
from articles.diff import field_diffs, labelled
from articles.errors import EditConflict
from articles.languages import language_codes, language_info
from articles.models import Author, Kind, PendingChange, Piece, PieceVersion, Section, Status, Tag
from articles.policies import may_edit_piece, may_publish, may_publish_language, may_read_pending
from articles.sanitize import sanitize_html
from cms.admin.hardening import SafeAutocompleteSelect, SafeAutocompleteSelectMultiple, SafeModelMultipleChoiceField
from cms.admin.scoping import language_choices
from review.numbers import read_id

BODY_EDITOR = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Subscript": True,
        "Superscript": True,
        "Heading": {"levels": [2, 3, 4]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HorizontalRule": True,
        "HardBreak": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
        "SpecialCharacters": True,
    }
}
# An article's body also takes figures: a picture from the image library (the chooser), alt text and a caption.
ARTICLE_BODY_EDITOR = {
    "extensions": {**BODY_EDITOR["extensions"], "Figure": {"pickerUrl": "/admin/articles/image/choose/"}, "Caption": True, "Image": True}
}


def direction_attrs(language):
    """`lang` and `dir` for a field that holds text in `language`, so Arabic is typed and shown right to left."""
    if language not in language_codes():
        return {}
    return {"lang": language, "dir": "rtl" if language_info(language)["bidi"] else "ltr"}


def working_copy_for(request, article):
    """`services.working_copy(article)`, read once per request (the form, the images inline and the panels all ask);
    None for someone who may not read pending changes (policies.may_read_pending): they see the live text."""
    if article is None or not article.pk or not may_read_pending(request.user, article):
        return None
    copies = request.__dict__.setdefault("_review_working_copies", {})
    if article.pk not in copies:
        copies[article.pk] = services.working_copy(article)
    return copies[article.pk]


class LanguageTagsWidget(SafeAutocompleteSelectMultiple):
    """One tag field: it offers the tags of one language (the tag admin filters by `language`), and a name that is
    no tag yet is typed in and kept as it is (select2's tagging; a comma ends a tag)."""

    language = None

    def get_url(self):
        url = super().get_url()
        return f"{url}?language={self.language}" if self.language else url

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.update({"data-tags": "true", "data-token-separators": '[","]'})
        return attrs

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        shown = {str(option["value"]) for _group, options, _index in groups for option in options}
        for text in [str(v) for v in value if str(v).strip() and str(v) not in shown and read_id(str(v)) is None]:  # new names
            groups.append((None, [self.create_option(name, text, text, True, len(groups), attrs=attr)], len(groups)))
        return groups


class TagsField(forms.ModelMultipleChoiceField):
    """Existing tags (by id) and new names in one field: cleans to [Tag or name], in the order given."""

    def clean(self, value):
        values = [" ".join(str(v).split())[:100] for v in (value or [])]
        values = [v for v in values if v]
        if self.required and not values:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        ids = [v for v in values if read_id(v) is not None]
        existing = {str(tag.pk): tag for tag in self.queryset.filter(pk__in=ids)} if ids else {}
        found, seen = [], set()
        for v in values:
            item = existing.get(v) or v
            key = item.name.lower() if isinstance(item, Tag) else item.lower()
            if key not in seen:
                seen.add(key)
                found.append(item)
        return found


class ArticleAdminForm(forms.ModelForm):
    """The version form: rich text body, the piece's shared fields, tags in the version's language.

    It only reads input; the rules (who may publish, alt text, slugs, the edit lock) are the
    services'. A refusal from them comes back as `refusal` and is shown here, with the text kept.
    """

    section = forms.ModelChoiceField(
        label=_("Section"), queryset=Section.objects.all(), required=False,
        widget=SafeAutocompleteSelect(Piece._meta.get_field("section"), admin.site),
        help_text=_("Shared by every language version of this piece."),
    )  # fmt: skip
    kind = forms.ModelChoiceField(
        label=_("Kind"),
        queryset=Kind.objects.all(),
        required=False,
        widget=SafeAutocompleteSelect(Piece._meta.get_field("kind"), admin.site),
    )
    authors = SafeModelMultipleChoiceField(
        label=_("Authors"), queryset=Author.objects.all(), required=False,
        widget=SafeAutocompleteSelectMultiple(Piece._meta.get_field("authors"), admin.site),
    )  # fmt: skip
    tags = TagsField(
        label=_("Tags"),
        queryset=Tag.objects.all(),
        required=False,
        help_text=_("Choose this language's tags, or type a new one and end it with a comma or Enter."),
        widget=LanguageTagsWidget(PieceVersion._meta.get_field("tags"), admin.site),
    )
    seen_edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    seen_source_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    mark_up_to_date = forms.BooleanField(label=_("I have updated it: this translation matches the source text shown"), required=False)

    TEXT_FIELDS = ("title", "slug", "standfirst", "body")

    PIECE_FIELDS = ("section", "kind", "authors")

    class Meta:
        model = PieceVersion
        fields = ["language", "title", "slug", "standfirst", "body", "status", "published_at"]
        widgets = {
            "body": AdminProseEditorWidget(config=ARTICLE_BODY_EDITOR, preset="configurable"),
            "standfirst": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.conflict = None
        article = self.instance
        self.fields["language"] = forms.ChoiceField(
            label=capfirst(PieceVersion._meta.get_field("language").verbose_name),
            choices=language_choices(request.user, language_codes()),
            initial=article.language,
        )
        self.fields["slug"].required = False  # left empty, the services make it from the title
        self.fields["slug"].help_text = _("The end of the address. Leave empty to make it from the title.")
        self.working_copy = working_copy_for(request, article)
        if article.pk:
            self.fields["language"].disabled = True  # a version's language is its identity; translate instead
            self.initial["tags"] = [tag.pk for tag in article.tags.all()]
            self.initial["seen_edit_version"] = article.edit_version
            piece = article.piece
            self.initial.update(section=piece.section_id, kind=piece.kind_id, authors=list(piece.authors.all()))
            if not article.is_source:
                self.initial["seen_source_revision"] = piece.source.content_revision
        if self.working_copy is not None:  # a published version's pending changes are what the form edits
            copy = self.working_copy
            self.initial.update({name: getattr(copy, name) for name in PendingChange.FIELDS})
            known = {tag.name.lower(): tag for tag in Tag.objects.filter(language=article.language, name__in=copy.pending_tags)}
            self.initial["tags"] = [known[name.lower()].pk if name.lower() in known else name for name in copy.pending_tags]
        language = article.language if article.pk else self._new_language()
        for name in self.TEXT_FIELDS:
            self.fields[name].widget.attrs.update(direction_attrs(language))
        self.fields["language"].widget.attrs["data-rtl"] = " ".join(c for c in language_codes() if language_info(c)["bidi"])
        self.fields["tags"].widget.language = language
        if not may_edit_piece(request.user):
            for name in self.PIECE_FIELDS:
                self.fields[name].disabled = True
        may_publish_here = may_publish_language(request.user, article.language) if article.pk else may_publish(request.user)
        if not may_publish_here and article.status != Status.PUBLISHED:
            self.fields["status"].choices = [c for c in self.fields["status"].choices if c[0] != Status.PUBLISHED]
        # A translator's "I have updated it" on pending changes is kept there: the box shows it, and a save or a
        # "Save and publish changes" that posts it unticked keeps it (publishing the pending changes never loses it).
        self.pending_match = self.working_copy.pending_record.matches_source_revision if self.working_copy is not None else None
        if not article.pk or article.is_source or not article.is_outdated():
            del self.fields["mark_up_to_date"]  # a new or up-to-date translation has nothing to catch up with
        elif self.pending_match is not None and self.pending_match >= article.piece.source.content_revision:
            self.initial["mark_up_to_date"] = True

    def _new_language(self):
        offered = [code for code, _name in self.fields["language"].choices]
        chosen = self.data.get("language") if self.is_bound else self.instance.language
        return chosen if chosen in offered else (offered[0] if offered else "")

    def clean_body(self):
        return sanitize_html(self.cleaned_data["body"], figures=True)

    def clean(self):
        cleaned = super().clean()
        language = cleaned.get("language") or self.instance.language
        wrong = [tag.name for tag in cleaned.get("tags") or [] if isinstance(tag, Tag) and tag.language != language]
        if wrong:
            self.add_error("tags", _("These tags belong to another language: %(tags)s") % {"tags": ", ".join(wrong)})
        if cleaned.get("mark_up_to_date") and not cleaned.get("seen_source_revision"):
            raise forms.ValidationError(_("This form does not say which source text you translated. Reload the page and try again."))
        refusal = getattr(self.request, "review_refusal", None)
        if refusal is not None:
            self.show_refusal(refusal)
        return cleaned

    def show_refusal(self, refusal):
        if isinstance(refusal, EditConflict):
            mine = {field: self.cleaned_data.get(field, "") for field in PieceVersion.CONTENT_FIELDS}
            theirs = {field: getattr(refusal.current, field) for field in PieceVersion.CONTENT_FIELDS}
            self.conflict = labelled(PieceVersion, field_diffs(mine, theirs, PieceVersion.CONTENT_FIELDS))
            message = _(
                "%(refusal)s Your text is still in this form. Where theirs differs from yours is shown below; "
                "reload the page to edit their version, then apply your changes again."
            ) % {"refusal": refusal}
            raise forms.ValidationError(message, code="edit_conflict")
        if refusal.field in self.fields:
            self.add_error(refusal.field, refusal.message)
        else:
            raise forms.ValidationError(refusal.message, code=refusal.code)

    def matches_source_revision(self):
        """The source revision the translator was shown, when they ticked “I have updated it”; otherwise the one the
        pending changes already record (someone ticked it when saving them), or None."""
        if self.cleaned_data.get("mark_up_to_date"):
            return self.cleaned_data.get("seen_source_revision")
        return self.pending_match

    def tag_names(self):
        return [tag.name if isinstance(tag, Tag) else tag for tag in self.cleaned_data.get("tags") or []]

    def piece_fields(self):
        """The shared fields to apply, or none at all when this person cannot change them."""
        if self.fields["section"].disabled:
            return {}
        return {"section": self.cleaned_data.get("section"), "kind": self.cleaned_data.get("kind"),
                "authors": list(self.cleaned_data.get("authors") or [])}  # fmt: skip

    def version_changes(self):
        return {name: self.cleaned_data[name] for name in ("title", "slug", "standfirst", "body", "status", "published_at")
                if name in self.cleaned_data}  # fmt: skip


class ExportForm(forms.Form):
    language = forms.ChoiceField(label=_("Translate into"))
    format = forms.ChoiceField(
        label=_("Format"), choices=[("xliff", _("XLIFF 2 (.xlf)")), ("po", _("PO (.po)"))], initial="xliff", widget=forms.RadioSelect
    )

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLIFF 2 or PO file"), help_text=_("A file exported here and translated by an agency; at most 5 MB."))
