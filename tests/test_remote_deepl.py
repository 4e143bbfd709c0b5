"""DeepL translation with the real `deepl` client against a fake DeepL server on 127.0.0.1."""

from __future__ import annotations

import socket
import time

import pytest

from core.errors import InputError, NotConfigured, ProviderError
from core.providers import translator_for
from core.providers.base import Translator
from core.providers.remote_deepl import DeepLTranslator, bcp47, protect_names, restore_names
from core.settings import Settings
from tests.fake_servers import DEEPL_LANGUAGES, FakeDeepL

KEY = "0123abcd-SECRET-deepl-key:fx"
FAST = {"backoff_s": 0.01, "retries": 3}


@pytest.fixture
def server():
    with FakeDeepL(auth_key=KEY) as fake:
        yield fake


def settings_for(
    server: FakeDeepL | None, key: str | None = KEY, url: str | None = None, timeout: float = 5.0
) -> Settings:
    return Settings(
        translator="deepl",
        deepl_auth_key=key,
        deepl_server_url=url or (server.url if server else None),
        request_timeout_s=timeout,
    )


def deepl(server: FakeDeepL, **kw) -> DeepLTranslator:
    return DeepLTranslator.from_settings(settings_for(server, **kw), **FAST)


def failure(fn) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        fn()
    for text in (str(caught.value), repr(caught.value)):
        assert KEY not in text
    return caught.value


def test_the_factory_and_the_protocol(server):
    translator = translator_for(settings_for(server))
    assert isinstance(translator, DeepLTranslator) and isinstance(translator, Translator)
    assert translator.engine == "deepl" and translator.model == "DeepL"
    assert KEY not in repr(translator)


def test_no_key_says_to_set_deepl_auth_key():
    with pytest.raises(NotConfigured, match="DEEPL_AUTH_KEY"):
        translator_for(Settings(translator="deepl"))


def test_languages_come_from_the_server():
    languages = [*DEEPL_LANGUAGES, {"language": "XX-FAKE", "name": "Fakish", "supports_formality": True}]
    with FakeDeepL(auth_key=KEY, languages=languages) as fake:
        listed = deepl(fake).languages()
        codes = {lang.code: lang for lang in listed}
        assert len(listed) == len(languages)
        assert codes["xx-Fake"].name == "Fakish" and codes["xx-Fake"].formality
        assert codes["de"].formality and not codes["ko"].formality
        assert {"en-GB", "pt-BR", "zh-Hans", "ar", "he", "th"} <= set(codes)
        assert fake.requests_to("/v2/languages")[0].method == "GET"


def test_bcp47_codes():
    assert bcp47("EN-GB") == "en-GB" and bcp47("ZH-HANS") == "zh-Hans" and bcp47("DE") == "de"


def test_translate_in_order_keeping_empty_strings(server):
    out = deepl(server).translate(["Mia finds a key.", "", "The end."], "de")
    assert out == ["[DE] MIA FINDS A KEY.", "", "[DE] THE END."]
    body = server.requests_to("/v2/translate")[-1].body
    assert body["target_lang"] == "DE" and body["text"] == ["Mia finds a key.", "The end."]


def test_bare_codes_pick_a_listed_variant_and_unknown_codes_are_refused(server):
    translator = deepl(server)
    assert translator.translate(["hi"], "en", source="de") == ["[EN-GB] HI"]
    assert translator.translate(["hi"], "zh-Hans") == ["[ZH-HANS] HI"]
    with pytest.raises(InputError, match="does not translate into 'tlh'"):
        translator.translate(["hi"], "tlh")


def test_formality_only_where_the_language_has_it(server):
    translator = deepl(server)
    assert translator.translate(["Hello"], "de", formality="more") == ["[DE formal] HELLO"]
    assert translator.translate(["Hello"], "fr", formality="less") == ["[FR informal] HELLO"]
    # Korean has no formality on this server: it is left out, not refused
    assert translator.translate(["Hello"], "ko", formality="more") == ["[KO] HELLO"]
    assert "formality" not in server.requests_to("/v2/translate")[-1].body


def test_glossary_on_the_server_keeps_names_and_is_reused(server):
    translator = deepl(server)
    names = {"Mia": "Mia", "Foxy": "Füchschen"}
    out = translator.translate(["Mia meets Foxy.", "Foxy runs."], "de", source="en", glossary=names)
    assert out == ["[DE] Mia MEETS Füchschen.", "[DE] Füchschen RUNS."]
    assert len(server.glossaries) == 1
    (glossary,) = server.glossaries.values()
    assert glossary["entries"] == names and (glossary["source_lang"], glossary["target_lang"]) == ("en", "de")
    body = server.requests_to("/v2/translate")[-1].body
    assert body["glossary_id"] == glossary["glossary_id"] and body["source_lang"] == "EN"
    translator.translate(["Mia again."], "de", source="en", glossary=names)
    # a new translator (another session, a restart) finds the same glossary by name
    deepl(server).translate(["Mia again."], "de", source="en", glossary=names)
    assert len(server.requests_to("/v2/glossaries")) >= 1
    assert len([r for r in server.requests if r.path == "/v2/glossaries" and r.method == "POST"]) == 1


def test_names_are_protected_in_place_where_no_glossary_is_possible(server):
    translator = deepl(server)
    names = {"Mia": "Mia", "Foxy": "Fuchsi"}
    # Korean has no glossary pair on this server; with no source language, no glossary either
    ko = translator.translate(['Mia & Foxy say "<hi>".'], "ko", source="en", glossary=names)
    assert ko == ['[KO] Mia & Fuchsi SAY "<HI>".']
    de = translator.translate(["Mia sees Foxy."], "de", glossary=names)
    assert de == ["[DE] Mia SEES Fuchsi."]
    body = server.requests_to("/v2/translate")[-1].body
    assert body["tag_handling"] == "xml" and body["ignore_tags"] == ["keep"]
    assert not server.glossaries


def test_protect_and_restore_round_trip():
    text = 'Mia <b>& "Miabella"</b> met Mia.'
    protected = protect_names(text, {"Mia": "Mía"})
    assert protected.count("<keep>Mía</keep>") == 2 and "Miabella" in protected
    assert restore_names(protected) == 'Mía <b>& "Miabella"</b> met Mía.'


def test_usage(server):
    translator = deepl(server)
    translator.translate(["abcdefghij"], "de")
    assert translator.usage() == "10 of 500,000 characters used this billing period (0%)."


# --- errors --------------------------------------------------------------------------


def test_wrong_key_403(server):
    error = failure(lambda: deepl(server, key="wrong-key:fx").languages())
    assert "refused the authentication key (403)" in str(error) and "DEEPL_AUTH_KEY" in str(error)
    assert f"127.0.0.1:{server.port}" in str(error)


def test_quota_456(server):
    server.inject(status=456, path="/v2/translate")
    error = failure(lambda: deepl(server).translate(["hello"], "de"))
    assert "quota" in str(error) and "456" in str(error)
    with FakeDeepL(auth_key=KEY, character_limit=5) as small:
        error = failure(lambda: deepl(small).translate(["more than five"], "de"))
        assert "used up (456" in str(error)


def test_429_is_retried_honouring_retry_after_and_succeeds(server):
    translator = deepl(server)
    translator.languages()
    server.inject(status=429, retry_after=0.2, times=2, path="/v2/translate")
    started = time.monotonic()
    assert translator.translate(["hi"], "de") == ["[DE] HI"]
    assert time.monotonic() - started >= 0.4
    assert len(server.requests_to("/v2/translate")) == 3


def test_429_that_persists(server):
    translator = deepl(server)
    translator.languages()
    server.inject(status=429, retry_after=0.01, times=4, path="/v2/translate")
    error = failure(lambda: translator.translate(["hi"], "de"))
    assert "429 too many requests" in str(error) and "after 4 tries" in str(error)


def test_server_error_5xx(server):
    translator = deepl(server)
    translator.languages()
    server.inject(status=503, times=1, path="/v2/translate")
    assert translator.translate(["hi"], "de") == ["[DE] HI"]
    server.inject(status=500, times=4, path="/v2/translate")
    error = failure(lambda: translator.translate(["hi"], "de"))
    assert "server error (500) after 4 tries" in str(error)


def test_refused_connection():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    translator = DeepLTranslator(KEY, f"http://127.0.0.1:{port}", **FAST)
    error = failure(translator.languages)
    assert "Could not connect to DeepL at 127.0.0.1" in str(error)


def test_timeout(server):
    server.inject(hang=3)
    started = time.monotonic()
    error = failure(lambda: deepl(server, timeout=0.5).languages())
    assert time.monotonic() - started < 2.5
    assert "did not answer" in str(error) and "0.5 seconds" in str(error)


def test_bad_request_repeats_the_server_message_without_the_key(server):
    translator = deepl(server)
    translator.languages()
    server.inject(status=400, message=f"bad text for {KEY}", path="/v2/translate")
    error = failure(lambda: translator.translate(["hi"], "de"))
    assert "bad text for ***" in str(error)


def test_the_key_never_reaches_a_log_line(server, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    translator = deepl(server)
    translator.translate(["Mia."], "de", source="en", glossary={"Mia": "Mia"})
    translator.usage()
    failure(lambda: deepl(server, key="wrong-key-in-logs:fx").languages())
    assert caplog.records
    assert KEY not in caplog.text and "wrong-key-in-logs" not in caplog.text


def test_many_texts_go_in_batches_of_fifty(server):
    texts = [f"line {i}" for i in range(120)]
    out = deepl(server).translate(texts, "fr")
    assert out == [f"[FR] LINE {i}" for i in range(120)]
    assert [len(r.body["text"]) for r in server.requests_to("/v2/translate")] == [50, 50, 20]
