"""Translation through DeepL (Free, Pro, or any DeepL-compatible server), with the `deepl` client.

`DeepLTranslator.from_settings(settings)` uses `deepl_auth_key` (DEEPL_AUTH_KEY) and
`deepl_server_url` (DEEPL_SERVER_URL; unset: DeepL chooses Free or Pro from the key).

Languages are asked from the server (`get_target_languages`), never hard-coded, with whether each
has formal/informal address. Codes are given back BCP-47 style ("de", "en-GB", "pt-BR", "zh-Hans")
and mapped back to DeepL's ("DE", "EN-GB", "PT-BR", "ZH-HANS"); a bare "en" or "pt" picks the first
regional variant the server lists. Formality "more"/"less" is sent only where the language has it.

Names. A glossary (source term -> wanted target term, usually the characters' names) is honoured
in one of two ways, chosen per call:
  1. a DeepL glossary on the server, when the source language is known and DeepL supports
     glossaries for the pair (`get_glossary_language_pairs`). It is named after a hash of its
     entries and languages ("visutale-<hash>") and reused, found again by name, so repeated
     translations do not pile up glossaries in the account;
  2. otherwise the names are protected in place: each term is replaced by its wanted form inside
     an ignored XML tag (`tag_handling="xml"`, `ignore_tags=["keep"]`), which DeepL copies
     untouched; the rest of the text is XML-escaped before and unescaped after.

Errors. The deepl client's own retry (up to 5 tries, seconds apart, 10 s minimum timeouts,
Retry-After ignored) is replaced, for this translator only, by a bounded one: the client's
HttpClient is swapped for `_BoundedHttpClient`, which retries 429 and 5xx a few times honouring
Retry-After (capped) and uses the studio's request timeout. Every failure becomes one
`ProviderError` sentence naming the server's host, never the key.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape, unescape

from core.errors import InputError, NotConfigured, ProviderError
from core.providers import metering
from core.providers.base import Language
from core.providers.remote_openai import host_of
from core.providers.translation import translate_texts
from core.settings import Settings

RETRIES = 3
BACKOFF_S = 1.0
MAX_WAIT_S = 20.0
KEEP_TAG = "keep"
BATCH = 50
_XML_ENTITIES = {"&quot;": '"', "&apos;": "'"}


def bcp47(code: str) -> str:
    """DeepL's "EN-GB" / "ZH-HANS" / "DE" as "en-GB" / "zh-Hans" / "de"."""
    parts = code.replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.upper() if len(part) <= 3 else part.title())
    return "-".join(out)


def _scrub(text: str, key: str) -> str:
    return text.replace(key, "***") if key else text


class _Failure(Exception):
    """A connection failure seen by _BoundedHttpClient: kind is "timeout" or "connection"."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _bounded_client_class() -> type:
    import deepl.http_client
    import requests

    class _BoundedHttpClient(deepl.http_client.HttpClient):
        """deepl's HttpClient with the studio's timeout and a short retry honouring Retry-After."""

        def __init__(self, timeout_s: float, retries: int, backoff_s: float, max_wait_s: float) -> None:
            super().__init__()
            self.timeout_s = timeout_s
            self.retries = retries
            self.backoff_s = backoff_s
            self.max_wait_s = max_wait_s
            self.attempts = 0  # of the last request
            self.metered = False  # set by DeepLTranslator: the operator limits remote requests

        def request_with_backoff(self, method, url, data, json, headers, stream=False, **kwargs):
            request = self._prepare_request(method, url, data, json, headers, **kwargs)
            attempt = 0
            while True:
                metering.count(required=self.metered)  # every request, each retry too (core.people.limits)
                self.attempts = attempt + 1
                try:
                    response = self._session.send(request, stream=stream, timeout=self.timeout_s)
                except requests.exceptions.Timeout:
                    raise _Failure("timeout") from None
                except requests.exceptions.RequestException:
                    raise _Failure("connection") from None
                status = response.status_code
                if (status == 429 or status >= 500) and attempt < self.retries:
                    wait = _retry_after(response.headers)
                    if wait is None:
                        wait = self.backoff_s * (2**attempt)
                    response.close()
                    time.sleep(min(wait, self.max_wait_s))
                    attempt += 1
                    continue
                if stream:
                    return status, response
                try:
                    response.encoding = "UTF-8"
                    return status, response.text
                finally:
                    response.close()

    return _BoundedHttpClient


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class DeepLTranslator:
    """The Translator Protocol over DeepL."""

    engine = "deepl"
    model = "DeepL"

    def __init__(
        self,
        auth_key: str,
        server_url: str | None = None,
        *,
        timeout_s: float = 30.0,
        retries: int = RETRIES,
        backoff_s: float = BACKOFF_S,
        max_wait_s: float = MAX_WAIT_S,
        metered: bool = False,
    ) -> None:
        auth_key = (auth_key or "").strip()
        if not auth_key:
            raise NotConfigured("DeepL needs an authentication key: set DEEPL_AUTH_KEY (or type it in Settings).")
        self._key = auth_key
        self._server_url = server_url or None
        self._options = (timeout_s, retries, backoff_s, max_wait_s)
        self.timeout_s = timeout_s
        self.metered = metered  # the operator limits remote requests: none is sent uncounted
        self._translator: Any = None
        self._http: Any = None
        self._lock = threading.Lock()
        self._languages: list[Any] | None = None  # deepl.Language, as the server listed them
        self._pairs: set[tuple[str, str]] | None = None
        self._glossaries: dict[str, str] = {}  # glossary name -> id

    def __repr__(self) -> str:  # never the key
        return f"DeepLTranslator({self.host!r})"

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> DeepLTranslator:
        key = settings.deepl_auth_key.get_secret_value() if settings.deepl_auth_key else ""
        options.setdefault("timeout_s", min(settings.request_timeout_s, 60.0))
        options.setdefault("metered", settings.limit_remote_calls_per_day is not None)
        return cls(key, settings.deepl_server_url, **options)

    # --- the client --------------------------------------------------------------------

    @property
    def host(self) -> str:
        if self._server_url:
            return host_of(self._server_url)
        return "api-free.deepl.com" if self._key.endswith(":fx") else "api.deepl.com"

    @property
    def client(self) -> Any:
        with self._lock:
            if self._translator is None:
                try:
                    import deepl
                except ImportError:  # pragma: no cover - it is in requirements.txt
                    raise NotConfigured("DeepL needs the deepl package: pip install deepl.") from None
                translator = deepl.Translator(self._key, server_url=self._server_url)
                if isinstance(getattr(translator, "_client", None), deepl.http_client.HttpClient):
                    old = translator._client
                    self._http = _bounded_client_class()(*self._options)
                    self._http.metered = self.metered
                    translator._client = self._http
                    old.close()
                self._translator = translator
            return self._translator

    def _call(self, fn, what: str, counted: bool = True):
        """fn() with every failure as one ProviderError sentence. `counted=False` for listings
        (languages, glossaries, usage): they translate nothing and are not counted (core.people.limits)."""
        import deepl

        try:
            if not counted:
                with metering.free():
                    return fn()
            return fn()
        except _Failure as failure:
            if failure.kind == "timeout":
                text = (
                    f"DeepL at {self.host} did not answer the {what} within {self.timeout_s:g} "
                    "seconds: try again later, or raise the request timeout in Settings."
                )
            else:
                text = (
                    f"Could not connect to DeepL at {self.host}: check the network and the "
                    "DeepL server URL (DEEPL_SERVER_URL) in Settings."
                )
            raise ProviderError(text) from None
        except deepl.DeepLException as error:
            raise self._explain(error, what) from None

    def _explain(self, error: Any, what: str) -> ProviderError:
        import deepl

        status = getattr(error, "http_status_code", None)
        attempts = getattr(self._http, "attempts", 1) or 1
        tries = f" after {attempts} tries" if attempts > 1 else ""
        host = self.host
        detail = _scrub(str(error), self._key)[:200].rstrip(". ")
        if isinstance(error, deepl.AuthorizationException) or status in (401, 403):
            text = (
                f"DeepL at {host} refused the authentication key (403): check DEEPL_AUTH_KEY in "
                "Settings (keys of DeepL API Free end in ':fx')."
            )
        elif isinstance(error, deepl.QuotaExceededException) or status == 456:
            text = (
                f"The DeepL account's character quota for this billing period is used up (456, "
                f"{host}): wait for the next period, upgrade the plan, or translate with the writer."
            )
        elif isinstance(error, deepl.TooManyRequestsException) or status == 429:
            text = (
                f"DeepL at {host} is limiting requests (429 too many requests) and still refused"
                f"{tries}: wait a minute and try again."
            )
        elif status is not None and status >= 500:
            text = f"DeepL at {host} had a server error ({status}){tries}: try again later."
        elif status == 404:
            text = (
                f"DeepL at {host} has no such endpoint (404): check the DeepL server URL "
                "(DEEPL_SERVER_URL) in Settings."
            )
        elif status is not None:
            text = f"DeepL at {host} rejected the {what} ({status}: {detail})."
        else:
            text = f"The {what} to DeepL at {host} failed ({detail}); try again."
        return ProviderError(_scrub(text, self._key))

    # --- Translator ----------------------------------------------------------------------

    def _target_languages(self) -> list[Any]:
        if self._languages is None:
            self._languages = list(
                self._call(lambda: self.client.get_target_languages(), "language list", counted=False)
            )
        return self._languages

    def languages(self) -> list[Language]:
        """The target languages the server lists, with whether each has formality."""
        return [
            Language(bcp47(lang.code), lang.name, bool(lang.supports_formality)) for lang in self._target_languages()
        ]

    def _resolve(self, target: str) -> Any:
        """The server's target language for a code ("de", "en-GB", "en", "ZH-HANS" ...)."""
        wanted = target.strip().replace("_", "-").upper()
        listed = self._target_languages()
        for lang in listed:
            if lang.code.upper() == wanted:
                return lang
        for lang in listed:  # "en" -> the first regional variant listed ("EN-GB")
            if lang.code.upper().startswith(wanted + "-"):
                return lang
        raise InputError(
            f"DeepL at {self.host} does not translate into '{target}': choose one of the languages it lists."
        )

    def _glossary_pairs(self) -> set[tuple[str, str]]:
        if self._pairs is None:
            pairs = self._call(lambda: self.client.get_glossary_languages(), "glossary language list", counted=False)
            self._pairs = {(p.source_lang.upper(), p.target_lang.upper()) for p in pairs}
        return self._pairs

    def _glossary_id(self, entries: dict[str, str], source: str, target: str) -> str:
        """A server glossary for these entries and this pair: found again by name, or created."""
        digest = hashlib.sha256(repr((source, target, sorted(entries.items()))).encode()).hexdigest()
        name = f"visutale-{digest[:16]}"
        if name in self._glossaries:
            return self._glossaries[name]
        for info in self._call(lambda: self.client.list_glossaries(), "glossary list", counted=False):
            if (
                info.name == name
                and info.source_lang.upper() == source
                and info.target_lang.upper() == target
                and info.ready
            ):
                self._glossaries[name] = info.glossary_id
                return info.glossary_id
        info = self._call(lambda: self.client.create_glossary(name, source, target, entries), "glossary")
        self._glossaries[name] = info.glossary_id
        return info.glossary_id

    def translate(
        self,
        texts: Sequence[str],
        target: str,
        *,
        source: str | None = None,
        formality: str | None = None,
        glossary: dict[str, str] | None = None,
    ) -> list[str]:
        if not any(str(t).strip() for t in texts):
            return [str(t) for t in texts]
        lang = self._resolve(target)
        options: dict[str, Any] = {"target_lang": lang.code}
        src = source.replace("_", "-").split("-")[0].upper() if source else None
        if src:
            options["source_lang"] = src
        if formality in ("more", "less") and lang.supports_formality:
            options["formality"] = formality
        entries = {k.strip(): v.strip() for k, v in (glossary or {}).items() if k.strip() and v.strip()}
        protect = False
        if entries:
            base_target = lang.code.split("-")[0].upper()
            if src and (src, base_target) in self._glossary_pairs():
                options["glossary"] = self._glossary_id(entries, src, base_target)
            else:
                protect = True
                options["tag_handling"] = "xml"
                options["ignore_tags"] = [KEEP_TAG]

        def send(batch: list[str]) -> list[str]:
            sent = [protect_names(t, entries) if protect else t for t in batch]
            results = self._call(lambda: self.client.translate_text(sent, **options), "translation")
            return [restore_names(r.text) if protect else r.text for r in results]

        # DeepL refuses empty strings (they stay empty) and takes at most 50 texts a request
        return translate_texts(texts, send, batch=BATCH, who=f"DeepL at {self.host}")

    def usage(self) -> str:
        """The account's use this billing period, as a sentence."""
        usage = self._call(lambda: self.client.get_usage(), "usage request", counted=False)
        character = usage.character
        if character.valid:
            percent = 100 * character.count / character.limit if character.limit else 0
            return f"{character.count:,} of {character.limit:,} characters used this billing period ({percent:.0f}%)."
        if character.count is not None:
            return f"{character.count:,} characters used this billing period."
        return "DeepL reports no character usage for this account."

    def close(self) -> None:
        if self._translator is not None:
            self._translator.close()


def protect_names(text: str, entries: dict[str, str]) -> str:
    """The text XML-escaped, each glossary term replaced by <keep>wanted</keep> (whole words)."""
    if not entries:
        return escape(text)
    terms = sorted(entries, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in terms) + r")(?!\w)")
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<{KEEP_TAG}>{escape(entries[match.group(1)])}</{KEEP_TAG}>")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def restore_names(text: str) -> str:
    """Undo protect_names on a translation: drop the tags, unescape the XML."""
    text = re.sub(rf"</?{KEEP_TAG}\s*/?>", "", text)
    return unescape(text, _XML_ENTITIES)
