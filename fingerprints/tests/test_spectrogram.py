from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import scipy.signal

from fingerprints.config import EngineConfig
from fingerprints.spectrogram import frame_count, hann_window, log_spectrogram
from fingerprints.tests.signals import sines
from testsupport.commands import REPO

#: Bin-centred and in-between frequencies across the analysis band.
FREQUENCIES_HZ = [110.0, 440.0, 1001.3, 2583.98, 4950.0]


def band_rows(config: EngineConfig) -> int:
    return config.max_bin - config.min_bin + 1


@pytest.mark.parametrize("frequency_hz", FREQUENCIES_HZ)
def test_sine_peaks_in_the_nearest_bin(config: EngineConfig, frequency_hz: float) -> None:
    samples = sines([frequency_hz], 1, config.sample_rate, 0.5)

    spectrogram = log_spectrogram(samples, config)

    nearest_bin = round(frequency_hz * config.n_fft / config.sample_rate)
    loudest_rows = np.argmax(spectrogram, axis=0)
    assert np.all(loudest_rows + config.min_bin == nearest_bin)


@pytest.mark.parametrize("frequency_hz", FREQUENCIES_HZ)
def test_full_scale_sine_reads_zero_db(config: EngineConfig, frequency_hz: float) -> None:
    samples = sines([frequency_hz], 1, config.sample_rate, 1.0)

    spectrogram = log_spectrogram(samples, config)

    np.testing.assert_allclose(spectrogram.max(axis=0), 0.0, atol=1.5)


def test_level_follows_amplitude_in_db(config: EngineConfig) -> None:
    loud = log_spectrogram(sines([440.0], 1, config.sample_rate, 1.0), config)
    quiet = log_spectrogram(sines([440.0], 1, config.sample_rate, 0.01), config)

    np.testing.assert_allclose(loud.max(axis=0) - quiet.max(axis=0), 40.0, atol=0.01)


def test_frame_count(config: EngineConfig) -> None:
    n_fft, hop = config.n_fft, config.hop_length

    assert frame_count(0, config) == 0
    assert frame_count(n_fft - 1, config) == 0
    assert frame_count(n_fft, config) == 1
    assert frame_count(n_fft + hop - 1, config) == 1
    assert frame_count(n_fft + hop, config) == 2
    assert frame_count(n_fft + 10 * hop + 5, config) == 11


@pytest.mark.parametrize("n_samples", [0, 1000, 1024, 11025, 11025 * 3 + 17])
def test_shape_and_dtype(config: EngineConfig, n_samples: int) -> None:
    samples = np.random.default_rng(0).normal(0, 0.1, n_samples).astype(np.float32)

    spectrogram = log_spectrogram(samples, config)

    assert spectrogram.dtype == np.float32
    assert spectrogram.shape == (band_rows(config), frame_count(n_samples, config))


def test_frame_range_is_the_same_columns_of_the_whole(config: EngineConfig) -> None:
    samples = np.random.default_rng(1).normal(0, 0.1, 3 * config.sample_rate).astype(np.float32)
    whole = log_spectrogram(samples, config)

    part = log_spectrogram(samples, config, start_frame=40, stop_frame=75)

    assert part.shape == (band_rows(config), 35)
    np.testing.assert_allclose(part, whole[:, 40:75], atol=1e-4)


def test_empty_frame_range(config: EngineConfig) -> None:
    samples = np.zeros(config.sample_rate, np.float32)

    assert log_spectrogram(samples, config, 20, 20).shape == (band_rows(config), 0)


def test_silence_reads_far_below_the_floor(config: EngineConfig) -> None:
    spectrogram = log_spectrogram(np.zeros(config.sample_rate, np.float32), config)

    assert np.isfinite(spectrogram).all()
    assert spectrogram.max() < config.silence_floor_db


@pytest.mark.parametrize("n_fft", [256, 1024, 2048])
def test_the_window_is_scipys_periodic_hann(n_fft: int) -> None:
    """Songs indexed with ``scipy.signal``'s window match queries analysed with this one only
    if the two are the same to the bit."""
    expected = scipy.signal.get_window("hann", n_fft).astype(np.float32)

    assert np.array_equal(hann_window(n_fft), expected)


def test_analysis_does_not_import_scipy_signal() -> None:
    """A fresh interpreter that loads the pipeline and analyses a signal never loads
    ``scipy.signal``, which alone costs about 50 MiB of every process's memory."""
    code = (
        "import sys, numpy as np\n"
        "import fingerprints.windows, recognition.identification\n"
        "from fingerprints.config import EngineConfig\n"
        "from fingerprints.spectrogram import log_spectrogram\n"
        "log_spectrogram(np.zeros(22050, np.float32), EngineConfig())\n"
        "print('scipy.signal' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)

    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
