"""The translation desk's screens in the version admin: exchange files, the desk, the queue, starting a translation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from articles import services
from articles.diff import field_diffs, labelled
from articles.errors import DomainError, NotAllowed
from articles.languages import language_codes, language_info
from articles.models import PieceVersion
from articles.policies import (
    is_translator,
    may_read_version,
)
from articles.segments import image_segments
from cms.admin.article.links import preview_url
from cms.admin.forms import ExportForm, ImportForm, direction_attrs
from cms.admin.hardening import pk_or_404
from cms.admin.scoping import deny_unless_language, language_choices
from desk import exchange, mt, workbench
from desk import states as desk
from review.numbers import read_ids, read_int


class TranslationViews:
    """Export and import for agencies, the desk's overview, a person's queue, the side-by-side context."""

    def export_view(self, request):
        """Choose the language and format of an exchange file for the chosen pieces, then download it."""
        ids = read_ids(request.GET.get("ids", request.POST.get("ids", "")).split(","), limit=500)
        versions = list(self.get_queryset(request).filter(pk__in=ids).select_related("piece__source"))
        form = ExportForm(request.POST or None, languages=language_choices(request.user, language_codes()))
        if request.method == "POST" and form.is_valid() and versions:
            try:
                name, data, content_type = exchange.export(
                    sources=versions, language=form.cleaned_data["language"], by=request.user, fmt=form.cleaned_data["format"]
                )
            except NotAllowed:
                raise
            except DomainError as refusal:
                form.add_error(None, str(refusal))
            else:
                response = HttpResponse(data, content_type=content_type)
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Export for translation"),
            "form": form,
            "versions": versions,
            "ids": ",".join(str(v.pk) for v in versions),
        }
        return TemplateResponse(request, "admin/articles/pieceversion/export.html", context)

    def import_view(self, request):
        """Upload an agency's XLIFF 2 or PO file: drafts created or updated, all or nothing."""
        if not self.has_view_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                done = exchange.import_file(upload=form.cleaned_data["file"], by=request.user)
            except NotAllowed:
                raise
            except DomainError as refusal:
                form.add_error("file", str(refusal))
            else:
                for item in done:
                    current = item.complete and not item.version.is_outdated()
                    if item.created:
                        message = (
                            _("“%(title)s” [%(language)s]: draft created, up to date.")
                            if current
                            else _("“%(title)s” [%(language)s]: draft created, still to finish or outdated.")
                        )
                    else:
                        message = (
                            _("“%(title)s” [%(language)s]: imported, up to date.")
                            if current
                            else _("“%(title)s” [%(language)s]: imported, still to finish or outdated.")
                        )
                    messages.success(request, message % {"title": item.version.title, "language": item.version.language})
                return redirect("admin:articles_pieceversion_queue")
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": _("Import translations"), "form": form}
        return TemplateResponse(request, "admin/articles/pieceversion/import.html", context)

    def desk_view(self, request):
        """Language × state: how many pieces are missing, drafts, in review, outdated or current, each a link to its list."""
        if is_translator(request.user) or not self.has_view_permission(request):
            raise PermissionDenied(_("The translation desk's overview is for editors; translators have their queue."))
        changelist = reverse("admin:articles_pieceversion_changelist")
        rows = []
        for code, row in desk.counts().items():
            cells = []
            for state in desk.STATES:
                query = f"missing={code}" if state == desk.MISSING else f"language__exact={code}&translation={state}"
                cells.append({"state": state, "count": row[state], "url": f"{changelist}?{query}"})
            rows.append({"language": language_info(code), "sources": row[desk.SOURCE], "cells": cells})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Translation desk"),
            "states": desk.STATES,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/articles/pieceversion/desk.html", context)

    def queue_view(self, request):
        """What waits in this person's languages, with a way in to each: translate, or open the version."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        languages = language_choices(request.user, language_codes())
        chosen = {
            "language": request.GET.get("language") if request.GET.get("language") in dict(languages) else "",
            "state": request.GET.get("state") if request.GET.get("state") in desk.STATES else "",
            "mine": request.GET.get("mine") == "1",
            "sort": request.GET.get("sort") if request.GET.get("sort") in desk.SORTS else "priority",
        }
        jobs = desk.queue(request.user, language=chosen["language"] or None, state=chosen["state"] or None, mine=chosen["mine"],
                          sort=chosen["sort"])  # fmt: skip
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("My translation queue") if is_translator(request.user) else _("Translation queue"),
            "jobs": jobs,
            "languages": languages,
            "states": desk.STATES,
            "sorts": desk.SORTS,
            "chosen": chosen,
            "filtered": bool(chosen["language"] or chosen["state"] or chosen["mine"]),
        }
        return TemplateResponse(request, "admin/articles/pieceversion/queue.html", context)

    def translation_context(self, article):
        if not article:
            return {}
        context = {"preview_url": preview_url(article), "sent_back": workbench.sent_back(article)}
        if not article.is_source:
            source = article.source_version()
            context["source"] = source
            context["source_language"] = language_info(source.language) if source else None
            context["language_dir"] = direction_attrs(article.language)
            if source:
                comparison = desk.compare(source, article)  # the source now and then, read once for all below
                context["words"] = desk.word_counts(source, article, comparison)
                context["source_images"] = image_segments(comparison.now["images"])
                context["side_by_side"] = desk.side_by_side(source, article, comparison)
                if comparison.outdated:
                    diffs = (
                        field_diffs(comparison.then, comparison.now, [*PieceVersion.CONTENT_FIELDS, "images"]) if comparison.then else None
                    )
                    context["outdated_diffs"], context["outdated"] = diffs and labelled(PieceVersion, diffs), True
        return context

    def translate_view(self, request, object_id):
        article = get_object_or_404(self.get_queryset(request).select_related("piece__source"), pk=pk_or_404(PieceVersion, object_id))
        if not self.has_add_permission(request):
            raise PermissionDenied
        if not may_read_version(request.user, article.piece.source):
            raise PermissionDenied(_("This piece’s source is not published yet: an editor can start its translation."))
        existing = set(PieceVersion.objects.filter(piece_id=article.piece_id).values_list("language", flat=True))
        choices = language_choices(request.user, [code for code in language_codes() if code not in existing])
        if request.method == "POST":
            language = request.POST.get("language", "")
            deny_unless_language(request, language) if language in language_codes() else None
            try:
                created = services.create_translation(source=article, language=language, by=request.user)
            except NotAllowed:
                raise
            except DomainError as refusal:
                messages.error(request, str(refusal))
                there = PieceVersion.objects.filter(piece_id=article.piece_id, language=language).first()
                return redirect("admin:articles_pieceversion_change", there.pk) if there else redirect(request.path)
            name = language_info(language)["name_local"]
            messages.success(request, _("Draft version in %(language)s created: translate it below.") % {"language": name})
            if created.slug != article.slug:
                messages.warning(request, _("The slug “%(slug)s” was taken in this language, so the draft has “%(new)s”.")
                                 % {"slug": article.slug, "new": created.slug})  # fmt: skip
            return redirect("admin:articles_pieceversion_change", created.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "choices": choices,
            "chosen": request.GET.get("language", ""),
            "title": _("Add a translation of “%(title)s”") % {"title": article.title},
        }
        return TemplateResponse(request, "admin/articles/pieceversion/translate.html", context)

    def segments_view(self, request, object_id):
        """The segment editor: the source and this translation side by side, one row per segment, with the memory's
        matches and the glossary's terms beside each; save a draft, or submit for review (desk.workbench)."""
        pk = pk_or_404(PieceVersion, object_id)
        article = self.get_queryset(request).select_related("piece__source").filter(pk=pk).first()
        if article is None:  # not readable, or gone: name the rule rather than pretend it is gone
            language = PieceVersion.objects.filter(pk=pk).values_list("language", flat=True).first()
            deny_unless_language(request, language) if language else None
            raise Http404
        if not self.has_change_permission(request, article):
            deny_unless_language(request, article.language)
            raise PermissionDenied
        source = article.source_version()
        if article.is_source or source is None:
            messages.info(request, _("This version is its piece’s source: edit it in the form."))
            return redirect("admin:articles_pieceversion_change", article.pk)
        if not may_read_version(request.user, source):
            raise PermissionDenied(_("This piece’s source is not published yet: an editor can start its translation."))
        outcome = None
        if request.method == "POST":
            keys = [key[len("target:") :] for key in request.POST if key.startswith("target:")]
            targets = {key: request.POST[f"target:{key}"][:20_000] for key in keys}
            marks = {name: {key for key in keys if request.POST.get(f"{name}:{key}")} for name in ("done", "ack")}
            machine = {key: request.POST.get(f"machine:{key}", "")[:40] for key in keys}
            action = request.POST.get("action", "save")
            if action.startswith("machine"):
                return self._machine_fill(request, article, source, targets, machine, action)
            try:
                outcome = workbench.save(
                    version=article, by=request.user, targets=targets, done=marks["done"], acknowledged=marks["ack"], machine=machine,
                    submit=action == "submit", expected_edit_version=read_int(request.POST.get("edit_version")),
                )  # fmt: skip
            except NotAllowed:
                raise
            except DomainError as refusal:  # refused after checking (another save came first): the form again, as typed
                messages.error(request, str(refusal))
                article.refresh_from_db()  # the form now carries the version as it is: saving again is a choice
                return self._segments_page(request, article, source, posted=targets, machine=machine)
            else:
                if outcome.submitted:
                    messages.success(request, _("Submitted for review: a reviser of this language approves it or sends it back."))
                    return redirect("admin:articles_pieceversion_change", article.pk)
                problems = sum(bool(row.errors or (row.warnings and not row.acknowledged)) for row in outcome.rows if row.target)
                if outcome.saved and not problems:
                    messages.success(request, _("Saved."))
                    return redirect(request.path)
                if outcome.saved:
                    messages.warning(request, _("Saved. %(count)d segments have problems, marked below.") % {"count": problems})
                else:
                    messages.error(request, outcome.refusal)
            article.refresh_from_db()
        return self._segments_page(request, article, source, outcome=outcome)

    def _machine_fill(self, request, article, source, targets, machine, action):
        """The form again, with machine translations in the chosen segment (or every empty one): nothing saved."""
        keys = None if action == "machine_all" else {action.removeprefix("machine:")}
        try:
            filled = workbench.machine_fill(version=article, by=request.user, targets=targets, keys=keys)
        except NotAllowed:
            raise
        except DomainError as refusal:
            messages.error(request, str(refusal))
            filled = {}
        else:
            messages.info(request, _("Machine translation filled %(count)d segments: check each, then save.") % {"count": len(filled)})
        return self._segments_page(request, article, source, posted={**targets, **filled}, machine=machine, filled=set(filled))

    def _segments_page(self, request, article, source, *, outcome=None, posted=None, machine=None, filled=()):
        posted = {row.key: row.target for row in outcome.rows} if outcome else posted
        rows = workbench.rows(article, posted=posted)
        checked = {row.key: row for row in outcome.rows} if outcome else {}
        for row in rows:
            if row.key in checked:
                there = checked[row.key]
                row.errors, row.warnings, row.acknowledged, row.machine = there.errors, there.warnings, there.acknowledged, there.machine
            elif machine is not None:  # the form again: machine output stays so while its text is the machine's
                row.machine = row.key in filled or (bool(machine.get(row.key)) and machine[row.key] == workbench.text_hash(row.target))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "source": source,
            "source_language": language_info(source.language),
            "language": language_info(article.language),
            "rows": rows,
            "progress": workbench.progress(rows),
            "sent_back": workbench.sent_back(article),
            "outdated": article.is_outdated(),
            "machine_translation": mt.provider_name(),
            "title": _("Translate “%(title)s” into %(language)s")
            % {"title": source.title, "language": language_info(article.language)["name_local"]},
        }
        return TemplateResponse(request, "admin/articles/pieceversion/segments.html", context)
