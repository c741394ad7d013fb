"""Template filters for Kazoom's pages."""

from django import template

from catalog.timecodes import place_in_song

register = template.Library()


@register.filter
def mmss(seconds: float | None) -> str:
    """A duration or a place in a song as m:ss (never below 0:00); empty for an unknown
    duration."""
    return "" if seconds is None else place_in_song(seconds)
