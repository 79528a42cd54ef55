"""The editorial calendar in the admin: a month or a week per language, a rescheduling form, the staff's iCalendar feed.

The dates and rules live in cms/calendar.py and services.reschedule; these views read the
query string through forms (a bad date or language is a 400 with the form's message, never a 500).
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import services
from articles.errors import DomainError, NotAllowed
from articles.languages import language_codes, language_info
from articles.models import PendingChange, PieceVersion, Status
from articles.policies import is_translator, may_publish_language, readable_versions
from cms import calendar
from cms.admin.hardening import pk_or_404
from cms.admin.scoping import deny_unless_language, language_choices

YEARS = (1900, 9000)


class CalendarForm(forms.Form):
    view = forms.ChoiceField(label=gettext_lazy("View"), required=False, choices=[(calendar.MONTH, gettext_lazy("Month")),
                                                                                (calendar.WEEK, gettext_lazy("Week"))])  # fmt: skip
    date = forms.DateField(label=gettext_lazy("Date"), required=False, input_formats=["%Y-%m-%d"])
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        everything = _("All my languages") if is_translator(user) else _("All languages")
        self.fields["language"].choices = [("", everything), *language_choices(user, language_codes())]

    def clean_date(self):
        day = self.cleaned_data["date"] or timezone.localdate()
        if not YEARS[0] <= day.year <= YEARS[1]:
            message = _("Choose a date between the years %(first)s and %(last)s.")
            raise forms.ValidationError(message % {"first": YEARS[0], "last": YEARS[1]})
        return day

    def choices(self):
        """(view, anchor day, [languages] or None): the form's answer, or today's month in every language when it is wrong."""
        if not self.is_valid():
            return calendar.MONTH, timezone.localdate(), None
        data = self.cleaned_data
        return data["view"] or calendar.MONTH, data["date"], [data["language"]] if data["language"] else None


class RescheduleForm(forms.Form):
    published_at = forms.SplitDateTimeField(label=gettext_lazy("New publication time"), widget=AdminSplitDateTime)
    edit_version = forms.IntegerField(widget=forms.HiddenInput)


class CalendarViews:
    """Mixed into the versions admin: its URLs are articles/pieceversion/calendar/… and …/<id>/reschedule/."""

    def calendar_urls(self, name):
        view = self.admin_site.admin_view
        return [
            path("calendar/", view(self.calendar_view), name=f"{name}_calendar"),
            path("calendar.ics", self.calendar_feed_view, name=f"{name}_calendar_feed"),  # its own access check: a token or staff
            path("<path:object_id>/reschedule/", view(self.reschedule_view), name=f"{name}_reschedule"),
        ]

    def calendar_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = CalendarForm(request.GET or None, user=request.user)
        view, anchor, languages = form.choices()
        start, end = calendar.period(view, anchor)
        found = calendar.entries(request.user, start, end, languages=languages)
        previous, following = calendar.neighbours(view, anchor)
        here = reverse("admin:articles_pieceversion_calendar")

        def link(**changes):
            query = {"view": view, "date": anchor.isoformat(), "language": languages[0] if languages else ""}
            query.update(changes)
            return f"{here}?{urlencode({k: v for k, v in query.items() if v})}"

        feed_query = {"token": calendar.feed_token(request.user), **({"language": languages[0]} if languages else {})}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Editorial calendar"),
            "form": form,
            "view": view,
            "anchor": anchor,
            "heading": formats.date_format(anchor, "YEAR_MONTH_FORMAT")
            if view == calendar.MONTH
            else _("Week of %(day)s") % {"day": formats.date_format(start, "DATE_FORMAT")},
            "weeks": calendar.grid(view, anchor, found),
            "weekdays": [formats.date_format(start + timedelta(days=n), "l") for n in range(7)],
            "kinds": calendar.KINDS,
            "count": len(found),
            "links": {
                "previous": link(date=previous.isoformat()),
                "next": link(date=following.isoformat()),
                "today": link(date=timezone.localdate().isoformat()),
                "month": link(view=calendar.MONTH),
                "week": link(view=calendar.WEEK),
            },
            "back": link(),
            "feed_url": request.build_absolute_uri(f"{reverse('admin:articles_pieceversion_calendar_feed')}?{urlencode(feed_query)}"),
            "timezone_name": timezone.get_current_timezone_name(),
        }
        return TemplateResponse(request, "admin/articles/pieceversion/calendar.html", context, status=400 if form.errors else 200)

    def calendar_feed_view(self, request):
        """iCalendar for calendar programs: staff only, by session or by the personal token the calendar page shows."""
        user = request.user if request.user.is_active and request.user.is_staff else calendar.feed_user(request.GET.get("token"))
        if user is None or not user.has_perm("articles.view_pieceversion"):
            return HttpResponse(_("This calendar is for the publication's staff."), status=403, content_type="text/plain; charset=utf-8")
        language = request.GET.get("language") or None
        if language is not None and language not in dict(language_choices(user, language_codes())):
            return HttpResponse(_("Unknown language."), status=400, content_type="text/plain; charset=utf-8")
        start, end = calendar.feed_span()
        found = calendar.entries(user, start, end, languages=[language] if language else None)

        def url_of(entry):
            if entry.version is not None:
                return request.build_absolute_uri(reverse("admin:articles_pieceversion_change", args=[entry.version.pk]))
            return request.build_absolute_uri(reverse("admin:articles_assignment_change", args=[entry.assignment.pk]))

        name = _("Review: editorial calendar")
        if language:
            name = f"{name} ({language_info(language)['name_local']})"
        response = HttpResponse(calendar.ical(found, name=name, url_of=url_of), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="review-calendar.ics"'
        response["Cache-Control"] = "private, no-store"
        return response

    def reschedule_view(self, request, object_id):
        version = get_object_or_404(
            PieceVersion.objects.filter(readable_versions(request.user)).select_related("piece"), pk=pk_or_404(PieceVersion, object_id)
        )
        deny_unless_language(request, version.language)
        back = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            back = ""
        day = timezone.localdate(version.published_at or timezone.now())
        back = back or f"{reverse('admin:articles_pieceversion_calendar')}?date={day}"
        initial = {"published_at": timezone.localtime(version.published_at) if version.published_at else None,
                   "edit_version": version.edit_version}  # fmt: skip
        form = RescheduleForm(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                saved = services.reschedule(version=version, by=request.user, published_at=form.cleaned_data["published_at"],
                                            expected_edit_version=form.cleaned_data["edit_version"])  # fmt: skip
            except NotAllowed:
                raise
            except DomainError as refusal:
                form.add_error("published_at" if refusal.field == "published_at" else None, refusal.message)
            else:
                when = formats.date_format(timezone.localtime(saved.published_at), "DATETIME_FORMAT")
                messages.success(request, _("“%(title)s” now goes live on %(when)s.") % {"title": saved.title, "when": when})
                return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Reschedule “%(title)s”") % {"title": version.title},
            "version": version,
            "form": form,
            "media": self.media + form.media,
            "back": back,
            "language_name": language_info(version.language)["name_local"],
            "is_live": version.is_published(),
            "is_scheduled": version.status == Status.PUBLISHED,
            "may_publish": may_publish_language(request.user, version.language),
            "has_pending": PendingChange.objects.filter(version=version).exists(),
            "timezone_name": timezone.get_current_timezone_name(),
        }
        return TemplateResponse(request, "admin/articles/pieceversion/reschedule.html", context, status=400 if form.errors else 200)
