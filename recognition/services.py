"""``recognize``: the one entry point that names the song in a clip, for every front end."""

from __future__ import annotations

import time
from dataclasses import dataclass

from catalog.models import Song
from fingerprints.audio import AudioInput
from fingerprints.config import EngineConfig
from fingerprints.pipeline import analyse_query
from fingerprints.store import FingerprintStore

from .evidence import MatchEvidence, gather_evidence
from .identification import identify


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
    #: Decode + analysis + lookup + identification time.
    elapsed_ms: float
    #: Why the match was made; only when asked for and there is a match.
    evidence: MatchEvidence | None = None


def recognize(
    source: AudioInput, *, store: FingerprintStore, config: EngineConfig, explain: bool = False
) -> Recognition:
    """Name the song playing in ``source`` (a path or an open binary file).

    With ``explain``, a match also carries the evidence for the *why this match* pictures.
    Raises ``fingerprints.errors.AudioError`` when the clip cannot be used.
    """
    started = time.perf_counter()
    identified = identify(analyse_query(source, config), store, config)
    verdict = identified.verdict
    songs = Song.objects.select_related("artist", "album").in_bulk(
        [c.song_id for c in verdict.candidates]
    )
    winner = verdict.winner if verdict.winner and verdict.winner.song_id in songs else None
    match = None
    if winner is not None:
        match = SongMatch(
            song=songs[winner.song_id],
            confidence=verdict.confidence,
            offset_seconds=config.frames_to_seconds(winner.offset_frames),
            aligned_matches=winner.aligned_matches,
        )
    elapsed_ms = (time.perf_counter() - started) * 1000
    evidence = None
    if explain and winner is not None:
        duration = songs[winner.song_id].duration_seconds or 0.0
        evidence = gather_evidence(identified.query, identified.hits, winner, duration, config)
    return Recognition(
        match=match,
        runners_up=[
            (songs[c.song_id], c.aligned_matches)
            for c in verdict.candidates
            if c.song_id in songs and c is not winner
        ],
        query_seconds=identified.query.audio.duration_seconds,
        query_complete=identified.query.audio.complete,
        elapsed_ms=elapsed_ms,
        evidence=evidence,
    )
