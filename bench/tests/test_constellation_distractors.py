"""Distractors made from a track's peaks: where the peaks go, and which speeds are drawn."""

from __future__ import annotations

import numpy as np

from bench.constellation_distractors import (
    MAX_SPEED_OFFSET,
    Distractor,
    moved_peaks,
    plan_distractors,
)
from bench.distractors import MIN_SPEED_OFFSET
from fingerprints.config import EngineConfig
from fingerprints.peaks import Peaks

CONFIG = EngineConfig()


def peaks(frames: list[int], bins: list[int]) -> Peaks:
    levels = -np.arange(len(frames), dtype=np.float32)
    return Peaks(np.array(frames, np.int32), np.array(bins, np.int32), levels)


def test_a_slower_song_has_its_peaks_later_and_lower() -> None:
    track = peaks([0, 10, 20], [40, 100, 200])

    moved = moved_peaks(track, Distractor(0, 0.5, backwards=False, seed=0), CONFIG)

    assert moved.frames.tolist() == [0, 20, 40]
    assert moved.bins.tolist() == [20, 50, 100]
    assert moved.levels.tolist() == track.levels.tolist()


def test_peaks_that_leave_the_band_are_dropped() -> None:
    track = peaks([0, 10, 20], [CONFIG.min_bin + 1, 100, CONFIG.max_bin])

    slower = moved_peaks(track, Distractor(0, 1 / 1.5, backwards=False, seed=0), CONFIG)
    faster = moved_peaks(track, Distractor(0, 1.5, backwards=False, seed=0), CONFIG)

    assert slower.bins.tolist() == [round(100 / 1.5), round(CONFIG.max_bin / 1.5)]
    assert CONFIG.max_bin not in faster.bins.tolist() and faster.bins.max() <= CONFIG.max_bin


def test_backwards_the_frames_run_the_other_way_in_order() -> None:
    track = peaks([0, 0, 10, 30], [60, 90, 100, 200])

    moved = moved_peaks(track, Distractor(0, 0.5, backwards=True, seed=0), CONFIG)

    assert moved.frames.tolist() == [0, 40, 60, 60]
    assert moved.bins.tolist() == [100, 50, 30, 45]


def test_a_faster_song_keeps_about_one_peak_in_speed() -> None:
    count = 20_000
    track = peaks(list(range(0, 3 * count, 3)), [100] * count)

    moved = moved_peaks(track, Distractor(0, 1.5, backwards=False, seed=1), CONFIG)

    assert abs(len(moved) - count / 1.5) < 0.02 * count
    # Two peaks rounded onto one frame and bin are one peak.
    assert np.all(np.diff(moved.frames) > 0)


def test_speeds_lie_beyond_the_speed_search_and_a_chunk_is_always_the_same() -> None:
    chunk = plan_distractors(2000, 500, tracks=7, seed=3)

    assert chunk == plan_distractors(2000, 500, tracks=7, seed=3)
    assert chunk != plan_distractors(2500, 500, tracks=7, seed=3)
    offsets = np.abs(np.log([d.speed for d in chunk]))
    assert offsets.min() >= np.log1p(MIN_SPEED_OFFSET) - 1e-12
    assert offsets.max() <= np.log1p(MAX_SPEED_OFFSET) + 1e-12
    assert 0.4 < np.mean([d.speed > 1 for d in chunk]) < 0.6
    assert 0.4 < np.mean([d.backwards for d in chunk]) < 0.6
    assert [d.track for d in chunk[:8]] == [(2000 + i) % 7 for i in range(8)]
