from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import soxr

from fingerprints.config import EngineConfig
from fingerprints.peaks import find_peaks
from fingerprints.streamed_peaks import find_peaks_in_blocks
from testsupport.music import SAMPLE_RATE, synth_song


@pytest.fixture(scope="module")
def signal() -> np.ndarray:
    """A song at the analysis rate, long enough for three windows of short chunks."""
    return soxr.resample(synth_song(11, 100.0), SAMPLE_RATE, 11025).astype(np.float32)


@pytest.mark.parametrize("block_samples", [4_000, 110_250, 10**7], ids=["small", "10 s", "one"])
def test_streamed_peaks_are_those_of_the_whole_signal(
    signal: np.ndarray, config: EngineConfig, block_samples: int
) -> None:
    # 3 s chunks make a 30 s window, so 100 s of song cross three window edges.
    short_chunks = dataclasses.replace(config, chunk_seconds=3.0)
    blocks = [signal[i : i + block_samples] for i in range(0, len(signal), block_samples)]

    streamed, n_samples = find_peaks_in_blocks(blocks, short_chunks, short_chunks.index_density)
    whole = find_peaks(signal, short_chunks, short_chunks.index_density)

    assert n_samples == len(signal)
    assert len(whole) > 1500
    np.testing.assert_array_equal(streamed.frames, whole.frames)
    np.testing.assert_array_equal(streamed.bins, whole.bins)
    np.testing.assert_array_equal(streamed.levels, whole.levels)


def test_no_blocks_are_no_peaks(config: EngineConfig) -> None:
    peaks, n_samples = find_peaks_in_blocks([], config, config.index_density)

    assert len(peaks) == 0 and n_samples == 0
