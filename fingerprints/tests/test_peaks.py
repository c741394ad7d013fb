from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.ndimage
import soxr

from fingerprints.config import EngineConfig
from fingerprints.peaks import Peaks, _densest, _sliding_max, find_peaks
from fingerprints.tests.signals import sines
from testsupport.library import SongLibrary
from testsupport.music import synth_song


def gain(db: float) -> np.float32:
    return np.float32(10 ** (db / 20))


def peaks_per_second(peaks: Peaks, config: EngineConfig, start_s: float, stop_s: float) -> float:
    seconds = config.frames_to_seconds(peaks.frames)
    return np.count_nonzero((seconds >= start_s) & (seconds < stop_s)) / (stop_s - start_s)


def assert_steady(quiet_rate: float, loud_rate: float, config: EngineConfig) -> None:
    assert quiet_rate == pytest.approx(loud_rate, rel=0.25)
    assert loud_rate == pytest.approx(config.index_density.peaks_per_second, rel=0.25)
    assert quiet_rate == pytest.approx(config.index_density.peaks_per_second, rel=0.25)


@pytest.fixture(params=range(5), ids=lambda index: f"song{index + 1}")
def library_song(
    request: pytest.FixtureRequest, song_library: SongLibrary, config: EngineConfig
) -> np.ndarray:
    """A 30 s library song at the analysis rate."""
    samples = song_library.songs[request.param].samples
    return soxr.resample(samples, song_library.sample_rate, config.sample_rate)


@pytest.mark.parametrize(
    "frequencies_hz", [[440.0], [300.0, 1000.0, 2500.0], [250.0, 1234.5, 4000.0]]
)
def test_steady_tones_peak_at_their_bins(config: EngineConfig, frequencies_hz: list[float]) -> None:
    samples = sines(frequencies_hz, 5, config.sample_rate)

    peaks = find_peaks(samples, config, config.index_density)

    expected = {round(f * config.n_fft / config.sample_rate) for f in frequencies_hz}
    assert set(peaks.bins.tolist()) == expected


@pytest.mark.parametrize("level_db", [None, -100.0], ids=["digital-silence", "dither"])
def test_silence_has_no_peaks(config: EngineConfig, level_db: float | None) -> None:
    samples = np.zeros(10 * config.sample_rate, np.float32)
    if level_db is not None:
        noise = np.random.default_rng(0).normal(0, gain(level_db), len(samples))
        samples += noise.astype(np.float32)

    assert len(find_peaks(samples, config, config.index_density)) == 0


def test_quiet_copy_keeps_the_density(library_song: np.ndarray, config: EngineConfig) -> None:
    seconds = len(library_song) / config.sample_rate
    loud = find_peaks(library_song, config, config.index_density)
    quiet = find_peaks(library_song * gain(-35), config, config.index_density)

    assert_steady(len(quiet) / seconds, len(loud) / seconds, config)


def test_quieter_second_half_keeps_the_density(
    library_song: np.ndarray, config: EngineConfig
) -> None:
    samples = library_song.copy()
    half = len(samples) // 2
    samples[half:] *= gain(-30)
    half_s = half / config.sample_rate

    peaks = find_peaks(samples, config, config.index_density)

    # A second clear of the step on each side: the density window straddles it there.
    quiet_rate = peaks_per_second(peaks, config, half_s + 1, 2 * half_s - 1)
    loud_rate = peaks_per_second(peaks, config, 1, half_s - 1)
    assert_steady(quiet_rate, loud_rate, config)


def test_chunked_analysis_equals_whole(config: EngineConfig) -> None:
    samples = synth_song(11, 30, sample_rate=config.sample_rate)

    chunked = find_peaks(
        samples, dataclasses.replace(config, chunk_seconds=5), config.index_density
    )
    whole = find_peaks(
        samples, dataclasses.replace(config, chunk_seconds=1000), config.index_density
    )

    assert len(whole) > 0
    np.testing.assert_array_equal(chunked.frames, whole.frames)
    np.testing.assert_array_equal(chunked.bins, whole.bins)


def test_peaks_are_sorted_and_deterministic(config: EngineConfig) -> None:
    samples = synth_song(12, 10, sample_rate=config.sample_rate)

    first, second = (
        find_peaks(samples, config, config.index_density),
        find_peaks(samples.copy(), config, config.index_density),
    )

    np.testing.assert_array_equal(first.frames, second.frames)
    np.testing.assert_array_equal(first.bins, second.bins)
    assert np.all(np.lexsort((first.bins, first.frames)) == np.arange(len(first)))
    assert np.all((first.bins >= config.min_bin) & (first.bins <= config.max_bin))


@pytest.mark.parametrize("shape", [(455, 215), (455, 2), (6, 40), (1, 1)])
@pytest.mark.parametrize("size", [(15, 7), (3, 1), (31, 9)])
def test_neighbourhood_maximum_is_scipys_maximum_filter(
    shape: tuple[int, int], size: tuple[int, int]
) -> None:
    values = np.random.default_rng(7).normal(size=shape).astype(np.float32)
    values[::3] = np.round(values[::3])  # ties

    ours = _sliding_max(_sliding_max(values, size[0], axis=0), size[1], axis=1)

    np.testing.assert_array_equal(
        ours, scipy.ndimage.maximum_filter(values, size=size, mode="nearest")
    )


def _densest_by_definition(
    frames: np.ndarray, scores: np.ndarray, config: EngineConfig, peaks_per_second: float
) -> np.ndarray:
    """A peak is kept when fewer than the allowed number of the others within half a window
    of it are louder, or as loud and earlier."""
    half_window = config.seconds_to_frames(config.density_window_seconds / 2)
    allowed = max(1, round(peaks_per_second * config.density_window_seconds))
    kept = []
    for i, (frame, score) in enumerate(zip(frames, scores)):
        near = np.abs(frames - frame) <= half_window
        earlier = np.arange(len(frames)) < i
        beaten_by = near & ((scores > score) | ((scores == score) & earlier))
        kept.append(beaten_by.sum() < allowed)
    return np.array(kept, bool)


@pytest.mark.parametrize("seed", range(6))
def test_density_keeps_the_loudest_of_each_window(seed: int, config: EngineConfig) -> None:
    rng = np.random.default_rng(seed)
    count = int(rng.integers(0, 400))
    frames = np.sort(rng.integers(0, 40 * (seed + 1), count)).astype(np.int32)
    scores = rng.integers(-60, -50, count).astype(np.float32)  # many ties

    np.testing.assert_array_equal(
        _densest(frames, scores, config, 5.0), _densest_by_definition(frames, scores, config, 5.0)
    )
