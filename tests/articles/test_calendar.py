"""The editorial calendar (issue 13): the right pieces on the right days in the site's time zone (Europe/Brussels),
rescheduling through a form with the publishing rules, and a staff-only iCalendar feed that parses."""

import re
from datetime import UTC, date, datetime

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from articles import services
from articles.models import Assignment, PendingChange, PieceVersion, Status
from cms import calendar
from tests.admin_client import AdminUser

pytestmark = pytest.mark.usefixtures("demo")
CALENDAR = "/admin/articles/pieceversion/calendar/"
FEED = "/admin/articles/pieceversion/calendar.ics"
NOW = datetime(2025, 3, 16, 12, 0, tzinfo=UTC)  # after the launch on the 11th, before the one on the 20th


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def march(make_article, time_machine):
    """March 2025 in Brussels: winter time (UTC+1) until the 30th, summer time (UTC+2) after."""
    time_machine.move_to(NOW, tick=False)
    made = {
        # 23:30 UTC on the 10th is 00:30 on the 11th in Brussels
        "published": make_article(title="Late-night launch", published_at=utc(2025, 3, 10, 23, 30)),
        "scheduled": make_article(title="Sea lanes ahead", published_at=utc(2025, 3, 20, 22, 30)),
        # after the change to summer time: 22:30 UTC on the 31st is 00:30 on 1 April
        "after_dst": make_article(title="April opener", published_at=utc(2025, 3, 31, 22, 30)),
        "planned": make_article(title="Planned essay", status=Status.DRAFT, published_at=utc(2025, 3, 15, 8, 0)),
        "undated": make_article(title="Undated draft", status=Status.DRAFT, published_at=None),
    }
    made["french"] = make_article(title="Lancement nocturne", language="fr", translation_of=made["published"],
                                  published_at=utc(2025, 3, 12, 9, 0))  # fmt: skip
    made["french_planned"] = make_article(title="Brouillon prévu", language="fr", status=Status.DRAFT, published_at=utc(2025, 3, 14, 9, 0))
    made["assignment"] = services.assign(
        piece=made["scheduled"].piece, language="fr", translator=get_user_model().objects.get(username="translator-fr"),
        due_on=date(2025, 3, 18), by=None,
    )  # fmt: skip
    return made


def days(html):
    """{"YYYY-MM-DD": the cell's text} of a calendar page."""
    cells = re.findall(r'data-day="(\d{4}-\d\d-\d\d)">(.*?)</td>', html, re.S)
    return {day: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)) for day, cell in cells}


def kinds(html, title):
    entries = re.findall(r'<li class="review-cal review-cal--(\w+)">(.*?)</li>', html, re.S)
    return [kind for kind, text in entries if title in text]


def test_the_month_puts_each_piece_on_its_day_in_the_sites_time_zone(march, editor, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = editor.get(CALENDAR, {"date": "2025-03-01"})
    assert response.status_code == 200
    html = response.content.decode()
    cells = days(html)
    assert min(cells) == "2025-02-23" and max(cells) == "2025-04-05"  # whole weeks, Sunday first in English
    assert "Late-night launch" in cells["2025-03-11"] and "Late-night launch" not in cells["2025-03-10"]
    assert "00:30" in cells["2025-03-11"]
    assert "Sea lanes ahead" in cells["2025-03-20"] and "23:30" in cells["2025-03-20"]
    assert "April opener" in cells["2025-04-01"] and "April opener" not in cells["2025-03-31"]
    assert "Planned essay" in cells["2025-03-15"]
    assert "Undated draft" not in html
    assert "Lancement nocturne" in cells["2025-03-12"] and "Brouillon prévu" in cells["2025-03-14"]
    assert "Sea lanes ahead" in cells["2025-03-18"] and "translator-fr" in cells["2025-03-18"]  # the French translation is due
    assert kinds(html, "Late-night launch") == ["published"]
    assert kinds(html, "Sea lanes ahead") == ["due", "scheduled"]  # the 18th, then the 20th
    assert kinds(html, "Planned essay") == ["planned"]
    reschedule = f"/admin/articles/pieceversion/{march['scheduled'].pk}/reschedule/"
    assert reschedule in html and f"/admin/articles/pieceversion/{march['published'].pk}/reschedule/" not in html  # live: not movable here


def test_the_language_filter_and_the_week_view(march, editor):
    html = editor.get(CALENDAR, {"date": "2025-03-01", "language": "fr"}).content.decode()
    cells = days(html)
    assert "Lancement nocturne" in cells["2025-03-12"] and "Sea lanes ahead" in cells["2025-03-18"]  # fr: the due translation too
    assert "Late-night launch" not in html and "Planned essay" not in html
    html = editor.get(CALENDAR, {"date": "2025-03-12", "view": "week"}).content.decode()
    cells = days(html)
    assert sorted(cells) == [f"2025-03-{day:02}" for day in range(9, 16)]
    assert "Late-night launch" in cells["2025-03-11"] and "Sea lanes ahead" not in html
    assert 'href="/admin/articles/pieceversion/calendar/?view=week&amp;date=2025-03-19"' in html  # next week


def test_a_translator_sees_their_languages_and_what_is_published(march):
    html = AdminUser("translator-fr", "review-translator").get(CALENDAR, {"date": "2025-03-01"}).content.decode()
    assert "Brouillon prévu" in html and "Lancement nocturne" in html and "Late-night launch" in html
    assert "Planned essay" not in html  # another language's draft
    assert "Sea lanes ahead" in html  # scheduled: passed for publication, and their assignment is due


@pytest.mark.parametrize(
    "query",
    [
        {"date": "not-a-date"},
        {"date": "99999-01-01"},
        {"date": "0001-01-01"},
        {"date": "2025-02-30"},
        {"view": "year"},
        {"language": "xx"},
        {"language": "fr\x00"},
        {"date": "2025-03-01\x00"},
    ],
)
def test_a_wrong_calendar_address_is_a_400_with_a_message(editor, query):
    response = editor.get(CALENDAR, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This calendar address is not right" in html and 'class="review-calendar' in html  # the current month instead


def test_the_furthest_dates_still_page(editor):
    for day in ("9000-12-31", "1900-01-01"):
        response = editor.get(CALENDAR, {"date": day})
        assert response.status_code == 200, day


def reschedule_url(version):
    return f"/admin/articles/pieceversion/{version.pk}/reschedule/"


def test_rescheduling_moves_a_scheduled_piece_and_its_pending_changes(march, editor):
    scheduled = march["scheduled"]
    services.save_version(version=scheduled, by=None, changes={"title": "Sea lanes ahead, revised"})  # pending
    assert PendingChange.objects.filter(version=scheduled).exists()
    response, data = editor.open_form(reschedule_url(scheduled))
    assert 'value="2025-03-20"' in response.content.decode() and 'value="23:30:00"' in response.content.decode()
    data.update({"published_at_0": ["2025-03-25"], "published_at_1": ["10:15"]})
    response = editor.client.post(reschedule_url(scheduled), data)
    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.published_at == utc(2025, 3, 25, 9, 15) and scheduled.title == "Sea lanes ahead"
    pending = PendingChange.objects.get(version=scheduled)
    assert pending.title == "Sea lanes ahead, revised" and pending.published_at == scheduled.published_at
    cells = days(editor.get(response["Location"]).content.decode())
    assert "Sea lanes ahead" in cells["2025-03-25"] and "Sea lanes ahead" not in cells["2025-03-20"]
    assert Client().get(scheduled.get_absolute_url()).status_code == 404  # still scheduled: readers see nothing yet


def test_rescheduling_a_planned_draft_needs_only_the_right_to_edit(march):
    translator = AdminUser("translator-fr", "review-translator")
    planned = march["french_planned"]
    _response, data = translator.open_form(reschedule_url(planned))
    data.update({"published_at_0": ["2025-03-28"], "published_at_1": ["08:00"]})
    assert translator.client.post(reschedule_url(planned), data).status_code == 302
    planned.refresh_from_db()
    assert planned.published_at == utc(2025, 3, 28, 7, 0) and planned.status == Status.DRAFT


def test_rescheduling_refusals_are_form_errors_or_403s_and_change_nothing(march, editor):
    scheduled, live = march["scheduled"], march["published"]
    before = scheduled.published_at
    _response, data = editor.open_form(reschedule_url(scheduled))
    past = {**data, "published_at_0": ["2025-03-01"], "published_at_1": ["10:00"]}
    response = editor.client.post(reschedule_url(scheduled), past)
    assert response.status_code == 400 and "must be in the future" in response.content.decode()
    garbage = {**data, "published_at_0": ["31/31/2025"], "published_at_1": ["25:99"]}
    assert editor.client.post(reschedule_url(scheduled), garbage).status_code == 400
    services.save_version(version=scheduled, by=None, changes={"standfirst": "Someone else's edit."})  # the edit lock moves on
    stale = {**data, "published_at_0": ["2025-03-26"], "published_at_1": ["10:00"]}
    response = editor.client.post(reschedule_url(scheduled), stale)
    assert response.status_code == 400 and "Someone else saved this version" in response.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.published_at == before
    response = editor.get(reschedule_url(live))
    assert response.status_code == 200 and "is not rescheduled here" in response.content.decode()
    assert 'name="published_at_0"' not in response.content.decode()
    moved = {"published_at_0": "2025-04-01", "published_at_1": "10:00", "edit_version": live.edit_version}
    response = editor.post(reschedule_url(live), moved)
    assert response.status_code == 400 and "already live" in response.content.decode()
    translator = AdminUser("translator-fr", "review-translator")
    assert translator.get(reschedule_url(march["planned"])).status_code == 404  # an English draft: not theirs to read, as in the list
    french_scheduled = services.create_translation(source=scheduled, language="fr", by=None)
    services.save_version(version=french_scheduled, by=None, changes={"status": Status.PUBLISHED, "published_at": before})
    _response, data = translator.open_form(reschedule_url(french_scheduled))
    data.update({"published_at_0": ["2025-03-27"], "published_at_1": ["10:00"]})
    assert translator.client.post(reschedule_url(french_scheduled), data).status_code == 403  # moving it is publishing
    assert PieceVersion.objects.get(pk=french_scheduled.pk).published_at == before
    assert editor.get("/admin/articles/pieceversion/999999/reschedule/").status_code == 404
    assert editor.get("/admin/articles/pieceversion/x%00/reschedule/").status_code == 404


def feed_token_from(person):
    html = person.get(CALENDAR).content.decode()
    return re.search(r"calendar\.ics\?token=([\w-]+)", html).group(1)


def test_the_ical_feed_parses_and_is_for_staff_only(march, editor):
    token = feed_token_from(editor)
    response = Client().get(FEED, {"token": token})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    parsed = icalendar.Calendar.from_ical(response.content)
    events = {str(event["uid"]): event for event in parsed.walk("VEVENT")}
    launch = events[f"version-{march['scheduled'].pk}@review"]
    assert launch.decoded("dtstart") == utc(2025, 3, 20, 22, 30)
    assert "Sea lanes ahead" in str(launch["summary"]) and "Scheduled" in str(launch["summary"])
    due = events[f"assignment-{march['assignment'].pk}@review"]
    assert due.decoded("dtstart") == date(2025, 3, 18)
    assert f"version-{march['undated'].pk}@review" not in events
    assert editor.get(FEED).status_code == 200  # a logged-in member of staff needs no token
    french = icalendar.Calendar.from_ical(Client().get(FEED, {"token": token, "language": "fr"}).content)
    assert {str(e["uid"]) for e in french.walk("VEVENT")} >= {f"version-{march['french'].pk}@review"}
    assert f"version-{march['scheduled'].pk}@review" not in {str(e["uid"]) for e in french.walk("VEVENT")}
    assert Client().get(FEED, {"token": token, "language": "xx"}).status_code == 400


@pytest.mark.parametrize("token", ["", "nonsense", "1-" + "0" * 32, "9" * 40 + "-abc", "\x00"])
def test_the_ical_feed_refuses_strangers(editor, token):
    assert Client().get(FEED, {"token": token} if token else {}).status_code == 403


def test_a_feed_token_dies_with_a_new_password_or_lost_staff_rights(march, editor):
    token = feed_token_from(editor)
    user = get_user_model().objects.get(username="editor")
    user.set_password("a-new-password-2026")
    user.save()
    assert Client().get(FEED, {"token": token}).status_code == 403
    reader = get_user_model().objects.create_user("reader", password="reader-pass-2026", is_staff=False)
    client = Client()
    client.force_login(reader)
    assert client.get(FEED).status_code == 403
    assert client.get(FEED, {"token": calendar.feed_token(reader)}).status_code == 403
    assert Assignment.objects.waiting().filter(pk=march["assignment"].pk).exists()
