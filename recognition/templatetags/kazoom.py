"""Template filters for Kazoom's pages."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from catalog.models import Song
from catalog.timecodes import place_in_song

register = template.Library()


@register.filter
def mmss(seconds: float | None) -> str:
    """A duration or a place in a song as m:ss (never below 0:00); empty for an unknown
    duration."""
    return "" if seconds is None else place_in_song(seconds)


@register.simple_tag
def cover_url(song: Song) -> str:
    """The URL of ``song``'s current cover, which browsers may keep for good."""
    return reverse("song-cover", args=[song.pk]) + "?" + urlencode({"v": song.cover_version()})
