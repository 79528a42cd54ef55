"""The home arrangement: one page per language where editors choose the featured pieces (autocomplete), order
them and the section blocks (drag and drop, or the move buttons by keyboard), and see the resulting home page
beside the lists before saving. Saving is `services.arrange_home`; the rules live there."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import services, taxonomy
from articles.errors import DomainError, NotAllowed
from articles.events import reverse_in
from articles.languages import language_codes, language_info
from articles.models import FeaturedPiece, ListingEntry, Piece
from articles.models.listing import ALL
from articles.policies import may_edit_piece
from cms.admin.hardening import SafeAutocompleteSelect
from review.numbers import read_ids


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, language_info(code)["name_local"]) for code in language_codes()]


class AddForm(forms.Form):
    add = forms.ModelChoiceField(
        label=gettext_lazy("Add a piece"),
        queryset=Piece.objects.all(),
        required=False,
        widget=SafeAutocompleteSelect(FeaturedPiece._meta.get_field("piece"), admin.site),
        help_text=gettext_lazy("Type a few letters of its title."),
    )


def piece_items(language, piece_ids):
    """The featured list as the page shows it: each piece under the title this language's readers see."""
    rows = (
        ListingEntry.objects.filter(language=language, facet=ALL, piece_id__in=piece_ids).select_related("version").defer("version__body")
    )
    shown = {row.piece_id: row.version for row in rows}
    names = {piece.pk: str(piece) for piece in Piece.objects.filter(pk__in=piece_ids).select_related("source")}
    items = []
    for pk in piece_ids:
        if pk not in names:
            continue  # deleted meanwhile
        version = shown.get(pk)
        items.append({"id": pk, "title": version.title if version else names[pk], "version": version, "hidden": version is None})
    return items


def section_items(language, section_ids):
    place = {pk: n for n, pk in enumerate(section_ids)}
    sections = sorted(taxonomy.for_language(language).sections, key=lambda s: (place.get(s.id, len(place)), s.order))
    return [{"id": s.id, "title": s.name, "language": s.language, "on_home": s.on_home} for s in sections]


class HomeArrangementViews:
    """Mixed into the featured pieces' admin: /admin/articles/featuredpiece/arrange/?language=<code>."""

    def arrangement_urls(self, name):
        return [path("arrange/", self.admin_site.admin_view(self.arrange_view), name=f"{name}_arrange")]

    def arrange_view(self, request):
        if not may_edit_piece(request.user):
            raise PermissionDenied(_("The home pages are arranged by editors."))
        chosen = LanguageForm(request.GET or {"language": translation.get_language() or settings.LANGUAGE_CODE})
        status = 200
        if not chosen.is_valid():
            chosen, status = LanguageForm({"language": settings.LANGUAGE_CODE}), 400
            chosen.is_valid()
            messages.error(request, _("There is no such language here; the default language's home page is shown."))
        language = chosen.cleaned_data["language"]
        here = f"{reverse('admin:articles_featuredpiece_arrange')}?{urlencode({'language': language})}"
        pieces, sections = services.home_arrangement(language)
        stamp = services.arrangement_stamp(language)
        add_form, error = AddForm(), None
        if request.method == "POST":
            add_form = AddForm(request.POST)
            pieces, sections = read_ids(request.POST.getlist("pieces")), read_ids(request.POST.getlist("sections"))
            if add_form.is_valid() and add_form.cleaned_data["add"] is not None:
                pieces.append(add_form.cleaned_data["add"].pk)  # without JavaScript, the chosen piece joins the end
            try:
                services.arrange_home(language=language, pieces=pieces, sections=sections, by=request.user,
                                      expected_stamp=request.POST.get("stamp", ""))  # fmt: skip
            except NotAllowed:
                raise
            except DomainError as refusal:
                error, status = refusal.message, 400
                if refusal.code == "conflict":  # show what is saved now, so the editor starts from it
                    pieces, sections = services.home_arrangement(language)
                    stamp = services.arrangement_stamp(language)
            else:
                name = language_info(language)["name_local"]
                messages.success(request, _("The %(language)s home page is arranged as shown.") % {"language": name})
                return HttpResponseRedirect(here)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Arrange the home page"),
            "language_form": chosen,
            "language": language,
            "language_name": language_info(language)["name_local"],
            "add_form": add_form,
            "media": self.media + add_form.media,
            "pieces": piece_items(language, pieces),
            "sections": section_items(language, sections),
            "stamp": stamp,
            "error": error,
            "limit": services.MAX_FEATURED,
            "shown": settings.REVIEW_HOME_LATEST,
            "preview_url": reverse_in(language, "articles:home-preview"),
            "public_url": reverse_in(language, "articles:home"),
        }
        return TemplateResponse(request, "admin/articles/featuredpiece/arrange.html", context, status=status)
