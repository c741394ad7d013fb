"""Where two songs hold the same audio: the ranges over which one song's fingerprints line up
with the other's.

Pure numpy on the hits of one song's pairs (the *query*, A) found in another (B); knows
nothing of the store or the catalog. The query is read in slices of
``config.duplicate_slice_seconds``; in each, an offset (B's frame less A's, as
``recognition.matching`` votes) is heard when it collects ``config.duplicate_min_slice_votes``
votes, and several may be (B repeats a passage A holds once). Slices whose offsets agree,
one after another, make a *run*: one stretch of A playing in B. A run goes on across up to
``config.duplicate_max_gap_seconds`` of slices that do not agree (a passage a codec
mangled); a cut (a radio edit, a medley's next track) moves the offset, and the slices after
it make another run. A run is a shared range only when it spans
``config.duplicate_min_seconds``: a drum sample, a loop or a chord two songs share lines up
for a moment, or for a few seconds, never for a verse; and only when it adds a stretch of
either song that stronger ranges do not already hold (``config.duplicate_covered_share``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fingerprints.config import EngineConfig

from . import matching
from .matching import Candidate, Hits


@dataclass(frozen=True)
class SharedRange:
    """Seconds ``a_from_seconds``–``a_to_seconds`` of song A play again as
    ``b_from_seconds``–``b_to_seconds`` of song B."""

    a_from_seconds: float
    a_to_seconds: float
    b_from_seconds: float
    b_to_seconds: float
    #: Pairs of A that line up in B over the range.
    votes: int

    @property
    def a_seconds(self) -> float:
        return self.a_to_seconds - self.a_from_seconds


def shared_ranges(hits: Hits, config: EngineConfig, *, speed: float = 1.0) -> list[SharedRange]:
    """The ranges A shares with B, by A's start (then B's), from ``hits`` of A's pairs in B alone.

    ``speed`` is how many times as fast B plays A: the hits' query frames are then those of
    A's pairs moved to B's speed (``fingerprints.hashes.hashes_of_copy``), which A's own
    seconds are ``speed`` times.
    """
    if len(hits) == 0:
        return []
    slice_frames = max(1, config.seconds_to_frames(config.duplicate_slice_seconds))
    slices = hits.query_frames // slice_frames
    by_slice = Hits(slices, hits.song_frames, hits.query_frames, hits.query_rows)
    votes = matching.tally(by_slice, config.alignment_tolerance_frames)
    peaks = matching.offset_peaks(
        votes, config.duplicate_min_slice_votes, config.duplicate_drift_frames
    )
    heard = sorted(peaks, key=lambda c: (c.song_id, -c.aligned_matches))
    gap_slices = config.duplicate_max_gap_seconds / config.duplicate_slice_seconds
    ranges = [_range(run, hits, slices, speed, config) for run in _runs(heard, gap_slices, config)]
    long_enough = [r for r in ranges if r.a_seconds >= config.duplicate_min_seconds]
    kept: list[SharedRange] = []
    for shared in sorted(long_enough, key=lambda r: -r.votes):
        if not _repeats_within(shared, kept, config.duplicate_covered_share):
            kept.append(shared)
    return sorted(kept, key=lambda r: (r.a_from_seconds, r.b_from_seconds))


def _repeats_within(shared: SharedRange, stronger: list[SharedRange], share: float) -> bool:
    """Whether ``share`` of both of ``shared``'s stretches, A's and B's, lie within those the
    ``stronger`` ranges already span: a passage each song plays more than once lines up
    again at another offset inside what they are known to share, and says nothing new."""
    a_spans = [(r.a_from_seconds, r.a_to_seconds) for r in stronger]
    b_spans = [(r.b_from_seconds, r.b_to_seconds) for r in stronger]
    return (
        _covered(shared.a_from_seconds, shared.a_to_seconds, a_spans) >= share
        and _covered(shared.b_from_seconds, shared.b_to_seconds, b_spans) >= share
    )


def _covered(start: float, end: float, spans: list[tuple[float, float]]) -> float:
    """The share of ``start``–``end`` that ``spans`` (which may overlap) cover."""
    covered, reached = 0.0, start
    for span_from, span_to in sorted(spans):
        span_from, span_to = max(span_from, reached), min(span_to, end)
        if span_to > span_from:
            covered += span_to - span_from
            reached = span_to
    return covered / (end - start) if end > start else 1.0


def _runs(heard: list[Candidate], gap_slices: float, config: EngineConfig) -> list[list[Candidate]]:
    """Offsets heard in slices (their ``song_id`` is the slice) in runs: each in the first
    open run whose last slice is before it, at most ``gap_slices`` before, and whose offset
    it continues, within ``config.duplicate_drift_frames``; else in a run of its own."""
    runs: list[list[Candidate]] = []
    open_runs: list[list[Candidate]] = []
    for slice_ in heard:
        open_runs = [run for run in open_runs if slice_.song_id - run[-1].song_id <= gap_slices + 1]
        run = next(
            (
                run
                for run in open_runs
                if run[-1].song_id < slice_.song_id
                and abs(slice_.offset_frames - run[-1].offset_frames)
                <= config.duplicate_drift_frames
            ),
            None,
        )
        if run is None:
            run = []
            runs.append(run)
            open_runs.append(run)
        run.append(slice_)
    return runs


def _range(
    run: list[Candidate], hits: Hits, slices: np.ndarray, speed: float, config: EngineConfig
) -> SharedRange:
    """The range a run spans: from the first to the last hit aligned with its edge slices'
    offsets, in those slices or the ones just outside them (where a cut falls inside a slice,
    the slice's best offset may be the other side's)."""
    first, last = run[0], run[-1]
    start = _edge_frame(hits, slices, first, first.song_id - 1, config, earliest=True)
    end = _edge_frame(hits, slices, last, last.song_id, config, earliest=False)
    return SharedRange(
        a_from_seconds=config.frames_to_seconds(float(start)) * speed,
        a_to_seconds=config.frames_to_seconds(float(end)) * speed,
        b_from_seconds=config.frames_to_seconds(float(start + first.offset_frames)),
        b_to_seconds=config.frames_to_seconds(float(end + last.offset_frames)),
        votes=sum(c.aligned_matches for c in run),
    )


def _edge_frame(
    hits: Hits,
    slices: np.ndarray,
    edge: Candidate,
    from_slice: int,
    config: EngineConfig,
    *,
    earliest: bool,
) -> int:
    """The earliest (or latest) query frame of the hits in slices ``from_slice`` and the next
    aligned with ``edge``'s offset."""
    near = np.abs(hits.offset_frames - edge.offset_frames) <= config.alignment_tolerance_frames
    in_slices = (slices >= from_slice) & (slices <= from_slice + 1)
    frames = hits.query_frames[near & in_slices]
    return int(frames.min() if earliest else frames.max())
