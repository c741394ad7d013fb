"""Template filters for Kazoom's pages."""

from urllib.parse import urlencode

from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import reverse

from catalog.models import Song
from catalog.timecodes import hms as _hms
from catalog.timecodes import place_in_song
from recognition.playback import may_play as _may_play

register = template.Library()


@register.filter
def mmss(seconds: float | None) -> str:
    """A duration or a place in a song as m:ss (never below 0:00); empty for an unknown
    duration."""
    return "" if seconds is None else place_in_song(seconds)


@register.filter
def hms(seconds: float) -> str:
    """A place in a recording as hh:mm:ss."""
    return _hms(seconds)


@register.simple_tag
def cover_url(song: Song) -> str:
    """The URL of ``song``'s current cover, which browsers may keep for good."""
    return reverse("song-cover", args=[song.pk]) + "?" + urlencode({"v": song.cover_version()})


@register.filter
def media_time(seconds: float) -> str:
    """A place in a song as a media fragment's time (``#t=74.1``), never before the start."""
    return f"{max(seconds, 0.0):.1f}"


@register.filter
def may_play(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether ``user`` may play the songs themselves (``KAZOOM_PLAYBACK``)."""
    return _may_play(user)
