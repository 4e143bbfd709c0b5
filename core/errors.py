"""Errors a person can read.

Every failure that reaches a page or the command line is a `StudioError` whose message is one
plain sentence saying what happened and what to do. Pages show `str(error)` with `st.error`; the
command line prints it and exits with status 2. Anything else is a bug.
"""


class StudioError(Exception):
    """A problem the person can understand and act on. The message is shown as it is."""


class InputError(StudioError):
    """Something the person gave us (a photo, an option, a name) is not usable."""


class LimitReached(InputError):
    """A space (or a person, or a pupil) has used what its limit allows (`core.people.limits`); the
    message names the limit and when it resets. Here, so the meter every remote request passes
    (`core.providers.metering`) can refuse one without knowing about people."""


class UnsupportedInstruction(StudioError):
    """The chosen engine cannot follow this instruction (for example free text, offline)."""


class ProviderError(StudioError):
    """A model or service failed: unreachable, refused the key, out of quota, out of memory."""


class ModelUnavailable(ProviderError):
    """A local model's weights are missing or could not be loaded."""


class NotConfigured(StudioError):
    """A capability has no engine configured (for example translation on the offline engine)."""
