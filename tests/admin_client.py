"""Drive the admin as a person does: log in, GET a form, read its fields from the HTML, POST it back."""

import re
from html.parser import HTMLParser

from django.test import Client


class FormReader(HTMLParser):
    """Collects what a browser would submit for one <form>: inputs, checked boxes, selected options, textareas."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, []
        self.templates = 0  # inside <template>: inert markup a browser never submits
        self.select, self.textarea, self.text = None, None, ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self.templates += 1
        if self.templates:
            return
        if tag == "form" and (self.form_id is None or attrs.get("id") == self.form_id):
            self.inside = True
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file") or (kind in ("checkbox", "radio") and "checked" not in attrs):
                return
            self.data.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_endtag(self, tag):
        if tag == "template":
            self.templates -= 1
        elif tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.data.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text += data


def read_form(response, form_id=None):
    reader = FormReader(form_id)
    reader.feed(response.content.decode())
    data = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return data


class AdminUser:
    """One person in one browser session, with CSRF checks on as in production."""

    def __init__(self, username, password):
        self.client = Client(enforce_csrf_checks=True)
        page = self.client.get("/admin/login/")
        response = self.client.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf(page), "next": "/admin/"},
        )
        assert response.status_code == 302, f"login failed for {username}"

    @staticmethod
    def csrf(response):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)

    def get(self, url, data=None, **kwargs):
        return self.client.get(url, data, **kwargs)

    def open_form(self, url, form_id=None):
        """GET a page and return (response, the form's fields as a browser would post them)."""
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response, read_form(response, form_id)

    def post(self, url, data, **kwargs):
        if "csrfmiddlewaretoken" not in data:
            data = {**data, "csrfmiddlewaretoken": self.csrf(self.client.get("/admin/"))}
        return self.client.post(url, data, **kwargs)

    def submit(self, url, changes, form_id="pieceversion_form", button="_save"):
        """Open the form at `url`, change some fields, and submit it."""
        _response, data = self.open_form(url, form_id)
        data.update({key: value if isinstance(value, list) else [value] for key, value in changes.items()})
        data[button] = ["Save"]
        return self.client.post(url, data)
