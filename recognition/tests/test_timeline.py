"""Segments built from window matches made by hand: runs, outvoting, crossfades, gaps."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pytest

from fingerprints.config import EngineConfig
from recognition.timeline import Segment, Window, WindowMatch, build_segments

CONFIG = EngineConfig()
WINDOW = CONFIG.timeline_window_seconds
HOP = CONFIG.timeline_hop_seconds
#: Seconds of a song a window must hold to be named as it (about what a real one needs).
HEARD_ENOUGH = 3.0


@dataclass(frozen=True)
class Play:
    """Song ``song_id`` heard from ``start`` to ``end`` of the recording, from ``song_start``
    in the song, at ``speed``."""

    song_id: int
    start: float
    end: float
    song_start: float = 0.0
    speed: float = 1.0
    #: Its last seconds fade out: its votes thin from their full rate to none at ``end``, as
    #: a real fade's do: 80 % of them are still heard halfway, where it is at half its level.
    fade_out: float = 0.0
    #: Its last seconds are quieter than the rest: they give this share of its votes.
    quiet_share: float = 1.0
    quiet_seconds: float = 0.0

    def vote_seconds(self, start: float, end: float) -> np.ndarray:
        """When its votes were heard between ``start`` and ``end``: ten a second, fewer and
        fewer through the fade (one kept where an even spread of the shares says so)."""
        times = np.arange(max(start, self.start), min(end, self.end), 0.1)
        share = np.where(times >= self.end - self.quiet_seconds, self.quiet_share, 1.0)
        if self.fade_out:
            share = share * np.clip(1.6 * (self.end - times) / self.fade_out, 0, 1)
        kept = (np.arange(len(times)) * 0.618034) % 1 < share
        return times[kept].astype(np.float32)


def windows_of(plays: list[Play], duration: float) -> list[Window]:
    """The windows a matcher would give: each names the play it holds most of (the first of
    equals), and also hears the others, if it holds at least ``HEARD_ENOUGH`` of them, with
    the votes heard where the window and the play overlap."""
    windows = []
    for start in np.arange(0.0, duration - WINDOW + HOP / 2, HOP):
        end = start + WINDOW
        heard = [
            WindowMatch(
                song_id=play.song_id,
                offset_seconds=play.song_start + play.speed * (start - play.start),
                confidence=0.9,
                speed=play.speed,
                heard_from_seconds=max(start, play.start),
                heard_to_seconds=min(end, play.end),
                vote_seconds=play.vote_seconds(start, end),
            )
            for play in plays
            if min(end, play.end) - max(start, play.start) >= HEARD_ENOUGH
        ]
        heard.sort(key=lambda m: m.heard_from_seconds - m.heard_to_seconds)
        windows.append(Window(float(start), heard[0] if heard else None, tuple(heard[1:])))
    return windows


def replaced(windows: list[Window], at_seconds: float, match: WindowMatch | None) -> list[Window]:
    return [Window(at_seconds, match) if w.start_seconds == at_seconds else w for w in windows]


def spans(segments: list[Segment]) -> list[tuple[int, float, float]]:
    return [(s.song_id, round(s.from_seconds, 2), round(s.to_seconds, 2)) for s in segments]


def test_consecutive_windows_of_one_song_are_one_segment_with_its_song_range() -> None:
    windows = windows_of([Play(7, 20.0, 95.0, song_start=31.0)], duration=130.0)

    [segment] = build_segments(windows, CONFIG)

    assert (segment.song_id, segment.from_seconds, segment.to_seconds) == (7, 20.0, 95.0)
    assert segment.song_from_seconds == pytest.approx(31.0)
    assert segment.song_to_seconds == pytest.approx(106.0)
    assert (segment.confidence, segment.speed) == (0.9, 1.0)


def test_a_song_played_twice_is_two_segments() -> None:
    windows = windows_of([Play(3, 0.0, 60.0), Play(3, 60.0, 120.0)], duration=120.0)

    assert spans(build_segments(windows, CONFIG)) == [(3, 0.0, 60.0), (3, 60.0, 120.0)]


def test_a_window_that_disagrees_alone_in_a_run_is_outvoted() -> None:
    windows = windows_of([Play(4, 0.0, 90.0, song_start=10.0)], duration=90.0)
    stray = WindowMatch(9, 140.0, 0.6, 1.0, 41.0, 48.0)

    segments = build_segments(replaced(windows, 40.0, stray), CONFIG)

    assert spans(segments) == [(4, 0.0, 90.0)]


def test_a_few_windows_at_another_place_in_the_song_are_outvoted_by_the_stretch() -> None:
    windows = windows_of([Play(4, 0.0, 120.0)], duration=120.0)
    chorus_again = [
        WindowMatch(4, start - 30.0, 0.8, 1.0, start, start + WINDOW) for start in (50.0, 55.0)
    ]
    for match in chorus_again:
        windows = replaced(windows, match.heard_from_seconds, match)

    [segment] = build_segments(windows, CONFIG)

    assert (segment.from_seconds, segment.to_seconds) == (0.0, 120.0)
    assert segment.song_to_seconds == pytest.approx(120.0)


def test_a_window_alone_in_unknown_audio_names_nothing() -> None:
    windows = windows_of([], duration=60.0)
    lone = WindowMatch(2, 70.0, 0.5, 1.0, 21.0, 28.0)

    assert build_segments(replaced(windows, 20.0, lone), CONFIG) == []


@pytest.mark.parametrize("fade", [2.0, 5.0, 8.0])
def test_a_crossfade_names_both_songs_with_the_boundary_at_the_crossing(fade: float) -> None:
    crossing = 60.0
    plays = [Play(1, 0.0, crossing + fade / 2), Play(2, crossing - fade / 2, 130.0)]

    first, second = build_segments(windows_of(plays, duration=130.0), CONFIG)

    assert (first.song_id, second.song_id) == (1, 2)
    assert first.to_seconds == second.from_seconds == pytest.approx(crossing, abs=1.0)
    assert first.song_to_seconds == pytest.approx(first.to_seconds, abs=1e-9)
    assert second.song_from_seconds == pytest.approx(second.from_seconds - plays[1].start)


def test_a_gap_where_nothing_known_played_stays_a_gap() -> None:
    plays = [Play(1, 0.0, 50.0), Play(2, 80.0, 140.0)]

    assert spans(build_segments(windows_of(plays, duration=140.0), CONFIG)) == [
        (1, 0.0, 50.0),
        (2, 80.0, 140.0),
    ]


def test_talk_over_a_song_that_then_goes_on_keeps_one_segment() -> None:
    windows = windows_of([Play(5, 0.0, 100.0)], duration=100.0)
    for start in (35.0, 40.0, 45.0):  # nothing named for 15 s
        windows = replaced(windows, start, None)

    assert spans(build_segments(windows, CONFIG)) == [(5, 0.0, 100.0)]


def test_a_song_that_stops_longer_than_the_gap_and_resumes_is_two_segments() -> None:
    windows = [
        w
        if not 30.0 <= w.start_seconds <= 30.0 + CONFIG.timeline_max_gap_seconds
        else Window(w.start_seconds, None)
        for w in windows_of([Play(5, 0.0, 120.0)], duration=120.0)
    ]

    segments = build_segments(windows, CONFIG)

    assert [s.song_id for s in segments] == [5, 5]
    assert segments[0].to_seconds < segments[1].from_seconds


@pytest.mark.parametrize("speed", [0.92, 0.98, 1.04, 1.08])
def test_a_song_played_at_another_speed_advances_by_it(speed: float) -> None:
    play = Play(6, 10.0, 70.0, song_start=5.0, speed=speed)

    [segment] = build_segments(windows_of([play], duration=90.0), CONFIG)

    assert segment.speed == speed
    assert segment.song_from_seconds == pytest.approx(5.0)
    assert segment.song_to_seconds == pytest.approx(5.0 + 60.0 * speed)


def test_windows_found_a_speed_step_apart_stay_one_stretch() -> None:
    windows = windows_of([Play(6, 0.0, 80.0, speed=1.04)], duration=80.0)
    wobbly = [
        Window(w.start_seconds, dataclasses.replace(w.match, speed=1.03))
        if w.match is not None and w.start_seconds % 10 == 5
        else w
        for w in windows
    ]

    [segment] = build_segments(wobbly, CONFIG)

    assert (segment.from_seconds, segment.to_seconds) == (0.0, 80.0)


def test_fewer_windows_than_the_minimum_make_no_segment() -> None:
    config = dataclasses.replace(CONFIG, timeline_min_windows=4)
    windows = windows_of([Play(8, 0.0, 17.0), Play(9, 40.0, 100.0)], duration=100.0)

    assert [s.song_id for s in build_segments(windows, config)] == [9]


def test_windows_that_heard_one_moment_alone_make_no_segment() -> None:
    windows = windows_of([], duration=60.0)
    for start in (20.0, 25.0):
        windows = replaced(windows, start, WindowMatch(2, start + 3.0, 0.8, 1.0, 28.5, 29.8))

    assert build_segments(windows, CONFIG) == []


def test_a_song_fading_into_unknown_audio_ends_in_the_middle_of_its_fade() -> None:
    """Its last votes come from the end of the fade, where it is barely heard under what
    replaces it; the boundary is where it sounds as loud as that: about halfway."""
    windows = windows_of([Play(3, 10.0, 80.0, fade_out=6.0)], duration=120.0)

    [segment] = build_segments(windows, CONFIG)

    assert segment.to_seconds == pytest.approx(77.0, abs=0.7)
    assert segment.song_to_seconds == pytest.approx(segment.to_seconds - 10.0, abs=0.01)


def test_a_quiet_last_passage_moves_the_edge_in_no_further_than_a_fade_would() -> None:
    """Its last 20 s give 60 % of the votes the rest does: a fade would end below that rate
    sooner, and the edge goes no further in than the middle of the longest fade."""
    windows = windows_of([Play(3, 10.0, 80.0, quiet_share=0.6, quiet_seconds=20.0)], 120.0)

    [segment] = build_segments(windows, CONFIG)

    assert segment.to_seconds == pytest.approx(80.0 - CONFIG.timeline_fade_max_seconds, abs=0.2)


def test_a_song_fading_as_the_recording_ends_ends_with_it() -> None:
    windows = windows_of([Play(3, 0.0, 80.0, fade_out=6.0)], duration=80.0)

    [segment] = build_segments(windows, CONFIG)

    assert (segment.from_seconds, segment.to_seconds) == pytest.approx((0.0, 80.0), abs=0.2)


def test_a_song_heard_to_its_end_keeps_its_edges() -> None:
    windows = windows_of([Play(3, 10.0, 80.0)], duration=120.0)

    [segment] = build_segments(windows, CONFIG)

    assert (segment.from_seconds, segment.to_seconds) == pytest.approx((10.0, 80.0), abs=0.2)


def test_a_fade_into_another_song_still_ends_at_the_crossing() -> None:
    """Between two songs the edge is their crossing, however the one fading out thins."""
    plays = [Play(1, 0.0, 66.0, fade_out=6.0), Play(2, 60.0, 130.0)]

    first, second = build_segments(windows_of(plays, duration=140.0), CONFIG)

    assert first.to_seconds == second.from_seconds == pytest.approx(63.0, abs=0.2)
