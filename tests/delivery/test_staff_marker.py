"""Staff for the caches (issue 27): a signed marker set at login, not any session or CSRF cookie a reader can forge."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from delivery.staff import MARKER
from tests.admin_client import AdminUser

STATE = "X-Review-Cache"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.REVIEW_PAGE_CACHE = True


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("desk", password="desk-password-1", is_staff=True)


def test_forged_session_and_csrf_cookies_are_served_from_the_cache(make_article, django_assert_max_num_queries):
    url = make_article(title="Cached for everyone").get_absolute_url()
    assert Client().get(url)[STATE] == "miss"
    forger = Client()
    for cookies in ({"sessionid": "0123456789abcdefghijklmnopqrstuv"}, {"csrftoken": "x" * 32}, {MARKER: "1:forged:sig"},
                    {"sessionid": "x", "csrftoken": "y", MARKER: "z"}):  # fmt: skip
        forger.cookies.clear()
        for name, value in cookies.items():
            forger.cookies[name] = value
        with django_assert_max_num_queries(0):  # no session read to find out: the marker's signature says
            response = forger.get(url)
        assert response[STATE] == "hit" and "Cached for everyone" in response.content.decode(), cookies
        assert MARKER not in response.cookies, "a cached page sets no cookie"


def test_a_staff_login_sets_the_marker_and_staff_are_never_served_or_stored(make_article, staff):
    url = make_article(title="Seen by staff").get_absolute_url()
    person = AdminUser("desk", "desk-password-1")
    assert person.client.cookies[MARKER].value and person.client.cookies[MARKER]["httponly"]
    for _ in range(2):
        seen = person.client.get(url)
        assert STATE not in seen and "no-store" in seen["Cache-Control"], "staff pages bypass the cache"
    assert Client().get(url)[STATE] == "miss", "nothing staff saw was stored for readers"

    person.client.post("/admin/logout/", {"csrfmiddlewaretoken": person.csrf(person.client.get("/admin/password_change/"))})
    assert person.client.cookies[MARKER].value == "", "logging out removes the marker"
    assert person.client.get(url)[STATE] == "hit"


def test_losing_staff_rights_removes_the_marker_at_the_next_admin_page(staff):
    person = AdminUser("desk", "desk-password-1")
    staff.is_staff = False
    staff.save()
    person.client.get("/admin/")
    assert person.client.cookies[MARKER].value == ""


def test_a_staff_member_without_a_marker_gets_one_from_the_admin(staff, client):
    client.force_login(staff)  # a session from before markers existed
    assert MARKER not in client.cookies
    client.get("/admin/")
    assert client.cookies[MARKER].value
