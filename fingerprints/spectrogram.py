"""STFT log-magnitude spectrogram of the analysis band."""

from __future__ import annotations

import functools

import numpy as np
import scipy.fft

from .config import EngineConfig

#: The floor of the spectrogram, −200 dB: far below any peak, and log10 never sees a zero.
_FLOOR_POWER_RATIO = 1e-20


def frame_count(n_samples: int, config: EngineConfig) -> int:
    """Number of whole frames in ``n_samples``; frame ``t`` starts at sample ``t * hop_length``."""
    if n_samples < config.n_fft:
        return 0
    return 1 + (n_samples - config.n_fft) // config.hop_length


def log_spectrogram(
    samples: np.ndarray, config: EngineConfig, start_frame: int = 0, stop_frame: int | None = None
) -> np.ndarray:
    """Log-magnitude spectrogram in dB re a full-scale sine, of frames [start, stop).

    ``samples``: 1-D float32 at ``config.sample_rate``. Returns float32 of shape
    ``(config.max_bin - config.min_bin + 1, n_frames)``: row ``i`` is FFT bin
    ``config.min_bin + i``, column ``j`` is frame ``start_frame + j``.
    """
    stop = frame_count(len(samples), config) if stop_frame is None else stop_frame
    if stop <= start_frame:
        return np.zeros((config.max_bin - config.min_bin + 1, 0), np.float32)
    first = start_frame * config.hop_length
    last = (stop - 1) * config.hop_length + config.n_fft
    frames = np.lib.stride_tricks.sliding_window_view(samples[first:last], config.n_fft)
    frames = frames[:: config.hop_length] * hann_window(config.n_fft)
    spectrum = scipy.fft.rfft(frames, axis=1)[:, config.min_bin : config.max_bin + 1]
    # In place, in one array: fewer passes over the spectrum (see
    # docs/tuning.md#implementation-speed).
    power = np.square(spectrum.real)
    power += np.square(spectrum.imag)
    # A full-scale sine under a Hann window peaks at n_fft / 4 in magnitude.
    power *= np.float32(1 / (config.n_fft / 4) ** 2)
    np.maximum(power, np.float32(_FLOOR_POWER_RATIO), out=power)
    np.log10(power, out=power)
    power *= np.float32(10)
    return power.T


@functools.cache
def hann_window(n_fft: int) -> np.ndarray:
    """The periodic Hann window of ``n_fft`` samples, as float32. Built with numpy: importing
    ``scipy.signal`` for it would cost every process about 50 MiB of memory."""
    return np.hanning(n_fft + 1)[:-1].astype(np.float32)
