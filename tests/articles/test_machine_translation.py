"""Machine translation (issue 28): the DeepL and LibreTranslate adapters against a local server speaking their APIs,
their failures as messages, and the segment editor's machine suggestions, marked until a person changes them."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles import services
from articles.errors import NotAllowed, RuleBroken
from articles.models import PieceVersion, Status
from desk import mt
from desk.models import SegmentState
from tests.admin_client import read_form

pytestmark = pytest.mark.usefixtures("demo")


class FakeProvider(BaseHTTPRequestHandler):
    """DeepL's `/v2/translate` and LibreTranslate's `/translate`, as their documentation gives them. `mode` says what
    the next requests get: a translation ("[fr] " before each text node, tags kept), or a failure."""

    mode = "ok"
    seen: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeProvider.seen.append((self.path, dict(self.headers), body))
        mode = FakeProvider.mode
        if mode == "slow":
            time.sleep(1.5)
        if mode == "429":
            return self._answer(429, {"message": "Too many requests"}, [("Retry-After", "30")])
        if mode == "500":
            return self._answer(503, {"message": "overloaded"})
        if mode == "403":
            return self._answer(403, {"message": "Wrong key"})
        if mode == "garbage":
            self.send_response(200)
            self.end_headers()
            return self.wfile.write(b"<html>not json</html>")
        if self.path == "/v2/translate":
            return self._answer(200, {"translations": [{"detected_source_language": "EN", "text": self._fr(t)} for t in body["text"]]})
        return self._answer(200, {"translatedText": [self._fr(t) for t in body["q"]]})

    @staticmethod
    def _fr(html):
        return "[fr] " + html

    def _answer(self, status, payload, headers=()):
        data = json.dumps(payload).encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeProvider.mode, FakeProvider.seen = "ok", []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def isil():
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    body = '<p>Acquiring a weapon is <strong>hard</strong>, says <a href="https://example.org/iaea">the agency</a>.</p><p>Second.</p>'
    services.save_version(version=source, by=None, changes={"body": body}, go_live=True)
    source.refresh_from_db()
    return source


def segments_url(version):
    return f"/admin/articles/pieceversion/{version.pk}/segments/"


@pytest.mark.parametrize("name", ["deepl", "libretranslate"])
def test_each_adapter_speaks_its_providers_api(settings, provider, isil, name):
    settings.REVIEW_MACHINE_TRANSLATION = {"provider": name, "url": provider + "/", "key": "secret-key", "timeout": 5}
    found = mt.translate(by=None, source=isil, target_language="fr", texts=["A <strong>b</strong>", "C"])
    assert found == ["[fr] A <strong>b</strong>", "[fr] C"]
    path, headers, body = FakeProvider.seen[-1]
    if name == "deepl":
        assert path == "/v2/translate" and headers["Authorization"] == "DeepL-Auth-Key secret-key"
        assert body["target_lang"] == "FR" and body["source_lang"] == "EN" and body["tag_handling"] == "html"
    else:
        assert path == "/translate" and body["api_key"] == "secret-key" and body["format"] == "html" and body["target"] == "fr"


@pytest.mark.parametrize(
    "mode, says",
    [("slow", "did not answer within 0.5 s"), ("429", "busy (too many requests). Try again in 30 s"), ("500", "failed (HTTP 503)"),
     ("403", "refused the site's key"), ("garbage", "not a translation")],
)  # fmt: skip
def test_a_providers_failure_is_a_message_to_the_translator(settings, provider, isil, translator, mode, says):
    settings.REVIEW_MACHINE_TRANSLATION = {"provider": "deepl", "url": provider, "key": "k", "timeout": 0.5}
    FakeProvider.mode = mode
    with pytest.raises(mt.Unavailable, match=says.replace("(", r"\(").replace(")", r"\)")):
        mt.translate(by=None, source=isil, target_language="fr", texts=["Hello"])
    french = services.create_translation(source=isil, language="fr", by=None)
    response, data = translator.open_form(segments_url(french), "workbench-form")
    data["action"] = ["machine:body.1"]
    response = translator.client.post(segments_url(french), data)
    assert response.status_code == 200 and says.split("(")[0] in response.content.decode().replace("&#x27;", "'")


def test_unreachable_and_unset_providers_are_messages_too(settings, isil):
    settings.REVIEW_MACHINE_TRANSLATION = {"provider": "deepl", "url": "http://127.0.0.1:9", "key": "k", "timeout": 1}
    with pytest.raises(mt.Unavailable, match="cannot be reached"):
        mt.translate(by=None, source=isil, target_language="fr", texts=["Hello"])
    settings.REVIEW_MACHINE_TRANSLATION = {"provider": "", "url": ""}
    with pytest.raises(RuleBroken, match="not set up"):
        mt.translate(by=None, source=isil, target_language="fr", texts=["Hello"])


def test_machine_output_fills_the_form_marked_until_a_person_changes_it(settings, provider, isil, translator):
    french = services.create_translation(source=isil, language="fr", by=None)
    assert "Translate with" not in translator.get(segments_url(french)).content.decode(), "off by default"
    settings.REVIEW_MACHINE_TRANSLATION = {"provider": "deepl", "url": provider, "key": "k", "timeout": 5}
    response, data = translator.open_form(segments_url(french), "workbench-form")
    data["action"] = ["machine:body.1"]
    response = translator.client.post(segments_url(french), data)
    form = read_form(response, "workbench-form")
    assert form["target:body.1"] == ["[fr] Acquiring a weapon is {1}hard{/1}, says {2}the agency{/2}."]
    assert form["target:body.2"] == [""] and "machine:body.1" in form and "machine translation, not yet edited" in response.content.decode()
    assert SegmentState.objects.filter(version=french).count() == 0 and "[fr]" not in PieceVersion.objects.get(pk=french.pk).body

    form["action"] = ["save"]
    translator.client.post(segments_url(french), form)
    assert SegmentState.objects.get(version=french, key="body.1").machine
    assert '<a href="https://example.org/iaea"' in PieceVersion.objects.get(pk=french.pk).body

    response, form = translator.open_form(segments_url(french), "workbench-form")
    form["target:body.1"] = ["Se procurer une arme est {1}difficile{/1}, selon {2}l’agence{/2}."]
    form["action"] = ["save"]
    translator.client.post(segments_url(french), form)
    assert not SegmentState.objects.get(version=french, key="body.1").machine

    response, form = translator.open_form(segments_url(french), "workbench-form")
    form["action"] = ["machine_all"]
    filled = read_form(translator.client.post(segments_url(french), form), "workbench-form")
    assert filled["target:body.2"] == ["[fr] Second."] and filled["target:body.1"] == form["target:body.1"], "only empty segments"


def test_nothing_is_sent_for_a_piece_its_user_may_not_read(settings, provider, isil, translator):
    settings.REVIEW_MACHINE_TRANSLATION = {"provider": "deepl", "url": provider, "key": "k", "timeout": 5}
    draft = services.create_piece(by=None, language="en", changes={"title": "Secret", "slug": "secret", "body": "<p>Secret.</p>",
                                                                    "status": Status.DRAFT})  # fmt: skip
    with pytest.raises(NotAllowed):
        mt.translate(by=_user("translator-fr"), source=draft, target_language="fr", texts=["Secret."])
    with pytest.raises(NotAllowed):
        mt.translate(by=_user("translator-fr"), source=isil, target_language="de", texts=["Hello"])
    assert FakeProvider.seen == []


def _user(name):
    from django.contrib.auth.models import User

    return User.objects.get(username=name)
