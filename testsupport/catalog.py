"""Catalog rows for the pages that list songs, made without audio (nothing is fingerprinted)."""

from __future__ import annotations

from catalog.models import Album, Artist, Song


def small_catalog(count: int) -> None:
    """``count`` songs "Track 00"… by The Testers on "Greatest Fixtures" (61 s, 62 s …), and
    "Lonely Tune" by Solo Act on no album (200 s)."""
    artist = Artist.objects.create(name="The Testers")
    album = Album.objects.create(title="Greatest Fixtures", artist=artist)
    other = Artist.objects.create(name="Solo Act")
    Song.objects.bulk_create(
        [
            Song(title=f"Track {n:02d}", artist=artist, album=album, duration_seconds=61 + n)
            for n in range(count)
        ]
        + [Song(title="Lonely Tune", artist=other, duration_seconds=200)]
    )
