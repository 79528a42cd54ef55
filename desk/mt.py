"""Machine translation, pluggable: a provider turns source segments (inner HTML) into target segments.

Two real adapters speak the providers' HTTP APIs: DeepL (`POST /v2/translate`, `tag_handling=html`) and
LibreTranslate (`POST /translate`, `format=html`). Settings choose one (`REVIEW_MACHINE_TRANSLATION`: provider, URL,
key, timeout); it is off by default. Whatever goes wrong on the provider's side (no answer in time, 429, 5xx, a
refused key, an unreadable answer) is an `Unavailable` with a message for the translator, never a 500. Nothing is
sent for a version its user may not read; what comes back is only ever a suggestion in the segment editor,
marked as machine output until a person changes it.
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from articles import policies
from articles.errors import NotAllowed, RuleBroken
from review.numbers import read_int

MAX_SEGMENTS, MAX_CHARACTERS = 200, 100_000  # one request's worth: a long piece, never the archive


class Unavailable(RuleBroken):
    """The provider could not translate now; the message says why, in the translator's words."""


@dataclass(frozen=True)
class Config:
    provider: str
    url: str
    key: str
    timeout: float


def config():
    raw = getattr(settings, "REVIEW_MACHINE_TRANSLATION", None) or {}
    provider = (raw.get("provider") or "").lower()
    if provider not in PROVIDERS or not raw.get("url"):
        return None
    return Config(provider, raw["url"].rstrip("/"), raw.get("key") or "", float(raw.get("timeout") or 10))


def enabled():
    return config() is not None


def provider_name():
    found = config()
    return PROVIDERS[found.provider].label if found else ""


class Provider:
    label = ""

    def __init__(self, config):
        self.config = config

    def translate(self, texts, source_language, target_language):
        raise NotImplementedError

    def _post(self, path, payload, headers=()):
        request = urllib.request.Request(
            self.config.url + path, data=json.dumps(payload).encode(), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json", **dict(headers)},
        )  # fmt: skip
        name = self.label
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout) as response:  # noqa: S310 (the URL is the settings')
                body = response.read(4 * MAX_CHARACTERS + 65536)
        except urllib.error.HTTPError as error:
            if error.code == 429:
                retry = read_int(error.headers.get("Retry-After"), minimum=1, maximum=86_400)
                wait = _(" Try again in %(seconds)s s.") % {"seconds": retry} if retry else _(" Try again in a minute.")
                raise Unavailable(_("%(name)s is busy (too many requests).") % {"name": name} + wait) from None
            if error.code in (401, 403):
                raise Unavailable(_("%(name)s refused the site's key: an administrator must check the settings.")
                                  % {"name": name}) from None  # fmt: skip
            if error.code == 456:
                raise Unavailable(_("%(name)s says the site's quota is used up.") % {"name": name}) from None
            raise Unavailable(_("%(name)s failed (HTTP %(code)s): try again later.") % {"name": name, "code": error.code}) from None
        except (urllib.error.URLError, OSError) as error:
            if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError):
                raise Unavailable(_("%(name)s did not answer within %(seconds)g s: try again later.")
                                  % {"name": name, "seconds": self.config.timeout}) from None  # fmt: skip
            raise Unavailable(_("%(name)s cannot be reached: try again later.") % {"name": name}) from None
        try:
            return json.loads(body)
        except ValueError:
            raise Unavailable(_("%(name)s answered something that is not a translation.") % {"name": name}) from None

    def _unreadable(self):
        return Unavailable(_("%(name)s answered something that is not a translation.") % {"name": self.label})


class DeepL(Provider):
    label = "DeepL"

    def translate(self, texts, source_language, target_language):
        answer = self._post(
            "/v2/translate",
            {"text": texts, "source_lang": source_language.split("-")[0].upper(), "target_lang": target_language.upper(),
             "tag_handling": "html", "preserve_formatting": True},
            headers=[("Authorization", f"DeepL-Auth-Key {self.config.key}")],
        )  # fmt: skip
        try:
            found = [str(item["text"]) for item in answer["translations"]]
        except (KeyError, TypeError):
            raise self._unreadable() from None
        if len(found) != len(texts):
            raise self._unreadable()
        return found


class LibreTranslate(Provider):
    label = "LibreTranslate"

    def translate(self, texts, source_language, target_language):
        payload = {"q": texts, "source": source_language, "target": target_language, "format": "html"}
        if self.config.key:
            payload["api_key"] = self.config.key
        answer = self._post("/translate", payload)
        found = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(found, list) or len(found) != len(texts):
            raise self._unreadable()
        return [str(text) for text in found]


PROVIDERS = {"deepl": DeepL, "libretranslate": LibreTranslate}


def translate(*, by, source, target_language, texts):
    """Machine translations of `texts` (source segments' inner HTML, of version `source`) into `target_language`."""
    found = config()
    if found is None:
        raise RuleBroken(_("Machine translation is not set up on this site."))
    if by is not None and not (policies.may_read_version(by, source) and policies.may_edit_language(by, target_language)):
        raise NotAllowed(_("You may not send this piece for machine translation."))
    texts = list(texts)
    if not texts:
        return []
    if len(texts) > MAX_SEGMENTS or sum(len(text) for text in texts) > MAX_CHARACTERS:
        raise RuleBroken(_("That is too much to translate at once: translate the segments one part at a time."))
    return PROVIDERS[found.provider](found).translate(texts, source.language, target_language)
