"""Words for the offline story grammar: names, heroes, settings, problems and sentence templates,
one module by pool (`cast`, `genres`, `story_lines`, `revision_lines`), all importable from here.

Templates use `str.format` slots (see `core.offline.writer._slots`). Text in [square brackets] is
an elaboration: left out for young children, included at random for older children and always for
adults, so sentence length follows the audience.
"""

from core.offline.writer_data.cast import (  # noqa: F401
    ADJECTIVES,
    ANIMALS,
    COLOURS,
    FRIENDS,
    NAMES,
    NOT_SUBJECTS,
    OBJECTS,
    PEOPLE,
    SETTINGS,
    SMALL_SETTINGS,
)
from core.offline.writer_data.genres import (  # noqa: F401
    GENRE_ALIASES,
    ROLES,
    TONE_ALIASES,
)
from core.offline.writer_data.revision_lines import (  # noqa: F401
    CALM_LINES,
    CLASHES,
    DETAIL_LINES,
    ECHOES,
    EXCITING_LINES,
    FUNNY_LINES,
    MOOD_LINES,
    SIMPLER_LEMMAS,
    SPARE_SIGHTS,
    SPARE_WHERE,
)
from core.offline.writer_data.story_lines import (  # noqa: F401
    ADULT_LINES,
    ATTEMPT_EXTRA,
    ATTEMPT_HOPES,
    ATTEMPT_OPENERS,
    ATTEMPT_OUTCOMES,
    BEGIN,
    ENDING,
    FRIEND_INTRO,
    HABITS,
    LIGHT_WORDS,
    PROBLEM,
    SIMILES,
    TONE_LINES,
    TURN,
)
