"""Who is asking, for this browser session: the glue between Streamlit's sign-in and `core.studio.people`.

The studio runs in one of three ways, decided from the configuration alone:

- *personal* (nothing configured): one person on their own machine, one space, as a laptop app.
- *sign-in* (an `[auth]` section in `.streamlit/secrets.toml`): Streamlit's own OpenID Connect
  (`st.login` / `st.user` / `st.logout`); the person is `oidc:<issuer>:<subject>` from the ID token.
- *link* (only `access_password` set): past the password, each browser gets a private space link,
  `?space=<128-bit hex>`, kept in the address like `?story=`; the link is its key, so bookmarking it
  is how a person comes back to their stories.

In any shared studio a pupil of a class (`core.people.classes`) has no account: their address holds
their pupil link, `?space=<key>`, which `resolve_seat()` turns into their seat in the class before
the password gate or the sign-in page is asked for; they join with the class code on either.

Home.py asks `resolve_seat()` and `person()` on every run before any page draws; pages only ever
receive the store that `core` scopes to that person (and, for a pupil, their class), so they never
decide access themselves.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

from core import studio
from core.errors import InputError
from core.settings import Settings
from core.studio import LINK_KEY, Person, Seat, new_link_key

Mode = Literal["personal", "signin", "link"]


def _auth_section() -> dict:
    try:
        section = st.secrets.get("auth")
    except FileNotFoundError:
        return {}
    return dict(section) if section else {}


def mode(settings: Settings) -> Mode:
    if _auth_section():
        return "signin"
    if settings.access_password and settings.access_password.get_secret_value():
        return "link"
    return "personal"


def shared(settings: Settings) -> bool:
    return mode(settings) != "personal"


def resolve_seat(settings: Settings) -> Seat | None:
    """Once per run, before anything else: the pupil whose link is in the address, if any.

    A link that was reset or whose class is closed says so and is dropped from this session."""
    seat = None
    key = st.query_params.get("space") or st.session_state.get("space_key")
    if shared(settings) and key:
        try:
            seat = studio.seat_of(settings, key)
        except InputError as error:
            st.error(str(error))
            st.session_state.pop("space_key", None)
            st.query_params.pop("space", None)
    if seat is not None:
        st.session_state["space_key"] = key
        if st.query_params.get("space") != key:
            st.query_params["space"] = key
    st.session_state["identity_seat"] = seat
    return seat


def current_seat() -> Seat | None:
    """This run's pupil seat (Home.py resolved it), or None for everyone else."""
    return st.session_state.get("identity_seat")


def space_id() -> str | None:
    """Where this session starts stories: a pupil's class, else the team chosen in the sidebar,
    else the person's own space (None)."""
    seat = current_seat()
    return seat.class_id if seat else st.session_state.get("identity_team")


def person(settings: Settings) -> Person | None:
    """The person this session works as; None while a sign-in studio waits for its sign-in."""
    seat = current_seat()
    if seat is not None:
        return seat.person
    current = mode(settings)
    if current == "personal":
        return Person.personal()
    if current == "link":
        return Person.from_link(link_key())
    claims = st.user.to_dict()
    if not claims.get("is_logged_in"):
        return None
    try:
        who = Person.from_claims(claims)
    except InputError as error:
        st.error(str(error))
        return None
    if st.session_state.get("identity_remembered") != who.id:  # once per session: others find them by e-mail
        if not studio.remember_person(settings, who, claims):
            st.warning(
                "Your e-mail address is already linked to another sign-in on this studio, so people who "
                "share with that address reach that account, not this one. Ask the studio's operator if "
                "that is wrong."
            )
        st.session_state["identity_remembered"] = who.id
    return who


def waiting_for_signin(settings: Settings) -> bool:
    return mode(settings) == "signin" and current_seat() is None and not st.user.to_dict().get("is_logged_in")


def link_key() -> str:
    """This browser's private space key: from `?space=` when the address has a valid one, else the
    one this session already has, else a new one; the address always shows it."""
    wanted = st.query_params.get("space")
    if wanted and LINK_KEY.match(wanted):
        st.session_state["space_key"] = wanted
    elif wanted:
        st.error("That private space link is not valid: check that it was copied whole.")
    key = st.session_state.setdefault("space_key", new_link_key())
    if st.query_params.get("space") != key:
        st.query_params["space"] = key
    return key


def kept_params() -> dict[str, str]:
    """The query parameters every page switch must keep (the private space link)."""
    key = st.session_state.get("space_key")
    return {"space": key} if key else {}


def _providers() -> list[str | None]:
    """The providers to offer: the one of a flat `[auth]`, or each `[auth.<name>]`."""
    section = _auth_section()
    if "client_id" in section:
        return [None]
    return [name for name, value in section.items() if isinstance(value, dict)] or [None]


def signin_page(settings: Settings) -> None:
    """Drawn in place of every page until the person signs in."""
    st.title("VisuTale Studio")
    st.write("Sign in to reach your own stories. Nobody else sees them unless you share one.")
    for provider in _providers():
        label = "Sign in" if provider is None else f"Sign in with {provider.replace('_', ' ').title()}"
        st.button(label, type="primary", on_click=st.login, args=(() if provider is None else (provider,)))
    join_form(settings)
    st.stop()


def join_form(settings: Settings) -> None:
    """A pupil joins a class: its code (filled in from a scanned `?join=` link) and a first name."""
    st.header("Joining a class?")
    st.caption("Type the code your teacher shows and your first name. No account, no e-mail.")
    with st.form("identity_join", border=False):
        code = st.text_input("Class code", value=st.query_params.get("join", ""), max_chars=12, key="identity_code")
        name = st.text_input("Your first name", max_chars=30, key="identity_first_name")
        if not st.form_submit_button("Join the class"):
            return
    try:  # wrong codes are counted per client address in the data folder: a reload resets nothing
        seat, key = studio.join_class(settings, code, name, address=client_address())
    except InputError as error:
        st.error(str(error))
        return
    st.session_state["space_key"] = key
    st.session_state["identity_seat"] = seat
    st.query_params.pop("join", None)
    st.query_params["space"] = key
    st.rerun()


def client_address() -> str:
    """The address of the browser's connection, as the server sees it ("unknown" where Streamlit
    cannot tell: on localhost, in tests). Forwarded-for headers are not trusted: anyone can write
    them. Behind a reverse proxy every pupil shares the proxy's address (and its throttle)."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "unknown"


def sidebar(settings: Settings, who: Person) -> None:
    """Who you are, and how to leave or come back."""
    seat = current_seat()
    current = mode(settings)
    if seat is not None:
        st.markdown(f"**{_literal(who.name)}** · pupil in {_literal(seat.class_name)}")
        st.caption(
            "The address of this page is your key: bookmark it to come back to your stories. Keep it to yourself."
        )
        return
    if current == "personal":
        return
    if current == "signin":
        st.markdown(f"Signed in as **{_literal(who.name)}**")
        st.button("Sign out", on_click=st.logout, key="home_sign_out")
    else:
        st.markdown(f"**{_literal(who.name)}** · your private space")
        st.caption("The address of this page is your key: bookmark it to come back to your stories.")
    st.caption("Your person id, for others to share a story with you:")
    st.code(who.id, language=None)
    team_picker(settings, who)


def team_picker(settings: Settings, who: Person) -> None:
    """Where this session's new stories go: the person's own space or one of their teams."""
    teams = studio.editable_teams(settings, who.id)
    chosen = st.session_state.get("identity_team")
    if not teams:
        st.session_state.pop("identity_team", None)
        return
    options = [None] + [team.id for team in teams]
    names = {None: "My own space", **{team.id: f"Team {team.name}" for team in teams}}
    picked = st.selectbox(
        "New stories go to",
        options,
        index=options.index(chosen) if chosen in options else 0,
        format_func=names.get,
        key="identity_team_pick",
        help="A team's owner sees every story started in the team; share one with the whole team from the Library.",
    )
    st.session_state["identity_team"] = picked


def _literal(text: str) -> str:
    from pages._ui import literal  # pages._ui imports this module

    return literal(text)
