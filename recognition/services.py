"""The entry points for every front end: ``recognize`` names the song in a clip,
``recognize_timeline`` the songs of a long recording, from when to when."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import reset_queries

from catalog.models import Song
from fingerprints.audio import AudioInput
from fingerprints.config import EngineConfig
from fingerprints.pipeline import analyse_query
from fingerprints.store import FingerprintStore
from fingerprints.windows import open_recording

from .evidence import MatchEvidence, gather_evidence
from .identification import identify
from .timeline import Segment, Window, build_segments
from .window_matching import matched_windows


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
    songs = Song.objects.select_related("artist", "album__artist").in_bulk(
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


@dataclass(frozen=True)
class SongSegment:
    """A segment of a recording and the catalog song that played in it."""

    segment: Segment
    song: Song


@dataclass(frozen=True)
class Timeline:
    """The songs of a recording, in order; the time between them is where nothing known
    played."""

    segments: list[SongSegment]
    duration_seconds: float
    elapsed_ms: float


#: Called after each window of a recording: the seconds worked through, the seconds it
#: declares (None when its header does not say), and every window matched so far, in order.
Progress = Callable[[float, float | None, Sequence[Window]], None]


def recognize_timeline(
    source: AudioInput,
    *,
    store: FingerprintStore,
    config: EngineConfig,
    on_progress: Progress | None = None,
    resumed: Sequence[Window] = (),
) -> Timeline:
    """The timeline of ``source`` (a path or an open binary file): its windows recognised as
    it is decoded, searched for the speeds of ``config.timeline_speed_search``, then merged
    into segments. ``resumed`` are its first windows as an earlier run matched them (from
    ``on_progress``): the work goes on after them, to the timeline a whole run gives.

    Raises ``fingerprints.errors.AudioError`` when the recording cannot be used.
    """
    started = time.perf_counter()
    recording = open_recording(source, config)
    config = dataclasses.replace(config, speed_search=config.timeline_speed_search)
    windows = list(resumed)
    before = windows[-1] if windows else None
    for window in matched_windows(recording.windows(skip=len(windows)), store, config, before):
        windows.append(window)
        # With DEBUG on, Django logs the SQL of every query until the request ends, and a
        # window's lookups spell out thousands of hashes: a recording of hours would hold
        # hundreds of MB of them. Each window is a request's worth of work.
        reset_queries()
        if on_progress is not None:
            done = window.start_seconds + config.timeline_window_seconds
            declared = recording.declared_seconds
            on_progress(min(done, declared) if declared else done, declared, windows)
    segments = build_segments(windows, config)
    songs = Song.objects.select_related("artist", "album").in_bulk([s.song_id for s in segments])
    return Timeline(
        segments=[SongSegment(s, songs[s.song_id]) for s in segments if s.song_id in songs],
        duration_seconds=recording.duration_seconds,
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )
