"""django-axes on the admin login: by username from any address, and by address across usernames; X-Forwarded-For is not
the client unless a proxy is configured."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.usefixtures("demo")
LOGIN = "/admin/login/?next=/admin/"


def attempt(client, password, username="editor", **headers):
    page = client.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(LOGIN, {"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/admin/"}, **headers)


def test_the_sixth_wrong_password_locks_the_username_for_that_client_and_the_right_one_is_refused():
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        assert attempt(client, "wrong").status_code == 200  # the login form again, with its error
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode() and "15 minutes" in locked.content.decode()
    assert attempt(client, "review-editor").status_code == 429  # the right password waits for the cool-off
    other_client = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.9")
    assert attempt(other_client, "review-editor").status_code == 429, "the username is locked from every address"
    assert attempt(Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7"), "review-translator", "translator-fr").status_code == 429


def test_x_forwarded_for_cannot_reset_the_count_without_a_configured_proxy():
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.8")
    for n in range(6):
        attempt(client, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert attempt(client, "review-editor", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_behind_a_configured_proxy_the_client_is_the_address_the_proxy_saw(settings):
    settings.REVIEW_TRUSTED_PROXY_COUNT = 1
    proxy = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.1")
    for _ in range(6):
        attempt(proxy, "wrong", HTTP_X_FORWARDED_FOR="evil-spoof, 203.0.113.20")
    assert attempt(proxy, "review-editor", HTTP_X_FORWARDED_FOR="another-spoof, 203.0.113.20").status_code == 429
    assert attempt(proxy, "review-translator", "translator-fr", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.20").status_code == 429
    assert attempt(proxy, "review-translator", "translator-fr", HTTP_X_FORWARDED_FOR="203.0.113.21").status_code == 302


def test_a_successful_login_resets_the_count():
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.30")
    for _ in range(5):
        attempt(client, "wrong")
    assert attempt(client, "review-editor").status_code == 302
    client.post("/admin/logout/", {"csrfmiddlewaretoken": ""})
    fresh = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.30")
    for _ in range(5):
        assert attempt(fresh, "wrong").status_code == 200


def test_one_username_tried_from_many_addresses_is_locked_everywhere():
    for n in range(6):  # a botnet: each address tries once
        attempt(Client(enforce_csrf_checks=True, REMOTE_ADDR=f"192.0.2.{n + 1}"), "wrong")
    assert attempt(Client(enforce_csrf_checks=True, REMOTE_ADDR="192.0.2.200"), "review-editor").status_code == 429
    assert attempt(Client(enforce_csrf_checks=True, REMOTE_ADDR="192.0.2.201"), "review-translator", "translator-fr").status_code == 302


def test_one_address_trying_many_usernames_is_locked_for_all_of_them():
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.50")
    for n in range(6):  # a list of stolen credentials, one try each
        attempt(client, "leaked-password", f"someone{n}@example.org")
    assert attempt(client, "review-editor").status_code == 429
    assert attempt(Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.51"), "review-editor").status_code == 302


def test_the_lock_says_nothing_about_whether_the_username_exists():
    pages = []
    for username, address in (("editor", "198.51.100.60"), ("nobody-by-this-name", "198.51.100.61")):
        for n in range(6):
            locked = attempt(Client(enforce_csrf_checks=True, REMOTE_ADDR=f"{address[:-2]}{70 + n}"), "wrong", username)
        pages.append((locked.status_code, re.sub(r'value="[^"]+"', "", locked.content.decode())))
    assert pages[0] == pages[1] and pages[0][0] == 429
    assert "this username or from this network" in pages[0][1]


def test_an_administrator_unlocks_a_locked_user(admin_client):
    from django.contrib.auth import get_user_model

    for n in range(6):
        attempt(Client(enforce_csrf_checks=True, REMOTE_ADDR=f"203.0.113.{100 + n}"), "wrong")
    assert attempt(Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.150"), "review-editor").status_code == 429
    editor = get_user_model().objects.get(username="editor")
    done = admin_client.post("/admin/auth/user/", {"action": "unlock_logins", "_selected_action": [editor.pk]}, follow=True)
    assert "1 login unlocked." in done.content.decode()
    assert attempt(Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.150"), "review-editor").status_code == 302
