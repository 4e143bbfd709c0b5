"""The story's settings (pages, audience, style, language...)."""

from __future__ import annotations

from pydantic import ValidationError

from core.errors import InputError
from core.prompts import image_prompt
from core.storage.store import Store
from core.story import Story, StorySettings
from core.studio.commit import commit


def update_settings(store: Store, story: Story, **values: object) -> None:
    """Change the story's settings; a value out of range raises InputError and changes nothing.

    Only the settings named are written, so two people changing different settings both win. A
    new style rewrites the picture prompts that are still the old style's own text (a prompt the
    person edited is theirs and stays)."""
    try:
        StorySettings.model_validate({**story.settings.model_dump(), **values})
    except ValidationError as error:
        first = error.errors()[0]
        raise InputError(f"The setting '{first['loc'][0]}' is not valid: {first['msg']}.") from None

    def change(s: Story) -> None:
        old_style = s.settings.style
        s.settings = StorySettings.model_validate({**s.settings.model_dump(), **values})
        if s.settings.style != old_style and s.draft:
            for page in s.draft.pages:
                if page.prompt == image_prompt(page.scene, old_style)[0]:
                    page.prompt = image_prompt(page.scene, s.settings.style)[0]

    commit(store, story, change, "settings")
