"""One window of a long recording identified as a clip is, and read for the timeline: which
song it names, where in the song, at which speed, and where in the window each song it
heard was heard."""

from __future__ import annotations

import numpy as np

from fingerprints.config import EngineConfig
from fingerprints.store import FingerprintStore
from fingerprints.windows import RecordingWindow

from . import matching
from .identification import Identification, identify, vote_at_speed
from .matching import Candidate
from .timeline import Window, WindowMatch

#: A song's first and last few aligned votes in a window are passed over when reading where
#: it was heard: a chance hit at the song's offset just outside it is rare, two are rarer.
_STRAY_VOTES = 2


def match_window(
    window: RecordingWindow,
    store: FingerprintStore,
    config: EngineConfig,
    *,
    previous_speed: float = 1.0,
) -> Window:
    """``window`` identified (with the speed search, as any clip), its winner the match and
    the other candidates with ``config.min_aligned_matches`` votes heard too.

    When the window before was named at a ``previous_speed`` other than this window's, the
    window is also voted on at that speed, for what it heard of that song: where a song
    played fast gives way to one played as it is, the window that holds both names the
    second as played and never searches for the first's speed.
    """
    identified = identify(window.query, store, config)
    winner = identified.verdict.winner
    match = None
    if winner is not None:
        confidence = identified.verdict.confidence
        match = _window_match(identified, winner, window.start_seconds, confidence, config)
    votes = [identified]
    if previous_speed != identified.speed:
        votes.append(vote_at_speed(window.query, previous_speed, store, config))
    also_heard = tuple(
        _window_match(vote, candidate, window.start_seconds, 0.0, config)
        for vote in votes
        for candidate in vote.verdict.candidates
        if candidate is not winner and candidate.aligned_matches >= config.min_aligned_matches
    )
    return Window(window.start_seconds, match, also_heard)


def _window_match(
    identified: Identification,
    candidate: Candidate,
    start_seconds: float,
    confidence: float,
    config: EngineConfig,
) -> WindowMatch:
    """``candidate`` as a window match: its query frames are of the query as decided on, that
    is ``identified.speed`` times the recording's."""
    hits = identified.hits
    aligned = matching.aligned_mask(hits, candidate, config.alignment_tolerance_frames)
    frames = np.sort(hits.query_frames[aligned])
    vote_seconds = start_seconds + config.frames_to_seconds(frames.astype(float)) / identified.speed
    stray = min(_STRAY_VOTES, (len(frames) - 1) // 2)
    heard_from, heard_to = (
        start_seconds + config.frames_to_seconds(float(frames[i])) / identified.speed
        for i in (stray, len(frames) - 1 - stray)
    )
    return WindowMatch(
        song_id=candidate.song_id,
        offset_seconds=config.frames_to_seconds(candidate.offset_frames),
        confidence=confidence,
        speed=identified.speed,
        heard_from_seconds=heard_from,
        heard_to_seconds=heard_to,
        vote_seconds=vote_seconds.astype(np.float32),
    )
