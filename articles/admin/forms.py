from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget
from taggit.utils import parse_tags

from ..diff import field_diffs, labelled
from ..languages import language_codes
from ..models import Article, Status, Tag
from ..roles import may_publish
from ..sanitize import sanitize_html
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
    """The version form: rich text body, tags in the version's language, and a lock against lost updates."""

    existing_tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.all(),
        required=False,
        help_text=_("Tags already used in this language."),
        widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
    )
    new_tags = forms.CharField(label=_("New tags"), required=False, help_text=_("Comma-separated; created in this version’s language."))
    seen_edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    mark_up_to_date = forms.BooleanField(label=_("I have updated it: this translation matches the source’s current text"), required=False)

    class Meta:
        model = Article
        fields = ["language", "title", "slug", "standfirst", "body", "status", "published_at", "section", "kind", "authors"]
        widgets = {
            "body": AdminProseEditorWidget(config=BODY_EDITOR, preset="configurable"),
            "standfirst": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
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
        if not may_publish(request.user) and article.status != Status.PUBLISHED:
            self.fields["status"].choices = [c for c in self.fields["status"].choices if c[0] != Status.PUBLISHED]
        if article.is_source or not article.pk:
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
        if cleaned.get("status") == Status.PUBLISHED and not cleaned.get("published_at"):
            self.add_error("published_at", _("A published version needs a publication date."))
        if self.instance.pk:
            self.check_not_changed_meanwhile(cleaned.get("seen_edit_version"))
        return cleaned

    def check_not_changed_meanwhile(self, seen):
        """Refuse the save if someone else saved this version after this form was opened.

        The row is locked until the admin's transaction ends, so two saves cannot both pass.
        """
        current = Article.objects.select_for_update().get(pk=self.instance.pk)
        if seen is not None and seen == current.edit_version:
            return
        mine = {field: self.cleaned_data.get(field, "") for field in Article.CONTENT_FIELDS}
        theirs = {field: getattr(current, field) for field in Article.CONTENT_FIELDS}
        changed = [str(Article._meta.get_field(field).verbose_name) for field, _diff in field_diffs(theirs, mine, Article.CONTENT_FIELDS)]
        self.conflict = labelled(Article, field_diffs(mine, theirs, Article.CONTENT_FIELDS))
        raise forms.ValidationError(
            _(
                "Someone else saved this version at %(when)s, after you opened it. Nothing was overwritten: "
                "your text is still in this form. Where theirs differs from yours (%(fields)s) is shown below; "
                "reload the page to edit their version, then apply your changes again."
            )
            % {"when": current.updated_at.strftime("%Y-%m-%d %H:%M:%S"), "fields": ", ".join(changed) or _("other fields")},
            code="edit_conflict",
        )

    def tag_names(self):
        return [tag.name for tag in self.cleaned_data.get("existing_tags") or []] + self.cleaned_data.get("new_tags", [])
