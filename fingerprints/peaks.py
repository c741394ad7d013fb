"""Constellation peaks: the loudest local maxima of the spectrogram, at a steady density.

Peaks are ranked by their level against the other peaks of the surrounding second only, so
quiet passages keep as many peaks as loud ones. Ranking by absolute level, rather than by
prominence over the neighbouring bins, is what survives added noise: the loudest partials of
the music stay the loudest under white noise at 0 dB SNR, while the most prominent ones are
often quiet partials that the noise floor swallows (see docs/tuning.md#peak-ranking).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .config import Density, EngineConfig
from .spectrogram import frame_count, log_spectrogram


@dataclass(frozen=True)
class Peaks:
    """Peaks as parallel arrays, sorted by frame and then by FFT bin: int32 ``frames`` and
    ``bins``, float32 ``levels`` (dB re a full-scale sine)."""

    frames: np.ndarray
    bins: np.ndarray
    levels: np.ndarray

    def __len__(self) -> int:
        return len(self.frames)

    @classmethod
    def concatenate(cls, parts: Sequence[Peaks]) -> Peaks:
        """The peaks of ``parts``, in their order."""
        return cls(
            np.concatenate([part.frames for part in parts]),
            np.concatenate([part.bins for part in parts]),
            np.concatenate([part.levels for part in parts]),
        )


def find_peaks(samples: np.ndarray, config: EngineConfig, density: Density) -> Peaks:
    """Constellation of ``samples`` (1-D float32 at ``config.sample_rate``) at ``density``'s
    peaks per second.

    The signal is analysed in chunks with enough overlap that the result does not depend on
    where the chunks fall, so memory stays bounded for hour-long files.
    """
    total = frame_count(len(samples), config)
    chunk = max(1, config.seconds_to_frames(config.chunk_seconds))
    margin = config.neighbourhood_frames // 2 + _half_window_frames(config) + 1
    frames, bins, levels = [], [], []
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
        levels.append(scores[keep].astype(np.float32))
    if not frames:
        return Peaks(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.float32))
    return Peaks(np.concatenate(frames), np.concatenate(bins), np.concatenate(levels))


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
    edge values repeated beyond the ends: ``scipy.ndimage.maximum_filter1d``'s result, from
    maxima of windows of doubling width and one more maximum of two overlapping windows,
    faster (see docs/tuning.md#implementation-speed)."""
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


def places_within(frames: np.ndarray, span_frames: int) -> int:
    """The most places any peak of sorted ``frames`` has after it within ``span_frames``: a
    peak's neighbours in time are among that many on either side of it."""
    last_within = np.searchsorted(frames, frames + span_frames, side="right") - 1
    return int((last_within - np.arange(len(frames))).max(initial=0))


def _half_window_frames(config: EngineConfig) -> int:
    return config.seconds_to_frames(config.density_window_seconds / 2)


def _densest(
    frames: np.ndarray, scores: np.ndarray, config: EngineConfig, peaks_per_second: float
) -> np.ndarray:
    """Mask of the peaks that rank among the ``peaks_per_second × window`` loudest of the
    window centred on them. Ties go to the earlier peak, so the result is deterministic.

    ``frames`` must be sorted, so a peak's window holds the peaks up to ``reach`` places
    either side of it (those that are also near enough in time): each peak is compared with
    all of them at once, one row of a matrix of neighbours (see
    docs/tuning.md#implementation-speed).
    """
    half_window = _half_window_frames(config)
    allowed = max(1, round(peaks_per_second * config.density_window_seconds))
    reach = places_within(frames, half_window)
    if reach == 0:
        return np.ones(len(frames), bool)
    width = 2 * reach + 1
    far = np.iinfo(np.int32).min // 2
    neighbour_scores = sliding_window_view(np.pad(scores, reach, constant_values=-np.inf), width)
    neighbour_frames = sliding_window_view(np.pad(frames, reach, constant_values=far), width)
    near = np.abs(neighbour_frames - frames[:, None]) <= half_window
    own = scores[:, None]
    beats = np.concatenate(
        [neighbour_scores[:, :reach] >= own, neighbour_scores[:, reach:] > own], axis=1
    )
    return np.count_nonzero(near & beats, axis=1) < allowed
