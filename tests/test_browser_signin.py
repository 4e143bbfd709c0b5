"""A real OpenID Connect sign-in, in Chromium: two people sign in and each sees only their own stories
until one shares a story with the other.

`oidc-provider-mock` (a real OIDC provider for tests, on the package index) runs on 127.0.0.1 with two
predefined people; the studio runs with a secrets.toml whose `[auth]` points at it, exactly as a
hosted studio points at Google or Keycloak. Streamlit's own `st.login` does the OIDC dance (Authlib),
so what is tested is the real redirect, callback, cookie and `st.user`. The studio is opened at
"localhost", the host of its redirect_uri, so the sign-in cookie lands on the address being used.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.live import free_port, running_studio
from tests.test_browser import CHROMIUM, go, settle, shoot

pytest.importorskip("oidc_provider_mock", reason="pip install oidc-provider-mock")
pytest.importorskip("authlib", reason="Streamlit's sign-in needs Authlib (pip install Authlib)")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"),
]

PEOPLE = {"alice": "Alice Example", "bob": "Bob Example"}


@contextmanager
def oidc_provider() -> Iterator[str]:
    """oidc-provider-mock on a free port; yields its issuer URL."""
    port = free_port()
    claims = [
        json.dumps({"sub": sub, "name": name, "email": f"{sub}@example.com", "email_verified": True})
        for sub, name in PEOPLE.items()
    ]
    command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for claim in claims:
        command += ["--user-claims", claim]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2)
                break
            except OSError as error:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("oidc-provider-mock did not start within 30 s") from error
                time.sleep(0.2)
        yield issuer
    finally:
        server.terminate()
        server.wait(timeout=10)


def sign_in(browser, url: str, sub: str):
    """A fresh browser (its own cookies) signed in as `sub` through the provider's own form."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    settle(page)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Authorize Client").wait_for(timeout=30_000)  # the provider's page
    page.get_by_role("button", name=sub, exact=True).click()
    page.wait_for_url(re.compile(r"^http://localhost:\d+/"), timeout=30_000)
    settle(page)
    page.get_by_text(f"Signed in as {PEOPLE[sub]}").wait_for(timeout=30_000)
    return context, page


def start_story(page, sample_button: str) -> str:
    go(page, "Photo")
    page.get_by_text("Use a sample", exact=True).click()
    page.get_by_role("button", name=sample_button).click()
    settle(page)
    page.get_by_role("heading", name="Caption", exact=True).wait_for()
    found = re.search(r"story=([0-9a-f]{32})", page.url)
    assert found, page.url
    return found.group(1)


@contextmanager
def signed_in_studio(tmp_path: Path):
    """A studio server whose sign-in goes through a real OIDC provider on 127.0.0.1, opened at
    localhost (the host of its redirect_uri, where Streamlit's auth cookie lives)."""
    port = free_port()
    with oidc_provider() as issuer:
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            'cookie_secret = "a-long-random-cookie-secret-for-this-test-only"\n'
            'client_id = "visutale-studio"\n'
            'client_secret = "visutale-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        )
        with running_studio(
            tmp_path / "data", port=port, host="localhost", args=("--secrets.files", str(secrets))
        ) as studio:
            yield studio, issuer


def library_open_buttons(page, url: str, space: str | None = None):
    page.goto(f"{url}/library" + (f"?space={space}" if space else ""))
    settle(page)
    page.get_by_role("heading", name="Library", exact=True).wait_for()
    return page.get_by_role("button", name="Open", exact=True)


def test_two_people_signed_in_through_oidc_see_only_their_own_stories(browser, tmp_path: Path) -> None:
    from core.storage.store import Store

    with signed_in_studio(tmp_path) as (studio, issuer):
        alice_context, alice = sign_in(browser, studio.url, "alice")
        shoot(alice, "signin-1-alice")
        alices = start_story(alice, "Start with the cat")
        bob_context, bob = sign_in(browser, studio.url, "bob")
        library_open_buttons(bob, studio.url)
        bob.get_by_text("No stories yet.").wait_for()  # Alice's story is not Bob's
        bobs = start_story(bob, "Start with the coffee")

        expect(library_open_buttons(alice, studio.url)).to_have_count(1)
        expect(library_open_buttons(bob, studio.url)).to_have_count(1)
        shoot(bob, "signin-2-bob-library")

        bob.goto(f"{studio.url}/draft?story={alices}")  # Bob tries Alice's story by its link
        settle(bob)
        bob.get_by_text("There is no story at this link").wait_for()
        shoot(bob, "signin-3-bob-opens-alices-link")

        library_open_buttons(alice, studio.url)  # Alice shares hers with Bob, read-only
        alice.get_by_role("button", name="Share").first.click()
        alice.get_by_label("E-mail address or person id").fill("bob@example.com")  # Bob has signed in once
        alice.get_by_label("E-mail address or person id").press("Enter")
        alice.get_by_role("button", name="Share with this person").click()
        settle(alice)
        expect(library_open_buttons(bob, studio.url)).to_have_count(2)
        bob.get_by_text("shared with you, read-only").wait_for()
        assert bob.get_by_role("button", name="Share").count() == 1  # only on his own story
        shoot(bob, "signin-4-bob-sees-the-shared-story")

        alice.goto(f"{studio.url}/teams")  # Alice opens a team and adds Bob by his address
        settle(alice)
        alice.get_by_label("Team name").fill("Spring campaign")
        alice.get_by_role("button", name="Open the team").click()
        settle(alice)
        alice.get_by_label("Add someone: their e-mail address (they must have signed in once) or person id").fill(
            "bob@example.com"
        )
        alice.get_by_role("button", name="Add to the team").click()
        settle(alice)
        alice.get_by_text("bob@example.com").wait_for()
        shoot(alice, "signin-5-alice-team")
        bob.goto(f"{studio.url}/teams")
        settle(bob)
        bob.get_by_text("Spring campaign · 2 people · you are an editor").wait_for()
        bob.get_by_text("New stories go to").wait_for()  # his sidebar offers the team
        shoot(bob, "signin-6-bob-in-the-team")

        access = Store(studio.data_dir)
        assert access.access(alices).owner == f"oidc:{issuer}:alice"
        assert access.access(bobs).owner == f"oidc:{issuer}:bob"

        alice.get_by_role("button", name="Sign out").click()  # then the provider's own end-session page
        alice.get_by_role("heading", name="End Session").wait_for(timeout=30_000)
        alice.goto(studio.url)
        settle(alice)
        alice.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
        assert alice.get_by_text("Signed in as").count() == 0
        alice_context.close()
        bob_context.close()
