"""Template filters for Kazoom's pages."""

from django import template

from catalog.timecodes import clock

register = template.Library()


@register.filter
def mmss(seconds: float | None) -> str:
    """A duration or a place in a song as m:ss; empty for an unknown duration.

    Never below 0:00: a clip that starts just before its song is shown at the song's start.
    """
    return "" if seconds is None else clock(max(seconds, 0.0))
