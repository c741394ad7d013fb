"""Errors about audio a person handed us, each with a message fit to show them."""


class AudioError(Exception):
    """Audio that cannot be used; ``str(error)`` says why in plain words."""

    code = "bad_audio"


class MissingFile(AudioError):
    code = "missing_file"


class EmptyFile(AudioError):
    code = "empty_file"


class NotAudio(AudioError):
    code = "not_audio"


class UnsupportedAudio(AudioError):
    """Audio in a container Kazoom reads, in an encoding or at a rate it cannot use."""

    code = "unsupported_audio"


class TruncatedAudio(AudioError):
    code = "truncated"


class TooLong(AudioError):
    code = "too_long"


class TooShort(AudioError):
    code = "too_short"


class NoUsableSound(AudioError):
    code = "no_usable_sound"
