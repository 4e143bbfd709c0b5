"""Teams: a shared space for colleagues (a marketing team, a writers' group).

Whoever opens a team owns it and adds people by the e-mail address they sign in with (or their
person id), as editors (they start stories there) or viewers (they read what is shared with the
team). Everyone keeps owning what they start; the team's owner sees every story in it, the
others see what its owners share with the team (Library, Share). Everything is decided in
`core.studio.people` (over `core.people.spaces` and `core.people.addresses`); this page only draws it.
"""

import streamlit as st

from core import studio
from pages import _identity, _nav, _ui

ROLES = {"editor": "Editor: starts stories in the team", "viewer": "Viewer: reads what is shared with the team"}

_nav.begin(_nav.TEAMS)
settings = _ui.settings()

if not _identity.shared(settings):
    st.info("Teams need a shared studio, where everyone signs in (see 'Many people, one studio' in the README).")
    st.stop()
if _identity.current_seat() is not None:
    st.info("Pupils work in their class; your teacher decides what is shared.")
    st.stop()

who: studio.Person = _ui.person()
teams = studio.teams_of(settings, who.id)

with st.expander("Open a new team", expanded=not teams):
    with st.form("teams_new", border=False):
        name = st.text_input("Team name", placeholder="Spring campaign", max_chars=80, key="teams_name")
        if st.form_submit_button("Open the team", type="primary"):
            with _ui.shows_errors():
                team = studio.open_team(settings, who, name)
                st.session_state["identity_team"] = team.id  # new stories go there from now on
                st.rerun()

for team in teams:
    mine = team.role(who.id) == "owner"
    role = "you own it" if mine else f"you are {'an editor' if team.role(who.id) == 'editor' else 'a viewer'}"
    with st.expander(f"{team.name} · {len(team.members) + 1} people · {role}", expanded=mine):
        for member, member_role in sorted(team.members.items()):
            line, pick, remove = st.columns([4, 2, 1])
            line.text(team.labels.get(member) or member)
            if not mine:
                pick.caption(member_role)
                continue
            changed = pick.selectbox(
                "Role",
                list(ROLES),
                index=list(ROLES).index(member_role),
                key=f"teams_role_{team.id}_{member}",
                label_visibility="collapsed",
            )
            if changed != member_role:
                with _ui.shows_errors():
                    studio.set_team_role(settings, team.id, who, member, changed)
                    st.rerun()
            if remove.button("Remove", key=f"teams_remove_{team.id}_{member}"):
                with _ui.shows_errors():
                    studio.set_team_role(settings, team.id, who, member, None)
                    st.rerun()
        if not mine:
            continue
        with st.form(f"teams_add_{team.id}", border=False, clear_on_submit=True):
            typed = st.text_input(
                "Add someone: their e-mail address (they must have signed in once) or person id",
                key=f"teams_who_{team.id}",
            )
            new_role = st.radio("As", list(ROLES), format_func=ROLES.get, key=f"teams_as_{team.id}", horizontal=True)
            if st.form_submit_button("Add to the team"):
                with _ui.shows_errors():
                    studio.add_to_team(settings, team.id, who, typed, new_role)
                    st.rerun()
