"""Constellation peaks: the loudest local maxima of the spectrogram, at a steady density.

Peaks are ranked by their level against the other peaks of the surrounding second only, so
quiet passages keep as many peaks as loud ones. Ranking by absolute level, rather than by
prominence over the neighbouring bins, is what survives added noise: the loudest partials of
the music stay the loudest under white noise at 0 dB SNR, while the most prominent ones are
often quiet partials that the noise floor swallows (measured on 36 real-music clips: 83 % vs
44 % of 5 s clips keeping ≥ 10 aligned hashes at 0 dB SNR).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import Density, EngineConfig
from .spectrogram import frame_count, log_spectrogram


@dataclass(frozen=True)
class Peaks:
    """Peaks as parallel int32 arrays, sorted by frame and then by FFT bin."""

    frames: np.ndarray
    bins: np.ndarray

    def __len__(self) -> int:
        return len(self.frames)


def find_peaks(samples: np.ndarray, config: EngineConfig, density: Density) -> Peaks:
    """Constellation of ``samples`` (1-D float32 at ``config.sample_rate``) at ``density``'s
    peaks per second.

    The signal is analysed in chunks with enough overlap that the result does not depend on
    where the chunks fall, so memory stays bounded for hour-long files.
    """
    total = frame_count(len(samples), config)
    chunk = max(1, round(config.chunk_seconds * config.frames_per_second))
    margin = config.neighbourhood_frames // 2 + _half_window_frames(config) + 1
    frames, bins = [], []
    for start in range(0, total, chunk):
        stop = min(total, start + chunk)
        first = max(0, start - margin)
        spectrogram = log_spectrogram(samples, config, first, min(total, stop + margin))
        chunk_frames, chunk_bins, scores = _local_maxima(spectrogram, config)
        chunk_frames += first
        keep = _densest(chunk_frames, scores, config, density.peaks_per_second)
        keep &= (chunk_frames >= start) & (chunk_frames < stop)
        frames.append(chunk_frames[keep])
        bins.append(chunk_bins[keep] + config.min_bin)
    if not frames:
        return Peaks(np.zeros(0, np.int32), np.zeros(0, np.int32))
    return Peaks(np.concatenate(frames), np.concatenate(bins))


def _local_maxima(
    spectrogram: np.ndarray, config: EngineConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Frames, band-relative bins and levels (dB) of each neighbourhood maximum."""
    highest = _sliding_max(spectrogram, config.neighbourhood_bins, axis=0)
    highest = _sliding_max(highest, config.neighbourhood_frames, axis=1)
    is_max = spectrogram == highest
    is_max &= spectrogram > config.silence_floor_db
    frames, bins = np.nonzero(is_max.T)
    return frames.astype(np.int32), bins.astype(np.int32), spectrogram[bins, frames]


def _sliding_max(values: np.ndarray, size: int, axis: int) -> np.ndarray:
    """Maximum over the window of ``size`` (odd) centred on each element along ``axis``, the
    edge values repeated beyond the ends: ``scipy.ndimage.maximum_filter1d``'s result at a
    sixth of its time on spectrograms (maxima of windows of doubling width, then one more
    maximum of two overlapping windows)."""
    half = size // 2
    padding = [(0, 0)] * values.ndim
    padding[axis] = (half, half)
    result = np.pad(values, padding, mode="edge")

    def shifted(start: int, stop: int) -> tuple[slice, ...]:
        index = [slice(None)] * values.ndim
        index[axis] = slice(start, stop)
        return tuple(index)

    length, width = result.shape[axis], 1
    while 2 * width <= size:
        result = np.maximum(result[shifted(0, length - width)], result[shifted(width, length)])
        length, width = length - width, 2 * width
    rest = size - width
    if rest:
        result = np.maximum(result[shifted(0, length - rest)], result[shifted(rest, length)])
    return result


def _half_window_frames(config: EngineConfig) -> int:
    return round(config.density_window_seconds * config.frames_per_second / 2)


def _densest(
    frames: np.ndarray, scores: np.ndarray, config: EngineConfig, peaks_per_second: float
) -> np.ndarray:
    """Mask of the peaks that rank among the ``peaks_per_second × window`` loudest of the
    window centred on them. Ties go to the earlier peak, so the result is deterministic.

    ``frames`` must be sorted. Loops over neighbour distance, not over peaks: each pass
    compares every peak with the one ``d`` places later, and stops once no such pair shares a
    window.
    """
    half_window = _half_window_frames(config)
    allowed = max(1, round(peaks_per_second * config.density_window_seconds))
    beaten_by = np.zeros(len(frames), np.int32)
    for d in range(1, len(frames)):
        together = frames[d:] - frames[:-d] <= half_window
        if not together.any():
            break
        earlier, later = scores[:-d], scores[d:]
        beaten_by[:-d] += together & (later > earlier)
        beaten_by[d:] += together & (earlier >= later)
    return beaten_by < allowed
