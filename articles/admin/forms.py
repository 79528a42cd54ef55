from django import forms
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget
from taggit.utils import parse_tags

from ..diff import field_diffs, labelled
from ..errors import EditConflict
from ..languages import language_codes
from ..models import Article, Author, Kind, Piece, Section, Status, Tag
from ..policies import may_edit_piece, may_publish
from ..sanitize import sanitize_html
from .hardening import SafeAutocompleteSelect, SafeAutocompleteSelectMultiple, SafeModelMultipleChoiceField
from .scoping import language_choices

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
    existing_tags = SafeModelMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.all(),
        required=False,
        help_text=_("Tags already used in this language."),
        widget=SafeAutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
    )
    new_tags = forms.CharField(label=_("New tags"), required=False, help_text=_("Comma-separated; created in this version’s language."))
    seen_edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    mark_up_to_date = forms.BooleanField(label=_("I have updated it: this translation matches the source’s current text"), required=False)

    PIECE_FIELDS = ("section", "kind", "authors")

    class Meta:
        model = Article
        fields = ["language", "title", "slug", "standfirst", "body", "status", "published_at"]
        widgets = {
            "body": AdminProseEditorWidget(config=BODY_EDITOR, preset="configurable"),
            "standfirst": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.conflict = None
        article = self.instance
        self.fields["language"] = forms.ChoiceField(
            label=capfirst(Article._meta.get_field("language").verbose_name),
            choices=language_choices(request.user, language_codes()),
            initial=article.language,
        )
        if article.pk:
            self.fields["language"].disabled = True  # a version's language is its identity; translate instead
            self.initial["existing_tags"] = list(article.tags.all())
            self.initial["seen_edit_version"] = article.edit_version
            piece = article.piece
            self.initial.update(section=piece.section_id, kind=piece.kind_id, authors=list(piece.authors.all()))
        if not may_edit_piece(request.user):
            for name in self.PIECE_FIELDS:
                self.fields[name].disabled = True
        if not may_publish(request.user) and article.status != Status.PUBLISHED:
            self.fields["status"].choices = [c for c in self.fields["status"].choices if c[0] != Status.PUBLISHED]
        if not article.pk or article.is_source:
            del self.fields["mark_up_to_date"]

    def clean_body(self):
        return sanitize_html(self.cleaned_data["body"])

    def clean_new_tags(self):
        return parse_tags(self.cleaned_data["new_tags"])

    def clean(self):
        cleaned = super().clean()
        language = cleaned.get("language") or self.instance.language
        wrong = [tag.name for tag in cleaned.get("existing_tags") or [] if tag.language != language]
        if wrong:
            self.add_error("existing_tags", _("These tags belong to another language: %(tags)s") % {"tags": ", ".join(wrong)})
        refusal = getattr(self.request, "review_refusal", None)
        if refusal is not None:
            self.show_refusal(refusal)
        return cleaned

    def show_refusal(self, refusal):
        if isinstance(refusal, EditConflict):
            mine = {field: self.cleaned_data.get(field, "") for field in Article.CONTENT_FIELDS}
            theirs = {field: getattr(refusal.current, field) for field in Article.CONTENT_FIELDS}
            self.conflict = labelled(Article, field_diffs(mine, theirs, Article.CONTENT_FIELDS))
            message = _(
                "%(refusal)s Your text is still in this form. Where theirs differs from yours is shown below; "
                "reload the page to edit their version, then apply your changes again."
            ) % {"refusal": refusal}
            raise forms.ValidationError(message, code="edit_conflict")
        if refusal.field in self.fields:
            self.add_error(refusal.field, refusal.message)
        else:
            raise forms.ValidationError(refusal.message, code=refusal.code)

    def tag_names(self):
        return [tag.name for tag in self.cleaned_data.get("existing_tags") or []] + self.cleaned_data.get("new_tags", [])

    def piece_fields(self):
        """The shared fields to apply, or none at all when this person cannot change them."""
        if self.fields["section"].disabled:
            return {}
        return {"section": self.cleaned_data.get("section"), "kind": self.cleaned_data.get("kind"),
                "authors": list(self.cleaned_data.get("authors") or [])}  # fmt: skip

    def version_changes(self):
        return {name: self.cleaned_data[name] for name in ("title", "slug", "standfirst", "body", "status", "published_at")
                if name in self.cleaned_data}  # fmt: skip
