"""core.safety: the classroom word list and the moderation callable, together."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InputError, ProviderError
from core.safety import WORD_LIST, SafetyChecker, WordList, check_text


def test_the_bundled_list_is_modest_and_readable():
    entries = WordList.from_file(WORD_LIST).entries
    assert 50 <= len(entries) <= 120
    assert len({e.shown for e in entries}) == len(entries)  # no duplicates


@pytest.mark.parametrize(
    "text,word",
    [
        ("What the fuck", "fuck"),
        ("SHIT happens", "SHIT"),
        ("a picture of a nude person", "nude"),
        ("a gory battlefield", "gory"),
        ("they were decapitated", "decapitated"),
        ("fucking hell", "fucking"),  # prefix entry
        ("you are a bitch.", "bitch"),
    ],
)
def test_blocked_words(text, word):
    assert check_text(text) == [f'the word "{word}" is on the classroom list']


@pytest.mark.parametrize(
    "text",
    [
        "A class assessment with a passionate assistant in Massachusetts",  # ass inside words
        "The grapes were on the glass, said the bass player",
        "Scunthorpe is a town; Sussex is a county; Essex too",  # cunt, sex inside words
        "The knight killed the dragon and the cock crowed at dawn",
        "Dick Whittington and his pussy cat went to London",
        "The emperor was naked, and the heroine laughed",
        "There were 455 birds, 5 hens and 31337 ants",  # numbers are not leetspeak
        "as soon as possible",  # "as" is not "ass" with a letter missing
        "Mississippi shells assemble",
        "",
        "   \n\t  ",
    ],
)
def test_allowed_texts(text):
    assert check_text(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "shiiiiit",
        "SHIIIT",
        "fuuuuuck",
        "assss",
        "sh1t",
        "5h1t",
        "@ss",
        "a55",
        "$hit",
        "b1tch",
        "f.u.c.k",
        "s h i t",
        "f-u-c-k",
        "Ｆｕｃｋ",
        "fûck",
        "fu\u200bck",
        "fu\u200dck",
        "fu\u00adck",
        "fuсk",  # a Cyrillic "с" in a Latin word
        "p0rn",
        "p0rn0graphy",
        "nud3",
        "nuuude",
    ],
)
def test_simple_obfuscation_is_seen_through(text):
    reasons = check_text(f"look: {text}!")
    assert len(reasons) == 1 and "is on the classroom list" in reasons[0]


def test_whole_phrases_and_every_reason_once():
    reasons = check_text("Kill   yourself, said the shit. Shit! And self-harm.")
    assert reasons == [
        'the words "Kill yourself" are on the classroom list',
        'the word "shit" is on the classroom list',
        'the word "Shit" is on the classroom list',
        'the words "self-harm" are on the classroom list',
    ]
    assert check_text("kill the dragon yourself") == []


def test_russian_text_is_not_rewritten_as_latin():
    assert check_text("сор и мусор, а ещё кот") == []


def test_custom_word_list():
    checker = SafetyChecker(words=["# comment", "", "spider", "tarantula*", "big bad wolf"])
    assert checker.check("a SPIDERRR and tarantulas and the Big Bad Wolf") == [
        'the word "SPIDERRR" is on the classroom list',
        'the word "tarantulas" is on the classroom list',
        'the words "Big Bad Wolf" are on the classroom list',
    ]
    assert checker.check("spiders and a bad wolf") == []  # "spider" is whole-word only


def test_moderation_is_combined_with_the_word_list():
    asked = []

    def moderate(text):
        asked.append(text)
        return ["violence", "self harm", "violence"] if "sword" in text else []

    checker = SafetyChecker(moderate=moderate)
    assert checker.check("a kind dragon") == []
    assert checker.check("a sword fight, shit") == [
        'the word "shit" is on the classroom list',
        "the moderation service flagged it as violence",
        "the moderation service flagged it as self harm",
    ]
    assert SafetyChecker(moderate=lambda text: ["flagged"]).check("x") == ["the moderation service flagged it"]
    assert asked == ["a kind dragon", "a sword fight, shit"]


def test_moderation_sees_clean_text_and_is_not_asked_about_nothing():
    asked = []
    checker = SafetyChecker(moderate=lambda text: asked.append(text) or [])
    checker.check("  ")
    checker.check("a\x00b\u202ec")
    assert asked == ["abc"]


def test_moderation_failures_are_provider_errors():
    def broken(text):
        raise ConnectionError("refused")

    with pytest.raises(ProviderError, match="moderation service could not check"):
        SafetyChecker(moderate=broken).check("hello")

    def refuses(text):
        raise InputError("The moderation service says the key is wrong.")

    with pytest.raises(InputError, match="key is wrong"):
        SafetyChecker(moderate=refuses).check("hello")


def test_default_checker_uses_the_bundled_list():
    assert SafetyChecker().check("sh1t") == check_text("sh1t") != []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_list_of_reasons(text):
    reasons = check_text(text)
    assert isinstance(reasons, list) and all(
        r.endswith("is on the classroom list") or r.endswith("are on the classroom list") for r in reasons
    )


def test_safety_uses_the_remote_servers_moderation_when_the_writer_is_remote() -> None:
    from core.providers import safety_for
    from core.settings import Settings
    from tests.fake_servers import FakeOpenAI

    assert safety_for(Settings(safety=False)) is None
    offline = safety_for(Settings(safety=True))
    assert offline.check("The knight will kill the dragon") == []  # not on the classroom word list
    with FakeOpenAI(flag_words=("kill",)) as server:
        remote = safety_for(
            Settings(safety=True, writer="remote", openai_base_url=server.base_url, openai_api_key="sk-test")
        )
        reasons = remote.check("The knight will kill the dragon")
    assert reasons and "moderation" in reasons[0]


# --- the obfuscation corpus: each of these passed the list before symbols, masks, 7 and whole
# look-alike words were read (they are the defects of issue 12), and each is blocked now ----------

OBFUSCATED = {
    "symbols": ["f*ck", "f**k", "sh!t", "sh*t", "a$$", "$h!t", "b!tch", "shi+", "c*nt", "a**hole", "sh*tty", "f_ck"],
    "spacing": ["f u c k", "f.u.c.k!", "s  h  i  t", "n-u-d-e", "f*u*c*k", "f_u_c_k"],
    "homoglyphs": ["ѕех", "Ѕех", "fυck", "ѕhit", "ｆ＊ｃｋ", "ⓕⓤⓒⓚ", "ƒuck", "𝐟𝐮𝐜𝐤", "ſhit", "р0rn"],
    "leetspeak": ["5h17", "7its", "ti7s", "bi7ch", "b|tch", "pen!s", "wh0r3", "murd3r", "c0caine", "k!ll yourself"],
}


@pytest.mark.parametrize("text", [word for words in OBFUSCATED.values() for word in words])
def test_the_obfuscation_corpus_is_blocked(text):
    reasons = check_text(f"Then the hero said {text} to the dog.")
    assert len(reasons) == 1 and reasons[0].endswith("on the classroom list"), text


@pytest.mark.parametrize("text", ["f*ck", "sh!t", "f**k", "5h17", "7its", "shi+", "ѕех", "ｆ＊ｃｋ", "ⓕⓤⓒⓚ", "ƒuck"])
def test_symbols_masks_and_disguised_words_were_the_defects(text):
    """Written against the old matcher: each of these passed it (kept here by name so a regression
    says which trick got through again)."""
    assert check_text(f"the dog said {text}") != []


INNOCENT = (
    "Scunthorpe grapes assistant class cocktail Essex Sussex Middlesex shiitake therapist analysis "
    "Dickens button Penistone cockpit hitch arsenal passion bassoon cumulus title assassin associate "
    "sextant sextet hello shell document Hancock pass glass grass snigger Titicaca constitution "
    "skillful Mississippi scrap drape shitake"
).split()
HARMLESS_SYMBOLS = [
    "I/O",
    "3D",
    "C++",
    "A+",
    "100%",
    "hello_world",
    "**bold**",
    "*note*",
    "word*",
    "4ever",
    "1337",
    "Yes!",
    "Wow!!!",
    "R&D",
    "e-mail",
    "#hashtag",
    "@home",
    "$5",
    "skills",
    "sk1lls",
    "it|is",
    "x**y",
]


@pytest.mark.parametrize("word", INNOCENT + HARMLESS_SYMBOLS)
def test_innocent_words_that_contain_listed_ones_are_not_blocked(word):
    assert check_text(f"Look at {word} now") == [], word


def test_a_mostly_russian_text_keeps_its_own_words_but_a_disguise_in_english_is_caught():
    assert check_text("Это сор и мусор, а в лесу кот и рысь") == []
    assert check_text("the cat and the ѕех") != []
