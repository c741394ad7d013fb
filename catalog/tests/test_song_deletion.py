"""Deleting Songs removes their fingerprints from the other database."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from django.db import connections, transaction

from catalog.models import Artist, Song
from fingerprints.models import FingerprintedSong
from fingerprints.store import FingerprintStore
from testsupport.commands import run_command
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


def _rows_per_song(store: FingerprintStore) -> dict[int, int]:
    every_hash = store.lookup(_all_hashes(store))
    ids, counts = np.unique(every_hash.song_ids, return_counts=True)
    return dict(zip(ids.tolist(), counts.tolist()))


def _all_hashes(store: FingerprintStore) -> np.ndarray:
    with connections[store.alias].cursor() as cursor:
        cursor.execute("SELECT DISTINCT hash FROM song_hash")
        return np.array([row[0] for row in cursor.fetchall()], dtype="int64")


def _delete_one(songs: list[Song]) -> None:
    songs[0].delete()


def _delete_in_bulk(songs: list[Song]) -> None:
    Song.objects.filter(pk__in=[s.pk for s in songs[:2]]).delete()


def _delete_their_artist(songs: list[Song]) -> None:
    Artist.objects.filter(pk=songs[0].artist_id).delete()


@pytest.mark.parametrize("delete", [_delete_one, _delete_in_bulk, _delete_their_artist])
def test_deleted_songs_lose_their_fingerprints_and_only_theirs(
    delete: Callable[[list[Song]], None], song_library: SongLibrary, store: FingerprintStore
) -> None:
    run_command("index_songs", str(song_library.folder))
    songs = list(Song.objects.order_by("pk"))
    assert set(_rows_per_song(store)) == {s.pk for s in songs}

    delete(songs)

    remaining = set(Song.objects.values_list("pk", flat=True))
    assert len(remaining) < len(songs)
    rows = _rows_per_song(store)
    assert (
        set(rows) == remaining == set(FingerprintedSong.objects.values_list("song_id", flat=True))
    )
    assert all(rows[s.pk] == s.fingerprint_count for s in songs if s.pk in remaining)


def test_a_deletion_that_rolls_back_keeps_the_fingerprints(
    song_library: SongLibrary, store: FingerprintStore
) -> None:
    run_command("index_songs", str(song_library.songs[0].path))
    song = Song.objects.get()

    with pytest.raises(RuntimeError), transaction.atomic():
        Song.objects.filter(pk=song.pk).delete()
        raise RuntimeError("the admin's request failed after the delete")

    assert Song.objects.filter(pk=song.pk).exists()
    assert FingerprintedSong.objects.get().song_id == song.pk
    assert store.count() == song.fingerprint_count
