"""A long recording's timeline: the matches of its overlapping windows merged into segments.

Pure: windows in, segments out, no audio, store or catalog. A *run* is windows of one song
whose offsets in the song advance with the recording (at the speed found): one stretch of
the song playing. Runs become segments when

* they hold at least ``config.timeline_min_windows`` windows (a window alone that agrees with
  no other is outvoted) whose votes span ``config.timeline_min_segment_seconds`` (windows
  that heard the same moment alone, a sound two songs share, are not a song playing), and
* they do not lie inside a run of more windows (windows that name another song, or another
  place in the same song, in the middle of a stretch are outvoted too);

a segment reaches from the first to the last aligned vote its windows heard, counting the
votes of the windows next to it that named another song but heard this one too (in a
crossfade, a window that holds both songs is named as one of them); where two segments
overlap the boundary is put halfway through the overlap, where the one song gives way to the
other; and where a segment borders a gap, its edge is put where its votes thin out to
``config.timeline_fade_rate_share`` of their rate (the middle of a fade into what the catalog
does not know), at most ``config.timeline_fade_max_seconds`` in. Time between segments is a
gap: nothing known played.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fingerprints.config import EngineConfig

#: The step (seconds) at which a segment's edges are placed where its votes thin out.
_EDGE_STEP_SECONDS = 0.1
#: Vote times are compared to the hundredth of a second, under a frame (23 ms).
_VOTE_DECIMALS = 2


@dataclass(frozen=True)
class WindowMatch:
    """The song one window of the recording was named as, and where in it."""

    song_id: int
    #: Where in the song (its own seconds) the window starts.
    offset_seconds: float
    confidence: float
    #: The playback speed found: 1.04 when the recording plays the song 4 % fast.
    speed: float
    #: Recording times (seconds) of the first and last of the window's aligned votes: where
    #: in the window the song was heard.
    heard_from_seconds: float
    heard_to_seconds: float
    #: Recording times (seconds, float32) of each of the window's aligned votes.
    vote_seconds: np.ndarray = dataclasses.field(
        default_factory=lambda: np.zeros(0, np.float32), compare=False, repr=False
    )


@dataclass(frozen=True)
class Window:
    """One window of the recording: where it starts (seconds) and what it was named as."""

    start_seconds: float
    match: WindowMatch | None
    #: Other songs the window heard with enough votes to be named, had they led.
    also_heard: tuple[WindowMatch, ...] = ()


@dataclass(frozen=True)
class Segment:
    """A stretch of the recording where one song played, and which stretch of the song."""

    from_seconds: float
    to_seconds: float
    song_id: int
    song_from_seconds: float
    song_to_seconds: float
    confidence: float
    speed: float


@dataclass
class _Run:
    """Windows of one stretch of one song, in recording order."""

    windows: list[Window]
    #: Votes for this stretch in neighbouring windows that named another song.
    overheard: list[WindowMatch] = dataclasses.field(default_factory=list)

    @property
    def last(self) -> Window:
        return self.windows[-1]

    @property
    def matches(self) -> list[WindowMatch]:
        return [w.match for w in self.windows if w.match is not None]

    @property
    def heard_from(self) -> float:
        return min(m.heard_from_seconds for m in self.matches + self.overheard)

    @property
    def heard_to(self) -> float:
        return max(m.heard_to_seconds for m in self.matches + self.overheard)

    @property
    def vote_seconds(self) -> np.ndarray:
        """When each vote for this stretch was heard, in its windows and those overheard,
        sorted; a moment two overlapping windows both heard counts once (to the frame)."""
        return heard_votes(np.concatenate([m.vote_seconds for m in self.matches + self.overheard]))

    def continues_with(self, window: Window, config: EngineConfig) -> bool:
        """Whether ``window``'s match plays on this stretch of the song: the same song, where
        it would be by now, after no longer a gap than ``config.timeline_max_gap_seconds``."""
        assert window.match is not None
        return self._agrees(self.last, window.start_seconds, window.match, config)

    def overhears(self, window: Window, match: WindowMatch, config: EngineConfig) -> bool:
        """Whether ``match``, heard in ``window`` (the run's neighbour, before or after it),
        is this stretch of the song."""
        nearest = self.last if window.start_seconds > self.last.start_seconds else self.windows[0]
        return self._agrees(nearest, window.start_seconds, match, config)

    @staticmethod
    def _agrees(
        known: Window, start_seconds: float, match: WindowMatch, config: EngineConfig
    ) -> bool:
        """Whether ``match``, in a window at ``start_seconds``, is the song where ``known``'s
        match places it by then, no further than ``config.timeline_max_gap_seconds`` away."""
        assert known.match is not None
        elapsed = start_seconds - known.start_seconds
        expected = known.match.offset_seconds + known.match.speed * elapsed
        return (
            match.song_id == known.match.song_id
            and abs(elapsed) <= config.timeline_max_gap_seconds
            and abs(match.offset_seconds - expected) <= config.timeline_offset_tolerance_seconds
        )

    def inside(self, other: _Run) -> bool:
        return other.heard_from <= self.heard_from and self.heard_to <= other.heard_to


def heard_votes(vote_seconds: np.ndarray) -> np.ndarray:
    """The moments of ``vote_seconds`` (float32) as segments read them: to the hundredth of a
    second, sorted, each once."""
    return np.unique(np.round(vote_seconds, _VOTE_DECIMALS))


def build_segments(windows: Sequence[Window], config: EngineConfig) -> list[Segment]:
    """The segments of a recording from its ``windows`` (in recording order), in order."""
    runs = [
        run
        for run in _runs(windows, config)
        if len(run.windows) >= config.timeline_min_windows
        and run.heard_to - run.heard_from >= config.timeline_min_segment_seconds
    ]
    kept: list[_Run] = []
    for run in sorted(runs, key=lambda run: -len(run.windows)):
        if not any(run.inside(stronger) for stronger in kept):
            kept.append(run)
    for run in kept:
        _overhear(run, windows, config)
    kept.sort(key=lambda run: run.heard_from)
    segments = [_segment(run) for run in kept]
    # The last window ends where the recording ends.
    recording_end = windows[-1].start_seconds + config.timeline_window_seconds if windows else 0
    faded = [_faded(s, run, segments, recording_end, config) for s, run in zip(segments, kept)]
    return _split_overlaps(sorted(faded, key=lambda s: s.from_seconds))


def _runs(windows: Sequence[Window], config: EngineConfig) -> list[_Run]:
    """Every window with a match in the first run it continues, or in a run of its own."""
    runs: list[_Run] = []
    open_runs: list[_Run] = []
    for window in windows:
        if window.match is None:
            continue
        open_runs = [
            run
            for run in open_runs
            if window.start_seconds - run.last.start_seconds <= config.timeline_max_gap_seconds
        ]
        run = next((run for run in open_runs if run.continues_with(window, config)), None)
        if run is None:
            run = _Run([])
            runs.append(run)
            open_runs.append(run)
        run.windows.append(window)
    return runs


def _overhear(run: _Run, windows: Sequence[Window], config: EngineConfig) -> None:
    """Add to ``run`` what the windows just before and after it heard of its stretch."""
    first, last = run.windows[0].start_seconds, run.last.start_seconds
    reach = config.timeline_window_seconds
    for window in windows:
        start = window.start_seconds
        if first - reach <= start < first or last < start <= last + reach:
            run.overheard += [m for m in window.also_heard if run.overhears(window, m, config)]


def _segment(run: _Run) -> Segment:
    """The segment a run heard, its song range read from its first and last windows (the
    speed found may differ by a step between windows far apart)."""
    first, last = run.windows[0], run.last
    first_match, last_match = run.matches[0], run.matches[-1]
    start, end = run.heard_from, run.heard_to
    return Segment(
        from_seconds=start,
        to_seconds=end,
        song_id=first_match.song_id,
        song_from_seconds=_song_time(first_match, first.start_seconds, start),
        song_to_seconds=_song_time(last_match, last.start_seconds, end),
        confidence=statistics.median(m.confidence for m in run.matches),
        speed=statistics.median(m.speed for m in run.matches),
    )


def _faded(
    segment: Segment,
    run: _Run,
    segments: Sequence[Segment],
    recording_end: float,
    config: EngineConfig,
) -> Segment:
    """``segment`` with each edge that borders a gap moved in to where its votes fall below
    ``config.timeline_fade_rate_share`` of their rate over the segment, by no more than
    ``config.timeline_fade_max_seconds``; never moved out. The recording's own start and end
    are no gap: nothing plays before or after them for the song to fade into."""
    reach = config.timeline_neighbour_seconds
    most = config.timeline_fade_max_seconds
    others = [s for s in segments if s is not segment]
    start, end = segment.from_seconds, segment.to_seconds
    rising, falling = _thinning_edges(run.vote_seconds, start, end, config)
    if start > reach and not any(
        start - reach <= s.to_seconds and s.from_seconds < start for s in others
    ):
        start = max(start, min(rising, start + most))
    if end < recording_end - reach and not any(
        s.from_seconds <= end + reach and end < s.to_seconds for s in others
    ):
        end = min(end, max(falling, end - most))
    return _trimmed(segment, start, end) if end - start > 0 else segment


def _thinning_edges(
    vote_seconds: np.ndarray, start: float, end: float, config: EngineConfig
) -> tuple[float, float]:
    """The first and last moments in [start, end] around which the (sorted) votes, counted over
    ``config.timeline_fade_window_seconds`` within [start, end], reach
    ``config.timeline_fade_rate_share`` of their rate over the whole of it: at a hard cut the
    rate holds to the cut."""
    width = config.timeline_fade_window_seconds
    votes = vote_seconds[(vote_seconds >= start) & (vote_seconds <= end)]
    moments = np.append(np.arange(start, end, _EDGE_STEP_SECONDS), end)
    if len(votes) == 0:
        return start, end
    low = np.maximum(moments - width / 2, start)
    high = np.minimum(moments + width / 2, end)
    counts = np.searchsorted(votes, high, side="right") - np.searchsorted(votes, low)
    rate = len(votes) / max(end - start, width)
    heard = counts / np.maximum(high - low, _EDGE_STEP_SECONDS)
    strong = moments[heard >= config.timeline_fade_rate_share * rate]
    return (float(strong[0]), float(strong[-1])) if len(strong) else (start, end)


def _song_time(match: WindowMatch, window_start: float, at_seconds: float) -> float:
    """Where in the song the recording is at ``at_seconds``, as ``match`` places it, never
    before the song's start."""
    return max(0.0, match.offset_seconds + match.speed * (at_seconds - window_start))


def _split_overlaps(segments: list[Segment]) -> list[Segment]:
    """``segments`` (by start) with each overlap of two neighbours split halfway."""
    result: list[Segment] = []
    for segment in segments:
        previous = result[-1] if result else None
        if previous is None or segment.from_seconds >= previous.to_seconds:
            result.append(segment)
            continue
        if segment.to_seconds <= previous.to_seconds:
            continue  # its neighbour already speaks for all of its time
        crossing = (segment.from_seconds + previous.to_seconds) / 2
        result[-1] = _trimmed(previous, previous.from_seconds, crossing)
        result.append(_trimmed(segment, crossing, segment.to_seconds))
    return result


def _trimmed(segment: Segment, from_seconds: float, to_seconds: float) -> Segment:
    """``segment`` cut to [from_seconds, to_seconds], its song range cut alike."""
    return dataclasses.replace(
        segment,
        from_seconds=from_seconds,
        to_seconds=to_seconds,
        song_from_seconds=max(
            0.0, segment.song_from_seconds + segment.speed * (from_seconds - segment.from_seconds)
        ),
        song_to_seconds=max(
            0.0, segment.song_to_seconds - segment.speed * (segment.to_seconds - to_seconds)
        ),
    )
