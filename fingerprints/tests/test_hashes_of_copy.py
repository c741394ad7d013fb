"""``hashes_of_copy``: a song's stored pairs as a copy of it at another speed holds them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soxr

from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes, hashes_of_copy, pack, unpack
from fingerprints.pipeline import analyse_song
from testsupport.codecs import write_audio
from testsupport.music import synth_song


def found_in(moved: Hashes, copy: Hashes) -> float:
    """The share of ``moved``'s pairs the copy holds, at their frame or one beside it."""
    held = set(zip(copy.values.tolist(), copy.frames.tolist()))
    pairs = zip(moved.values.tolist(), moved.frames.tolist())
    return float(np.mean([any((v, f + d) in held for d in (-1, 0, 1)) for v, f in pairs]))


def analysed(path: Path, samples: np.ndarray, config: EngineConfig) -> Hashes:
    write_audio(path, samples, config.sample_rate)
    return analyse_song(path, config).hashes


def test_a_song_s_pairs_moved_to_a_speed_are_found_in_a_copy_played_at_it(
    tmp_path: Path, config: EngineConfig
) -> None:
    samples = synth_song(5, 40, sample_rate=config.sample_rate)
    fast = soxr.resample(samples, config.sample_rate * 1.03, config.sample_rate)
    song = analysed(tmp_path / "song.flac", samples, config)
    copy = analysed(tmp_path / "fast.flac", fast.astype(np.float32), config)

    moved = found_in(hashes_of_copy(song, 1.03, config), copy)
    as_they_are = found_in(song, copy)

    assert moved > 0.15
    assert moved > 5 * as_they_are


def test_at_speed_one_the_pairs_are_the_song_s_own(config: EngineConfig) -> None:
    rng = np.random.default_rng(0)
    song = pairs_like(rng, config)

    same = hashes_of_copy(song, 1.0, config)

    assert np.array_equal(same.values, song.values) and np.array_equal(same.frames, song.frames)


def test_pairs_moved_out_of_the_target_zone_are_dropped(config: EngineConfig) -> None:
    rng = np.random.default_rng(1)
    song = pairs_like(rng, config)

    for speed in (0.95, 1.05):
        moved = hashes_of_copy(song, speed, config)
        _, delta_bins, delta_frames, _ = unpack(moved.values, config)
        assert 0 < len(moved) < len(song)
        assert delta_frames.min() >= config.target_min_frames
        assert delta_frames.max() <= config.target_max_frames
        assert np.abs(delta_bins).max() <= config.target_max_bins


def pairs_like(rng: np.random.Generator, config: EngineConfig) -> Hashes:
    """Pairs of every field's full range, the frame deltas reaching both ends of the zone."""
    count = 5000
    values = pack(
        rng.integers(config.min_bin, config.max_bin, count),
        rng.integers(-config.target_max_bins, config.target_max_bins + 1, count),
        rng.integers(config.target_min_frames, config.target_max_frames + 1, count),
        rng.integers(-4, 4, count),
        config,
    )
    return Hashes(values, rng.integers(0, 10_000, count).astype(np.int32))
