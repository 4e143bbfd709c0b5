"""A shared studio in the app: two people, each in their own space, see only their own stories and
what was shared with them; a personal studio stays one space.

Sign-in is Streamlit's OIDC: AppTest fakes the signed-in person through `at.user` (the ID token's
claims, as `st.user` shows them after a real sign-in) and the `[auth]` section through
`at.secrets`; tests/test_browser_signin.py signs in for real through an OIDC provider.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core import studio
from core.people.access import as_person
from core.people.spaces import Level, Person
from core.storage.store import Store
from tests.test_app_flow import _app, _click, _page, _texts

ISSUER = "http://127.0.0.1:9400"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret",
    "client_id": "studio",
    "client_secret": "secret",
    "server_metadata_url": f"{ISSUER}/.well-known/openid-configuration",
}


def signed_in(sub: str, name: str) -> AppTest:
    at = _app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "iss": ISSUER, "sub": sub, "name": name, "email": f"{sub}@example.com"}
    return at


def person(sub: str) -> Person:
    return Person(id=f"oidc:{ISSUER}:{sub}")


def start_story(at: AppTest, photo: bytes) -> str:
    at.run()
    assert not at.exception, at.exception
    at.file_uploader[0].set_value(("chelsea.jpg", photo, "image/jpeg")).run()
    _click(at, "Start a story with this photo")
    return at.session_state["story_id"]


def library_ids(at: AppTest) -> set[str]:
    _page(at, "pages/library.py")
    return {b.key.removeprefix("library_open_") for b in at.button if b.key and b.key.startswith("library_open_")}


def test_signing_in_is_asked_before_anything_is_shown(data_dir, cat_bytes) -> None:
    studio.start_story(Store(data_dir), cat_bytes, "personal.jpg")
    at = _app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception, at.exception
    assert [b.label for b in at.button] == ["Sign in", "Join the class"]  # a pupil joins without an account
    assert not at.file_uploader and "Library" not in _texts(at)


def test_two_people_never_see_open_or_delete_each_others_stories(data_dir, cat_bytes) -> None:
    alice, bob = signed_in("alice", "Alice"), signed_in("bob", "Bob")
    alices = start_story(alice, cat_bytes)
    bobs = start_story(bob, cat_bytes)
    assert alices != bobs
    assert "Signed in as **Alice**" in [m.value for m in alice.sidebar.markdown]

    assert library_ids(alice) == {alices} and library_ids(bob) == {bobs}
    assert f"library_delete_{alices}" not in [b.key for b in bob.button]

    snoop = signed_in("bob", "Bob")  # Bob opens a link to Alice's story
    snoop.query_params["story"] = alices
    snoop.switch_page("pages/draft.py").run()
    assert not snoop.exception, snoop.exception
    assert "There is no story at this link" in snoop.error[0].value
    assert "story_id" not in snoop.session_state

    store = Store(data_dir)
    assert store.access(alices).owner == person("alice").id and store.access(bobs).owner == person("bob").id


def test_a_story_shared_read_only_appears_for_the_other_person_and_cannot_be_changed(data_dir, cat_bytes) -> None:
    alice, bob = signed_in("alice", "Alice"), signed_in("bob", "Bob")
    alices = start_story(alice, cat_bytes)
    bob.run()
    assert library_ids(bob) == set()

    library_ids(alice)
    alice.text_input(key=f"library_share_with_{alices}").set_value(person("bob").id).run()
    _click(alice, "Share with this person")
    assert f"library_revoke_{alices}_person_{person('bob').id}" in [b.key for b in alice.button]  # listed

    assert library_ids(bob) == {alices}
    assert "shared with you, read-only" in _texts(bob)
    assert f"library_delete_{alices}" not in [b.key for b in bob.button]
    bob.button(key=f"library_open_{alices}").click().run()
    assert not bob.exception and bob.session_state["story_id"] == alices
    assert "Caption" in [t.value for t in bob.title]
    _page(bob, "pages/caption.py")
    _click(bob, "Describe the photo")
    assert any("shared with you to read, not to change" in e.value for e in bob.error), _texts(bob)
    assert Store(data_dir).load(alices).captions == []

    library_ids(alice)
    alice.button(key=f"library_revoke_{alices}_person_{person('bob').id}").click().run()
    assert not alice.exception
    assert library_ids(bob) == set()


def test_an_editable_share_lets_the_other_person_change_it(data_dir, cat_bytes) -> None:
    alice, bob = signed_in("alice", "Alice"), signed_in("bob", "Bob")
    alices = start_story(alice, cat_bytes)
    as_person(Store(data_dir), person("alice")).share(alices, person("bob").id, "edit")
    bob.query_params["story"] = alices
    bob.switch_page("pages/caption.py").run()
    _click(bob, "Describe the photo")
    assert Store(data_dir).load(alices).captions[-1].author == "model"
    assert as_person(Store(data_dir), person("bob")).level(alices) == Level.EDIT


def test_a_password_studio_gives_each_browser_its_own_private_space(data_dir, cat_bytes) -> None:
    def browser(key: str | None = None) -> AppTest:
        at = _app()
        at.secrets["access_password"] = "open sesame"
        if key:
            at.query_params["space"] = key
        at.run()
        at.text_input(key="home_password").set_value("open sesame").run()
        assert not at.exception, at.exception
        return at

    first, second = browser(), browser()
    key = first.query_params["space"]
    key = key[0] if isinstance(key, list) else key
    assert len(key) == 32 and key != second.query_params["space"]
    mine = start_story(first, cat_bytes)
    assert first.query_params["space"] in (key, [key])  # kept through the page switch
    assert library_ids(second) == set()

    again = browser(key)  # the bookmarked link, in a new browser session
    assert library_ids(again) == {mine}
    assert Store(data_dir).access(mine).owner == Person.from_link(key).id


def test_a_personal_studio_is_one_space_with_nobody_to_sign_in(data_dir, cat_bytes) -> None:
    old = studio.start_story(Store(data_dir), cat_bytes, "old.jpg")
    (Store(data_dir).folder(old.id) / "access.json").unlink()  # saved before spaces existed
    at = _app()
    new = start_story(at, cat_bytes)
    assert library_ids(at) == {old.id, new}
    assert "space" not in at.query_params
    assert not [b for b in at.button if b.key and b.key.startswith("library_share")]  # nobody to share with
