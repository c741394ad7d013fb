from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import soxr

from fingerprints.config import Density, EngineConfig
from fingerprints.hashes import (
    Hashes,
    hash_peaks,
    hashes_at_speeds,
    level_steps,
    merge_phases,
    neighbouring_steps,
    pack,
    pair_peaks,
    sampled,
    unpack,
)
from fingerprints.peaks import Peaks, find_peaks
from fingerprints.pipeline import analyse_song
from testsupport.codecs import write_audio
from testsupport.music import synth_song


@pytest.fixture
def song_peaks(config: EngineConfig) -> Peaks:
    return find_peaks(
        synth_song(21, 15, sample_rate=config.sample_rate), config, config.index_density
    )


def field_limits(config: EngineConfig) -> tuple[int, int, int, int]:
    """Largest anchor bin, largest |bin delta|, largest frame delta and largest |level step|
    the layout can hold."""
    max_anchor = (1 << config.anchor_bin_bits) - 1
    max_delta_bin = (1 << (config.delta_bin_bits - 1)) - 1
    max_level_step = (1 << (config.level_bits - 1)) - 1
    return max_anchor, max_delta_bin, (1 << config.delta_frame_bits) - 1, max_level_step


#: Anchor bins, bin deltas, frame deltas and level steps, as ``pack`` takes them.
Fields = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def assert_round_trip(fields: Fields, config: EngineConfig) -> None:
    values = pack(*fields, config)
    assert values.dtype == np.int64
    width = (
        config.anchor_bin_bits + config.delta_bin_bits + config.delta_frame_bits + config.level_bits
    )
    assert np.all((values >= 0) & (values < 1 << width))
    for unpacked, original in zip(unpack(values, config), fields, strict=True):
        np.testing.assert_array_equal(unpacked, original)


def test_pack_round_trips_random_fields(config: EngineConfig) -> None:
    max_anchor, max_delta_bin, max_delta_frames, max_level_step = field_limits(config)
    rng = np.random.default_rng(5)
    n = 10_000

    assert_round_trip(
        (
            rng.integers(0, max_anchor + 1, n),
            rng.integers(-max_delta_bin, max_delta_bin + 1, n),
            rng.integers(0, max_delta_frames + 1, n),
            rng.integers(-max_level_step - 1, max_level_step + 1, n),
        ),
        config,
    )


def test_pack_round_trips_extreme_fields(config: EngineConfig) -> None:
    max_anchor, max_delta_bin, max_delta_frames, max_level_step = field_limits(config)
    corners = np.array(
        [
            (a, b, f, level)
            for a in (0, max_anchor)
            for b in (-max_delta_bin - 1, -max_delta_bin, 0, max_delta_bin)
            for f in (0, max_delta_frames)
            for level in (-max_level_step - 1, 0, max_level_step)
        ]
    )
    fields: Fields = (corners[:, 0], corners[:, 1], corners[:, 2], corners[:, 3])

    assert_round_trip(fields, config)
    assert len(np.unique(pack(*fields, config))) == len(corners)


def test_level_differences_round_to_steps_and_clip_at_the_field(config: EngineConfig) -> None:
    step = config.level_step_db
    delta_db = np.array([0.0, 0.49, 0.51, -0.51, 2.9, -30.0, 30.0]) * step

    np.testing.assert_array_equal(level_steps(delta_db, config), [0, 0, 1, -1, 3, -4, 3])


def test_a_level_difference_near_a_boundary_is_probed_on_its_other_side(
    config: EngineConfig,
) -> None:
    step, margin = config.level_step_db, config.level_probe_margin
    # Steps 0, 0, 1, -1, 0, and -4 at a boundary, but the field holds no step below it.
    delta_db = np.array([0.0, 0.5 - margin / 2, 0.5 + margin / 2, -0.5 - margin / 2, 0.2, -4.49])

    rows, steps = neighbouring_steps(delta_db * step, config)

    assert sorted(zip(rows.tolist(), steps.tolist())) == [(1, 1), (2, 0), (3, 0)]


def test_a_query_probes_the_step_a_small_level_change_moved_its_pair_to(
    song_peaks: Peaks, config: EngineConfig
) -> None:
    """Levels moved by less than half the probe margin each (so a pair's difference by less
    than the margin) leave every indexed pair among the query's hashes, while some pairs
    change step."""
    rng = np.random.default_rng(8)
    limit = config.level_probe_margin * config.level_step_db / 2
    nudged = Peaks(
        song_peaks.frames,
        song_peaks.bins,
        song_peaks.levels + rng.uniform(-limit, limit, len(song_peaks)).astype(np.float32),
    )
    indexed = hash_peaks(song_peaks, config, config.index_density)
    unprobed = hash_peaks(nudged, config, config.index_density)
    probed = hash_peaks(nudged, config, config.index_density, probe_levels=True)

    def pairs(hashes: Hashes) -> set[tuple[int, int]]:
        return set(zip(hashes.values.tolist(), hashes.frames.tolist()))

    assert len(pairs(indexed) - pairs(unprobed)) > 0.05 * len(indexed)
    assert pairs(indexed) <= pairs(probed)
    assert len(probed) < 1.6 * len(indexed)


def test_pairs_stay_in_the_target_zone(song_peaks: Peaks, config: EngineConfig) -> None:
    anchors, targets = pair_peaks(song_peaks, config, config.index_density)

    assert len(anchors) > 2 * len(song_peaks)
    delta_frames = song_peaks.frames[targets] - song_peaks.frames[anchors]
    delta_bins = song_peaks.bins[targets] - song_peaks.bins[anchors]
    assert delta_frames.min() >= config.target_min_frames
    assert delta_frames.max() <= config.target_max_frames
    assert np.abs(delta_bins).max() <= config.target_max_bins
    assert np.bincount(anchors).max() <= config.index_density.fan_out


def test_pairs_are_the_first_peaks_of_each_zone() -> None:
    """Random crowded peaks against the definition written as a plain loop."""
    config = EngineConfig(target_max_frames=8, target_max_bins=30)
    density = Density(peaks_per_second=15, fan_out=2)
    rng = np.random.default_rng(3)
    frames = np.sort(rng.integers(0, 100, 300)).astype(np.int32)
    peaks = Peaks(frames, rng.integers(10, 200, 300).astype(np.int32), np.zeros(300, np.float32))

    expected = []
    for a in range(len(frames)):
        zone = [
            t
            for t in range(a + 1, len(frames))
            if config.target_min_frames <= frames[t] - frames[a] <= config.target_max_frames
            and abs(peaks.bins[t] - peaks.bins[a]) <= config.target_max_bins
        ]
        expected += [(a, t) for t in zone[: density.fan_out]]

    anchors, targets = pair_peaks(peaks, config, density)
    assert list(zip(anchors.tolist(), targets.tolist())) == expected


def test_too_few_peaks_make_no_pairs(config: EngineConfig) -> None:
    one = Peaks(np.array([3], np.int32), np.array([40], np.int32), np.array([-20], np.float32))

    anchors, targets = pair_peaks(one, config, config.index_density)

    assert len(anchors) == len(targets) == 0
    assert len(hash_peaks(one, config, config.index_density)) == 0


def test_hash_fields_describe_the_pairs(song_peaks: Peaks, config: EngineConfig) -> None:
    anchors, targets = pair_peaks(song_peaks, config, config.index_density)

    hashes = hash_peaks(song_peaks, config, config.index_density)

    anchor_bins, delta_bins, delta_frames, steps = unpack(hashes.values, config)
    np.testing.assert_array_equal(hashes.frames, song_peaks.frames[anchors])
    frames, bins, levels = song_peaks.frames, song_peaks.bins, song_peaks.levels
    np.testing.assert_array_equal(anchor_bins, bins[anchors])
    np.testing.assert_array_equal(delta_bins, bins[targets] - bins[anchors])
    np.testing.assert_array_equal(delta_frames, frames[targets] - frames[anchors])
    np.testing.assert_array_equal(steps, level_steps(levels[targets] - levels[anchors], config))
    assert len(np.unique(steps)) >= 5


def test_a_sample_keeps_a_share_of_hash_values_by_value_alone(
    song_peaks: Peaks, config: EngineConfig
) -> None:
    values = hash_peaks(song_peaks, config, config.index_density).values

    kept = sampled(values, 4)

    assert 0.2 < kept.mean() < 0.3
    np.testing.assert_array_equal(sampled(values[::-1], 4), kept[::-1])
    np.testing.assert_array_equal(sampled(np.unique(values[kept]), 4), True)
    neighbours = np.arange(1 << 20, (1 << 20) + 40_000)  # values of one anchor bin, in a row
    assert 0.24 < sampled(neighbours, 4).mean() < 0.26
    assert sampled(values, 1).all()


def test_the_distinct_pairs_are_those_of_the_rows_in_value_then_frame_order() -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(0, 1 << 32, 5_000)
    values[::3] = values[0]  # one value at many frames, some pairs repeated
    frames = rng.integers(0, 1 << 31, 5_000).astype(np.int32)
    frames[::6] = frames[0]
    rows = np.unique(np.stack([values, frames.astype(np.int64)], axis=1), axis=0)
    distinct = Hashes(values, frames).distinct()
    assert distinct.values.tolist() == rows[:, 0].tolist()
    assert distinct.frames.tolist() == rows[:, 1].tolist()
    assert distinct.frames.dtype == np.int32


@pytest.mark.parametrize(("value", "frame"), [(-1, 0), (1 << 32, 0), (0, -1)])
def test_pairs_outside_the_key_are_refused(value: int, frame: int) -> None:
    with pytest.raises(ValueError, match="hash values must lie"):
        Hashes(np.array([5, value]), np.array([0, frame], np.int32)).distinct()


def test_hashes_are_deterministic(config: EngineConfig) -> None:
    samples = synth_song(22, 10, sample_rate=config.sample_rate)

    first = hash_peaks(
        find_peaks(samples, config, config.index_density), config, config.index_density
    )
    second = hash_peaks(
        find_peaks(samples.copy(), config, config.index_density), config, config.index_density
    )

    assert len(first) > 0
    np.testing.assert_array_equal(first.values, second.values)
    np.testing.assert_array_equal(first.frames, second.frames)


def test_source_format_and_rate_barely_change_the_hashes(
    tmp_path: Path, config: EngineConfig
) -> None:
    song = synth_song(23, 15, sample_rate=44100)
    flac = write_audio(tmp_path / "song.flac", song, 44100)
    wav = write_audio(tmp_path / "song.wav", soxr.resample(song, 44100, 48000), 48000)

    pairs = [
        set(zip(f.hashes.values.tolist(), f.hashes.frames.tolist()))
        for f in (analyse_song(flac, config), analyse_song(wav, config))
    ]

    shared = len(pairs[0] & pairs[1])
    assert shared >= 0.9 * len(pairs[0])
    assert shared >= 0.9 * len(pairs[1])


def test_a_query_holds_the_indexed_pairs_of_the_same_audio(config: EngineConfig) -> None:
    """A denser query constellation contains the indexed one, and the query's longer fan-out
    reaches past the extra peaks to nearly every indexed pair."""
    config = dataclasses.replace(config, query_peaks_per_second=1.5 * config.index_peaks_per_second)
    samples = synth_song(23, 20, sample_rate=config.sample_rate)
    indexed = find_peaks(samples, config, config.index_density)
    queried = find_peaks(samples, config, config.query_density)

    assert len(queried) > len(indexed)
    assert set(zip(indexed.frames.tolist(), indexed.bins.tolist())) <= set(
        zip(queried.frames.tolist(), queried.bins.tolist())
    )
    index_hashes = hash_peaks(indexed, config, config.index_density)
    query_hashes = hash_peaks(queried, config, config.query_density)
    index_pairs = set(zip(index_hashes.values.tolist(), index_hashes.frames.tolist()))
    query_pairs = set(zip(query_hashes.values.tolist(), query_hashes.frames.tolist()))
    assert len(index_pairs & query_pairs) >= 0.95 * len(index_pairs)


def test_pairs_moved_to_the_original_speed_find_the_songs_hashes(config: EngineConfig) -> None:
    song = synth_song(3, 30, sample_rate=config.sample_rate)
    speed = 1.04
    played_fast = soxr.resample(song, config.sample_rate * speed, config.sample_rate)
    indexed = hash_peaks(
        find_peaks(song, config, config.index_density), config, config.index_density
    )
    stored = {
        (value, frame + jitter)
        for value, frame in zip(indexed.values.tolist(), indexed.frames.tolist())
        for jitter in (-1, 0, 1)
    }
    peaks = find_peaks(played_fast, config, config.query_density)

    as_played, moved, moved_wrongly = hashes_at_speeds(
        peaks, (1.0, speed, 2 - speed), config, config.speed_search_density
    )

    def found(hashes: Hashes) -> float:
        pairs = zip(hashes.values.tolist(), hashes.frames.tolist())
        return float(np.mean([pair in stored for pair in pairs]))

    assert found(moved) > 0.08
    assert found(as_played) < 0.01 and found(moved_wrongly) < 0.01
    _, _, delta_frames, _ = unpack(moved.values, config)
    assert delta_frames.min() >= config.target_min_frames
    assert delta_frames.max() <= config.target_max_frames


def test_a_pair_seen_at_two_phases_counts_once() -> None:
    def hashes(*pairs: tuple[int, int]) -> Hashes:
        values, frames = zip(*pairs)
        return Hashes(np.array(values, np.int64), np.array(frames, np.int32))

    first = hashes((5, 10), (6, 20), (8, 40))
    # Half a hop late: frame 10 sits at 10.5 of the first analysis, frame 9 at 9.5.
    second = hashes((5, 10), (6, 19), (8, 41), (7, 30), (5, 30))

    merged = merge_phases([first, second])

    pairs = list(zip(merged.values.tolist(), merged.frames.tolist()))
    assert pairs == [(5, 10), (6, 20), (8, 40), (8, 41), (7, 30), (5, 30)]


def test_one_phase_is_left_as_it_is(song_peaks: Peaks, config: EngineConfig) -> None:
    hashes = hash_peaks(song_peaks, config, config.query_density)

    merged = merge_phases([hashes])

    np.testing.assert_array_equal(merged.values, hashes.values)
    np.testing.assert_array_equal(merged.frames, hashes.frames)
