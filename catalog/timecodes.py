"""Times as people read them."""

from __future__ import annotations


def clock(seconds: float) -> str:
    """``seconds`` as m:ss to the nearest second: ``74.6`` → ``"1:15"``, ``-3.2`` → ``"-0:03"``."""
    total = round(seconds)
    minutes, rest = divmod(abs(total), 60)
    return f"{'-' if total < 0 else ''}{minutes}:{rest:02d}"


def hms(seconds: float) -> str:
    """``seconds`` as hh:mm:ss to the nearest second: ``4321.4`` → ``"01:12:01"``."""
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}:{rest:02d}"


def place_in_song(seconds: float) -> str:
    """Where in a song a clip starts, as m:ss, never before 0:00: a clip that starts just
    before its song (a negative offset) is heard from the song's start."""
    return clock(max(seconds, 0.0))
