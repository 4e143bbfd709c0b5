"""Sharing and teams from the command line: the same calls as the Library's Share box and the
Teams page (`Store.share` / `Store.revoke`, `core.people.spaces.Spaces`, `core.people.addresses.People`).

    python -m core share ID --with bob@example.com [--mode edit]
    python -m core share ID --space                  # everyone in the story's space
    python -m core unshare ID --with bob@example.com
    python -m core team create "Spring campaign"
    python -m core team add TEAM_ID --member bob@example.com [--role viewer]
    python -m core team remove TEAM_ID --member bob@example.com
    python -m core team list

All of them work as the person `--as` names (default: the personal studio's one person).
"""

from __future__ import annotations

import argparse

from core.cli.common import find_story
from core.errors import InputError
from core.people.addresses import People
from core.people.spaces import Spaces
from core.settings import Settings
from core.storage.store import Store


def share(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    access = store.share(story.id, None if args.whole_space else args.with_person, args.mode)
    _print_shares(access)


def unshare(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    _print_shares(store.revoke(story.id, None if args.whole_space else args.with_person))


def _print_shares(access) -> None:
    if not access.shares:
        print("shared with nobody")
    for each in access.shares:
        who = "everyone in its space" if each.kind == "space" else each.label or each.target
        print(f"shared with {who}: {'can edit' if each.mode == 'edit' else 'read only'}")


def team(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    spaces, person = Spaces(store.data), store.person
    if args.action == "list":
        for each in spaces.teams_of(person.id):
            print(f"{each.id}  {each.name}  ({each.role(person.id)}, {len(each.members) + 1} people)")
        return
    if not args.name_or_id:
        raise InputError(f"team {args.action} needs {'a name' if args.action == 'create' else 'a team id'}.")
    if args.action == "create":
        made = spaces.create("team", person, args.name_or_id)
        print(f"{made.id}  {made.name}")
        return
    if not args.member:
        raise InputError(f"team {args.action} needs --member (an e-mail address or person id).")
    member = People(store.data).resolve(args.member)
    label = args.member if "@" in args.member and not args.member.startswith("oidc:") else None
    role = args.role if args.action == "add" else None
    changed = spaces.set_role(args.name_or_id, person, member, role, label=label)
    print(f"{changed.name}: {len(changed.members) + 1} people")


COMMANDS = {"share": share, "unshare": unshare, "team": team}
