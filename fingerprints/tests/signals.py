"""Plain test signals for the signal layers (music-like songs come from ``testsupport.music``)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def sines(
    frequencies_hz: Iterable[float], seconds: float, sample_rate: int, amplitude: float = 0.3
) -> np.ndarray:
    """A float32 sum of steady sines, each of ``amplitude``."""
    time = np.arange(int(seconds * sample_rate)) / sample_rate
    total = sum(amplitude * np.sin(2 * np.pi * f * time) for f in frequencies_hz)
    return np.asarray(total, dtype=np.float32)


def dominant_frequency_hz(samples: np.ndarray, sample_rate: int) -> float:
    """Frequency of the strongest FFT bin of the whole signal."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * sample_rate / len(samples))
