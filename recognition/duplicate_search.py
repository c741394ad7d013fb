"""The catalog searched for its own duplicates, and each song indexed checked against the rest:
``recognition.duplicates`` on the catalog's songs, with their titles, and the last search's
pairs recorded for the admin (``catalog.models.Duplicate``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, reset_queries, transaction
from django.utils import timezone

from catalog.models import Duplicate, DuplicateSearch, Song, range_text
from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes
from fingerprints.store import FingerprintStore

from .duplicates import Progress, SharedAudio, both_ways, find_duplicates, shared_audio
from .overlaps import SharedRange


@dataclass(frozen=True)
class SongPair:
    """A pair of catalog songs that share audio."""

    shared: SharedAudio
    song_a: Song
    song_b: Song


@dataclass(frozen=True)
class Search:
    pairs: list[SongPair]
    songs_searched: int
    elapsed_seconds: float
    finished_at: datetime


def search_catalog(
    store: FingerprintStore, config: EngineConfig, *, on_progress: Progress | None = None
) -> Search:
    """Every pair of indexed catalog songs that share audio, recorded in place of the last
    search's (in one transaction, once the search is over: the admin shows the last search
    whole until then)."""
    started = time.perf_counter()
    held = store.fingerprinted()
    ids = [
        pk
        for pk in Song.objects.exclude(indexed_at=None).values_list("pk", flat=True)
        if pk in held
    ]
    found = find_duplicates(ids, store, config, on_progress=on_progress, after_each=reset_queries)
    songs = Song.objects.select_related("artist").in_bulk(
        {s.song_a for s in found} | {s.song_b for s in found}
    )
    pairs = [
        SongPair(s, songs[s.song_a], songs[s.song_b])
        for s in found
        if s.song_a in songs and s.song_b in songs
    ]
    elapsed = time.perf_counter() - started
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        DuplicateSearch.objects.all().delete()
        search = DuplicateSearch.objects.create(
            finished_at=timezone.now(), songs_searched=len(ids), elapsed_seconds=elapsed
        )
        Duplicate.objects.bulk_create(
            Duplicate(
                search=search,
                song_a=pair.song_a,
                song_b=pair.song_b,
                speed=pair.shared.speed,
                strength=pair.shared.strength,
                shared_seconds=pair.shared.shared_seconds,
                ranges=[range_json(r) for r in pair.shared.ranges],
            )
            for pair in pairs
        )
    return Search(pairs, len(ids), elapsed, search.finished_at)


def range_json(shared: SharedRange) -> dict[str, float]:
    return {
        "a_from_seconds": round(shared.a_from_seconds, 2),
        "a_to_seconds": round(shared.a_to_seconds, 2),
        "b_from_seconds": round(shared.b_from_seconds, 2),
        "b_to_seconds": round(shared.b_to_seconds, 2),
    }


def shared_audio_notes(
    song_id: int, hashes: Hashes, store: FingerprintStore, config: EngineConfig
) -> list[str]:
    """``catalog.indexing.SharedAudioNotes``: a line for each other song of the catalog that
    holds audio of song ``song_id``, from
    its ``hashes`` (which the store may not have made live yet), at any speed searched:
    ``its audio is already in the catalog as song 12 (Title — Artist): 0:00–3:05 of this
    file is 0:00–3:05 of song 12``."""
    found = shared_audio(song_id, store, config, speeds=both_ways(config), hashes=hashes)
    songs = Song.objects.select_related("artist").in_bulk([s.song_b for s in found])
    notes = []
    for shared in found:
        other = songs.get(shared.song_b)
        if other is None:
            continue
        there = f"song {other.pk}"
        ranges = "; ".join(range_text(range_json(r), "this file", there) for r in shared.ranges)
        speed = (
            f", played {shared.speed:.2f}× as fast in song {other.pk}"
            if shared.speed != 1.0
            else ""
        )
        notes.append(
            f"its audio is already in the catalog as song {other.pk} ({other}): {ranges}{speed}"
        )
    return notes
