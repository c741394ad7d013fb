"""Constellation peaks of a signal that arrives block by block, as a decoder yields it.

The samples of a few minutes are held at a time, so indexing an hours-long file costs the
memory of its peaks, not of its signal (four hours at 11 025 Hz are 635 MB of float32).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .config import Density, EngineConfig
from .peaks import Peaks, find_peaks
from .spectrogram import frame_count

#: Frames of peaks settled by each ``find_peaks`` call, in chunks of ``config.chunk_seconds``:
#: 10 chunks (5 minutes) make the margins analysed twice a small share of the work.
WINDOW_CHUNKS = 10


def find_peaks_in_blocks(
    blocks: Iterable[np.ndarray], config: EngineConfig, density: Density
) -> tuple[Peaks, int]:
    """``find_peaks`` of the concatenated 1-D float32 ``blocks``, and their total length in
    samples.

    Each window of frames is analysed with a margin of frames either side, so that its peaks
    are those of the whole signal: a peak depends on the frames within half a neighbourhood
    and half a density window of it, and the margin is a whole window and neighbourhood.
    """
    window = WINDOW_CHUNKS * max(1, config.seconds_to_frames(config.chunk_seconds))
    margin = config.seconds_to_frames(config.density_window_seconds) + config.neighbourhood_frames
    held: list[np.ndarray] = []
    held_from = 0  # the frame at which the held samples start
    settled = 0  # peaks before this frame are final
    found: list[Peaks] = []
    total = 0
    for block in blocks:
        held.append(block)
        total += len(block)
        while frame_count(sum(map(len, held)), config) >= settled - held_from + window + margin:
            signal = np.concatenate(held)
            found.append(
                _peaks_within(signal, held_from, settled, settled + window, config, density)
            )
            settled += window
            held = [signal[(settled - margin - held_from) * config.hop_length :]]
            held_from = settled - margin
    signal = np.concatenate(held) if held else np.zeros(0, np.float32)
    found.append(_peaks_within(signal, held_from, settled, None, config, density))
    return Peaks.concatenate(found), total


def _peaks_within(
    signal: np.ndarray,
    signal_from: int,
    start: int,
    stop: int | None,
    config: EngineConfig,
    density: Density,
) -> Peaks:
    """The peaks of ``signal``, which starts at frame ``signal_from``, in frames [start, stop)
    (to its end when ``stop`` is None), numbered as frames of the whole signal."""
    peaks = find_peaks(signal, config, density)
    frames = peaks.frames + np.int32(signal_from)
    keep = frames >= start
    if stop is not None:
        keep &= frames < stop
    return Peaks(frames[keep], peaks.bins[keep], peaks.levels[keep])
