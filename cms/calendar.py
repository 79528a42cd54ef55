"""The editorial calendar: day by day, what went live, what goes live, which drafts are planned and which
translations fall due, per language, in the site's time zone (settings.TIME_ZONE).

Read here, shown by the admin (a month or a week) and by the staff's iCalendar feed; rescheduling goes
through `services.reschedule`, as every change does. What a person sees follows the admin's rules: a
translator sees their languages' versions and the published ones (`policies.readable_versions`), and
only their languages' assignments.
"""

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import formats, timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from articles.models import Assignment, PieceVersion, Status
from articles.policies import readable_versions, translator_languages
from review.numbers import read_id

PUBLISHED, SCHEDULED, PLANNED, DUE = "published", "scheduled", "planned", "due"
KINDS = {
    PUBLISHED: _("Published"),
    SCHEDULED: _("Scheduled"),
    PLANNED: _("Planned draft"),
    DUE: _("Translation due"),
}
MONTH, WEEK = "month", "week"
FEED_PAST, FEED_AHEAD = timedelta(days=31), timedelta(days=366)  # what the iCalendar feed spans around today
FEED_SALT = "cms.calendar.feed"


@dataclass
class Entry:
    kind: str
    day: date
    language: str
    title: str
    when: datetime | None = None  # local time; None for an assignment, due on a day
    version: PieceVersion | None = None
    assignment: Assignment | None = None

    @property
    def label(self):
        return KINDS[self.kind]

    @property
    def reschedulable(self):
        return self.kind in (SCHEDULED, PLANNED)


@dataclass
class Day:
    day: date
    in_period: bool
    is_today: bool
    entries: list = field(default_factory=list)


def first_weekday():
    """The locale's first day of the week, counted as Python's calendar counts (Monday 0); Django counts from Sunday."""
    return (int(formats.get_format("FIRST_DAY_OF_WEEK")) - 1) % 7


def period(view, anchor):
    """(first, last) day on the page: whole weeks covering `anchor`'s month, or `anchor`'s week."""
    first = first_weekday()
    if view == WEEK:
        start = anchor - timedelta(days=(anchor.weekday() - first) % 7)
        return start, start + timedelta(days=6)
    month_start = anchor.replace(day=1)
    month_end = anchor.replace(day=pycalendar.monthrange(anchor.year, anchor.month)[1])
    start = month_start - timedelta(days=(month_start.weekday() - first) % 7)
    return start, month_end + timedelta(days=(first - 1 - month_end.weekday()) % 7)


def neighbours(view, anchor):
    """(previous, next) anchors: a month or a week away."""
    if view == WEEK:
        return anchor - timedelta(days=7), anchor + timedelta(days=7)
    month_start = anchor.replace(day=1)
    previous = (month_start - timedelta(days=1)).replace(day=1)
    following = (month_start + timedelta(days=32)).replace(day=1)
    return previous, following


def _local_midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def entries(user, start, end, languages=None, now=None):
    """Everything on the calendar from `start` to `end` (days, both included) that `user` may see, in day order."""
    now = now or timezone.now()
    versions = (
        PieceVersion.objects.filter(readable_versions(user))
        .filter(published_at__gte=_local_midnight(start), published_at__lt=_local_midnight(end + timedelta(days=1)))
        .only("id", "piece_id", "language", "title", "status", "published_at")
        .order_by("published_at", "language", "id")
    )
    allowed = translator_languages(user)
    assignments = (
        Assignment.objects.waiting()
        .filter(due_on__gte=start, due_on__lte=end)
        .select_related("piece__source", "translator")
        .order_by("due_on", "language", "id")
    )
    if allowed is not None:
        assignments = assignments.filter(language__in=allowed)
    if languages:
        versions, assignments = versions.filter(language__in=languages), assignments.filter(language__in=languages)
    found = []
    for version in versions:
        local = timezone.localtime(version.published_at)
        if version.status != Status.PUBLISHED:
            kind = PLANNED
        else:
            kind = PUBLISHED if version.published_at <= now else SCHEDULED
        found.append(Entry(kind, local.date(), version.language, version.title, when=local, version=version))
    for assignment in assignments:
        source = assignment.piece.source
        title = source.title if source else str(assignment.piece)
        found.append(Entry(DUE, assignment.due_on, assignment.language, title, assignment=assignment))
    return found


def grid(view, anchor, found, today=None):
    """The page's weeks, each seven `Day`s holding their entries (timed ones first, by time, then those due)."""
    today = today or timezone.localdate()
    start, end = period(view, anchor)
    by_day = {}
    for entry in found:
        by_day.setdefault(entry.day, []).append(entry)
    weeks, day = [], start
    while day <= end:
        week = []
        for _offset in range(7):
            in_period = view == WEEK or day.month == anchor.month
            listed = sorted(by_day.get(day, []), key=lambda e: (e.when is None, e.when.timestamp() if e.when else 0, e.language))
            week.append(Day(day, in_period, day == today, listed))
            day += timedelta(days=1)
        weeks.append(week)
    return weeks


# The staff's iCalendar feed ------------------------------------------------------------------------


def feed_token(user):
    """A secret for `user`'s feed address: calendar programs cannot log in. A new password (or losing staff rights) revokes it."""
    return f"{user.pk}-{salted_hmac(FEED_SALT, f'{user.pk}:{user.password}:{user.is_staff}').hexdigest()[:32]}"


def feed_user(token):
    """The active staff member a feed token belongs to, or None."""
    pk, _sep, _secret = (token or "").partition("-")
    user_id = read_id(pk)
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True, is_staff=True).first()
    return user if user is not None and constant_time_compare(feed_token(user), token) else None


def feed_span(now=None):
    today = timezone.localdate(now)
    return today - FEED_PAST, today + FEED_AHEAD


def ical(found, *, name, url_of, now=None):
    """`found` as an iCalendar document: a 30-minute event at each version's time (UTC), an all-day one for each due date."""
    from icalendar import Calendar, Event

    now = now or timezone.now()
    document = Calendar()
    document.add("prodid", "-//Review//Editorial calendar//EN")
    document.add("version", "2.0")
    document.add("x-wr-calname", name)
    document.add("x-wr-timezone", settings.TIME_ZONE)
    for entry in found:
        event = Event()
        if entry.version is not None:
            event.add("uid", f"version-{entry.version.pk}@review")
            event.add("dtstart", entry.version.published_at)
            event.add("duration", timedelta(minutes=30))
        else:
            event.add("uid", f"assignment-{entry.assignment.pk}@review")
            event.add("dtstart", entry.day)
            event.add("dtend", entry.day + timedelta(days=1))
        event.add("dtstamp", now)
        event.add("summary", f"{entry.label} [{entry.language}] {entry.title}")
        event.add("categories", [str(entry.label)])
        event.add("url", url_of(entry))
        document.add_component(event)
    return document.to_ical()
