"""What a song's own page shows beside the catalog's facts: how often Kazoom named it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max

from catalog.models import Song

from .models import RecognitionAttempt


@dataclass(frozen=True)
class SongPage:
    song: Song
    #: Attempts that named this song, whatever their front end.
    times_recognised: int
    last_recognised: datetime | None


def song_page(song_id: int) -> SongPage | None:
    """The page of song ``song_id``; None when there is no such song."""
    song = Song.objects.select_related("artist", "album__artist").filter(pk=song_id).first()
    if song is None:
        return None
    matches = RecognitionAttempt.objects.filter(song=song, outcome=RecognitionAttempt.Outcome.MATCH)
    counted = matches.aggregate(times=Count("pk"), last=Max("created_at"))
    return SongPage(song, counted["times"], counted["last"])
