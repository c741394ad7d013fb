"""``recognize``: the one entry point that names the song in a clip, for every front end."""

from __future__ import annotations

import time
from dataclasses import dataclass

from catalog.models import Song
from fingerprints.audio import Source
from fingerprints.config import EngineConfig
from fingerprints.pipeline import fingerprint_for_query
from fingerprints.store import FingerprintStore

from .matching import Candidate, decide, join_hits


@dataclass(frozen=True)
class SongMatch:
    song: Song
    confidence: float
    offset_seconds: float
    aligned_matches: int


@dataclass(frozen=True)
class Recognition:
    match: SongMatch | None
    #: Other songs that collected aligned votes, strongest first, with their vote counts.
    runners_up: list[tuple[Song, int]]
    #: Seconds of the clip that were analysed, and whether that was all of it.
    query_seconds: float
    query_complete: bool
    #: Decode + fingerprint + lookup + match time.
    elapsed_ms: float


def recognize(source: Source, *, store: FingerprintStore, config: EngineConfig) -> Recognition:
    """Name the song playing in ``source`` (a path or an open binary file).

    Raises ``fingerprints.errors.AudioError`` when the clip cannot be used.
    """
    started = time.perf_counter()
    fingerprint = fingerprint_for_query(source, config)
    hits = join_hits(fingerprint.hashes, store.lookup(fingerprint.hashes.values))
    verdict = decide(hits, config)
    songs = Song.objects.select_related("artist", "album").in_bulk(
        [c.song_id for c in verdict.candidates]
    )
    match = _song_match(verdict.winner, verdict.confidence, songs, config)
    runners_up = [
        (songs[c.song_id], c.aligned_matches)
        for c in verdict.candidates
        if c.song_id in songs and c is not verdict.winner
    ]
    return Recognition(
        match=match,
        runners_up=runners_up,
        query_seconds=fingerprint.duration_seconds,
        query_complete=fingerprint.complete,
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


def _song_match(
    winner: Candidate | None, confidence: float, songs: dict[int, Song], config: EngineConfig
) -> SongMatch | None:
    if winner is None or winner.song_id not in songs:
        return None
    return SongMatch(
        song=songs[winner.song_id],
        confidence=confidence,
        offset_seconds=config.frames_to_seconds(winner.offset_frames),
        aligned_matches=winner.aligned_matches,
    )
