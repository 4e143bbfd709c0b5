"""What every command needs: the settings with the command line's flags on top, a story found by
the start of its id, a page by its number, and where exported files are published."""

from __future__ import annotations

import argparse
import re

from core import providers, studio
from core.cli.parser import MODEL_FLAGS
from core.errors import InputError
from core.settings import Settings, load_settings
from core.storage import publish
from core.storage.publish import Publisher
from core.storage.store import Store, StoryNotFound
from core.story import STORY_ID, Story, StoryPage

# --- shared -----------------------------------------------------------------------------


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings, with what the command line named on top (a flag left out changes nothing)."""
    overrides = {capability: getattr(args, capability, None) for capability in providers.CAPABILITIES}
    overrides.update({f"model_{name}": getattr(args, f"model_{name}", None) for name in MODEL_FLAGS})
    overrides.update(
        illustrator_steps=getattr(args, "steps", None),
        illustrator_size=getattr(args, "size", None),
        data_dir=args.data_dir,
        narrator_voice=getattr(args, "voice", None),
    )
    return load_settings(overrides=overrides)


def find_story(store: Store, wanted: str) -> Story:
    """The story with this id, or with the only id that starts with it (at least 4 characters)."""
    wanted = wanted.strip().lower()
    if STORY_ID.match(wanted):
        matches = [wanted]
    elif re.fullmatch(r"[0-9a-f]{4,31}", wanted):
        matches = [s.id for s in studio.library(store) if s.id.startswith(wanted)]
    else:
        matches = []
    if len(matches) > 1:
        raise InputError(f"'{wanted}' is the start of {len(matches)} story ids; give more of it.")
    if matches:
        try:
            return store.load(matches[0])
        except StoryNotFound:
            pass
    raise InputError(f"There is no story '{wanted}' in {store.root}; `python -m core list` shows the stories.")


def page_of(story: Story, number: int) -> StoryPage:
    pages = story.draft.pages if story.draft else []
    if not pages:
        raise InputError("There is no draft yet: run `python -m core write ID` first.")
    if not 1 <= number <= len(pages):
        raise InputError(f"This story has {len(pages)} pages; choose --page between 1 and {len(pages)}.")
    return pages[number - 1]


def publisher_for(settings: Settings) -> Publisher:
    """Streamlit's static folder, at the address a phone reaches this studio by (for the QR code), or
    the object store of an s3:// data folder."""
    return publish.publisher_for(settings, publish.public_base_url(settings.public_base_url))
