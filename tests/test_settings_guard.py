"""A visitor of a shared studio cannot send the operator's keys to a server of their choosing."""

from __future__ import annotations

from core.settings import load_settings

ENV = {"OPENAI_API_KEY": "sk-operator", "OPENAI_BASE_URL": "http://models.internal/v1", "DEEPL_AUTH_KEY": "dl-op"}


def test_a_shared_studio_drops_the_operators_key_for_an_address_typed_in_a_session() -> None:
    settings = load_settings(
        env=ENV, overrides={"openai_base_url": "http://evil.example/v1"}, own_endpoints_need_own_keys=True
    )
    assert settings.endpoint("writer") == ("http://evil.example/v1", None)
    assert settings.deepl_auth_key.get_secret_value() == "dl-op"  # another server's key is untouched


def test_a_session_that_brings_its_own_key_uses_it() -> None:
    settings = load_settings(
        env=ENV,
        overrides={"openai_base_url": "http://mine/v1", "openai_api_key": "sk-mine"},
        own_endpoints_need_own_keys=True,
    )
    assert settings.endpoint("vision") == ("http://mine/v1", "sk-mine")


def test_the_configured_address_keeps_its_key_and_a_personal_studio_is_unchanged() -> None:
    same = load_settings(
        env=ENV, overrides={"openai_base_url": "http://models.internal/v1"}, own_endpoints_need_own_keys=True
    )
    assert same.endpoint("writer") == ("http://models.internal/v1", "sk-operator")
    personal = load_settings(env=ENV, overrides={"deepl_server_url": "http://other"})
    assert personal.deepl_auth_key.get_secret_value() == "dl-op"


def test_the_settings_page_of_a_password_studio_sends_no_operator_key_elsewhere(monkeypatch) -> None:
    """The visitor points the studio at their own server and presses "Test": it gets no key."""
    from tests.fake_servers import FakeOpenAI
    from tests.test_app_flow import _app, _click, _page

    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("VISUTALE_ACCESS_PASSWORD", "pw")
    with FakeOpenAI() as visitor_server:
        at = _app()
        at.session_state["access_granted"] = True
        at.session_state["settings_overrides"] = {"openai_base_url": visitor_server.base_url}
        at.run()
        _page(at, "pages/settings.py")
        _click(at, "Test the OpenAI-compatible server")
        sent = [r.headers.get("Authorization", "") for r in visitor_server.requests]
    assert sent and not any("sk-operator" in header for header in sent)
    assert not at.exception
