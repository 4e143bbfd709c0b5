"""The one table of languages: every part of the studio that names, prints or reads a language asks it."""

from __future__ import annotations

import pytest

from core import language
from core.campaign.copy import OFFLINE_LANGUAGES
from core.export.fonts import script_for_language
from core.export.readalong import ReadAlongBook


def test_the_writers_offer_the_same_translations_whichever_engine() -> None:
    from core.providers.local_writer import LocalWriter
    from core.providers.remote_openai import RemoteWriter

    def offered(cls) -> list[tuple[str, str, bool]]:
        writer = cls.__new__(cls)  # languages() reads the table, not the model or the server
        return [(lang.code, lang.name, lang.formality) for lang in writer.languages()]

    assert offered(LocalWriter) == offered(RemoteWriter)
    assert {"de", "ja", "ar", "zh-Hans"} <= {code for code, _, _ in offered(LocalWriter)}


@pytest.mark.parametrize(
    ("code", "direction"), [("ar", "rtl"), ("he-IL", "rtl"), ("fa", "rtl"), ("en", "ltr"), ("", "ltr")]
)
def test_direction_comes_from_the_primary_subtag(code: str, direction: str) -> None:
    assert language.direction_of(code) == direction


def test_the_reader_and_the_pdf_ask_the_table() -> None:
    assert script_for_language("sr-Latn") == "latin" and script_for_language("sr") == "cyrillic"
    assert script_for_language("zh-TW") == "chinese-traditional"
    assert ReadAlongBook.direction.fget(type("R", (), {"language": "ar"})()) == "rtl"


def test_every_language_offered_somewhere_has_a_name_and_a_native_name() -> None:
    for lang in language.LANGUAGES.values():
        assert lang.story or lang.translation or lang.offline_copy, lang.code
        assert lang.name and lang.native
    assert language.name_of("pt-BR") == "Portuguese (Brazil)" and language.name_of("xx") == "xx"
    assert OFFLINE_LANGUAGES == {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español"}
