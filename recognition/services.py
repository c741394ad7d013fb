"""``recognize``: the one entry point that names the song in a clip, for every front end."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from catalog.models import Song
from fingerprints.audio import AudioInput
from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes, hashes_at_speeds
from fingerprints.pipeline import Query, analyse_query, corrected_for_speed
from fingerprints.store import FingerprintStore

from .evidence import MatchEvidence, gather_evidence
from .matching import Hits, Verdict, decide, join_hits, strongest_by_group


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
    query, hits, verdict = _identify(analyse_query(source, config), store, config)
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
        evidence = gather_evidence(query, hits, winner, duration, config)
    return Recognition(
        match=match,
        runners_up=[
            (songs[c.song_id], c.aligned_matches)
            for c in verdict.candidates
            if c.song_id in songs and c is not winner
        ],
        query_seconds=query.audio.duration_seconds,
        query_complete=query.audio.complete,
        elapsed_ms=elapsed_ms,
        evidence=evidence,
    )


def _identify(
    query: Query, store: FingerprintStore, config: EngineConfig
) -> tuple[Query, Hits, Verdict]:
    """Match the query as it is; if nothing matches, look for the playback speed it was played
    at and match it corrected for that. Returns the query that was decided on."""
    hits, verdict = _match(query, store, config)
    if verdict.winner is not None or len(query.analysis.hashes) == 0:
        return query, hits, verdict
    for speed in _likely_speeds(query, store, config):
        corrected = corrected_for_speed(query, speed, config)
        corrected_hits, corrected_verdict = _match(corrected, store, config, retry=True)
        if corrected_verdict.winner is not None:
            return corrected, corrected_hits, corrected_verdict
    return query, hits, verdict


def _likely_speeds(query: Query, store: FingerprintStore, config: EngineConfig) -> list[float]:
    """The ``speed_candidates`` speeds of ``config.speed_search`` under which the query's
    peak pairs, moved to where they would sit at the original speed, line up best with a song.

    Moving pairs is cheap and one lookup serves every speed; only the likely speeds are then
    re-analysed from resampled audio, which is what recovers nearly every hash. The pairs
    are sparse (``config.speed_search_density``): ranking speeds needs far fewer hashes than
    naming a song.
    """
    moved = hashes_at_speeds(
        query.analysis.peaks, config.speed_search, config, config.speed_search_density
    )
    every = Hashes(
        np.concatenate([hashes.values for hashes in moved]),
        np.concatenate([hashes.frames for hashes in moved]),
    )
    hits = join_hits(every, store.lookup(every.values))
    speed_of_row = np.repeat(np.arange(len(moved)), [len(hashes) for hashes in moved])
    strength = strongest_by_group(
        hits, speed_of_row[hits.query_rows], len(moved), config.alignment_tolerance_frames
    )
    ranked = np.argsort(-strength, kind="stable")[: config.speed_candidates]
    return [config.speed_search[i] for i in ranked]


def _match(
    query: Query, store: FingerprintStore, config: EngineConfig, *, retry: bool = False
) -> tuple[Hits, Verdict]:
    hashes = query.analysis.hashes
    hits = join_hits(hashes, store.lookup(hashes.values))
    return hits, decide(hits, config, retry=retry)
