"""One window of a long recording identified as a clip is, and read for the timeline: which
song it names, where in the song, at which speed, and where in the window each song it
heard was heard."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

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
    also_heard = _heard(identified, window.start_seconds, config, leaving_out=winner)
    if previous_speed != identified.speed:
        also_heard += _heard_at_speed(window, previous_speed, store, config)
    return Window(window.start_seconds, match, also_heard)


def matched_windows(
    windows: Iterable[RecordingWindow],
    store: FingerprintStore,
    config: EngineConfig,
    earlier: Window | None = None,
) -> Iterator[Window]:
    """Each of ``windows`` matched (``match_window``, at the speed the window before was
    named at; the first after ``earlier``, the window before them, if any), given out once
    the window after it is matched too: when that one names a song at another speed, the
    window is voted on again at that speed, for what it heard of the song, which started in
    it (a song played slow after one played as it is starts in a window named as the first,
    voted on at the first's speed only)."""
    before: tuple[RecordingWindow, Window] | None = None
    for window in windows:
        last = before[1] if before is not None else earlier
        speed = last.match.speed if last is not None and last.match is not None else 1.0
        matched = match_window(window, store, config, previous_speed=speed)
        if before is not None:
            yield _heard_again(*before, matched, store, config)
        before = window, matched
    if before is not None:
        yield before[1]


def _heard_again(
    window: RecordingWindow,
    matched: Window,
    after: Window,
    store: FingerprintStore,
    config: EngineConfig,
) -> Window:
    """``matched`` (of ``window``), with what it heard at the speed ``after`` was named at,
    when that is not the speed its own match was found at."""
    own_speed = matched.match.speed if matched.match is not None else 1.0
    if after.match is None or after.match.speed == own_speed:
        return matched
    heard = _heard_at_speed(window, after.match.speed, store, config)
    return dataclasses.replace(matched, also_heard=matched.also_heard + heard)


def _heard_at_speed(
    window: RecordingWindow, speed: float, store: FingerprintStore, config: EngineConfig
) -> tuple[WindowMatch, ...]:
    """The songs ``window`` heard played at ``speed``, with enough votes to be named."""
    vote = vote_at_speed(window.query, speed, store, config)
    return _heard(vote, window.start_seconds, config)


def _heard(
    identified: Identification,
    start_seconds: float,
    config: EngineConfig,
    *,
    leaving_out: Candidate | None = None,
) -> tuple[WindowMatch, ...]:
    """The candidates of ``identified`` with ``config.min_aligned_matches`` votes, as window
    matches, but ``leaving_out``."""
    return tuple(
        _window_match(identified, candidate, start_seconds, 0.0, config)
        for candidate in identified.verdict.candidates
        if candidate is not leaving_out and candidate.aligned_matches >= config.min_aligned_matches
    )


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
