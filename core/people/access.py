"""The store as one person sees it: `as_person(store, person)`.

Every `Store` operation already names the level it needs and asks `level()` first (see
`core.storage.store`); here `level()` answers from the story's access record and its space (the rules are
`core.people.spaces.level`), so every page and every studio step that is handed this store can reach only
what its person may. A story they may not see answers StoryNotFound, word for word as a wrong id
does; one they may read but not change answers a plain InputError on the first write.

New stories (started or duplicated) belong to the person and live in the space the store was
opened for: their own unless another one (a class, a team) is named, where they must be owner or
editor.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import InputError
from core.people.classes import Classrooms
from core.people.limits import Limits
from core.people.spaces import Level, Person, Spaces, StoryAccess, level, may_share_own_story, may_start_stories
from core.storage.datadir import DataDir
from core.storage.store import Store


def as_person(store: Store, person: Person, space_id: str | None = None, limits: Limits | None = None) -> PersonStore:
    """The store's data folder as `person` may see it, starting new stories in `space_id` (their own
    space by default), within the operator's `limits` per space (`core.people.limits`)."""
    return PersonStore(store.data, person, space_id, limits)


class PersonStore(Store):
    def __init__(
        self, root: Path | str | DataDir, person: Person, space_id: str | None = None, limits: Limits | None = None
    ) -> None:
        super().__init__(root, limits)
        self.person = person
        self.spaces = Spaces(self.data)
        self.space = self.spaces.own(person) if space_id is None else self.spaces.get(space_id)

    def _settings_for_new(self, space_id: str) -> dict:
        """Story settings a new story in this space starts with (a class's reading level)."""
        level = Classrooms(self.data).reading_level_of(space_id)
        return {"reading_level": level} if level else {}

    def level(self, story_id: str) -> Level:
        access = self._read_access(story_id)
        if access is None:  # unreadable: nobody but the operator
            return Level.NONE
        try:
            space = self.spaces.get(access.space)
        except InputError:  # a space that is gone: only the story's owner keeps it
            return Level.OWN if access.owner == self.person.id else Level.NONE
        return level(access, space, self.person.id)

    def share(self, story_id: str, with_person: str | None, mode: str):
        """As `Store.share`, except that in a class only the teacher shares: a pupil's story reaches
        other pupils (or anyone) when the teacher decides, never by the pupil's own hand."""
        if self.level(story_id) == Level.OWN:
            access = self._read_access(story_id)
            try:
                space = self.spaces.get(access.space)
            except InputError:
                space = None
            if space is not None and not may_share_own_story(space, self.person.id):
                raise InputError("In a class, your teacher decides which stories are shared.")
        return super().share(story_id, with_person, mode)

    def check_printing(self, story_id: str) -> None:
        access = self._read_access(story_id)
        if access is not None:
            Classrooms(self.data).check_printing(access.space, story_id, self.person.id)

    def _access_for_new(self, source: StoryAccess | None) -> StoryAccess:
        if not may_start_stories(self.space, self.person.id):
            raise InputError(f"You can read what is shared in '{self.space.name}', but not start stories there.")
        return StoryAccess(owner=self.person.id, space=self.space.id)
