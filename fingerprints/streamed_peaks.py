"""Constellation peaks of a signal that arrives block by block, as a decoder yields it.

The samples of two minutes or so are held at a time, so analysing an hours-long file costs the
memory of its peaks, not of its signal (four hours at 11 025 Hz are 635 MB of float32).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .config import Density, EngineConfig
from .peaks import Peaks, find_peaks
from .spectrogram import frame_count

#: Frames of peaks settled by each ``find_peaks`` call, in chunks of ``config.chunk_seconds``:
#: with 4 chunks (2 minutes) the margins analysed twice are about 1 % of the work, and the
#: samples held (a few copies of those minutes) stay a small part of a process's memory.
WINDOW_CHUNKS = 4


@dataclass(frozen=True)
class SettledPeaks:
    """The peaks of a stretch of the signal that no later block can change.

    ``phases[k]`` holds the peaks of the signal analysed from its sample ``phase_samples[k]``
    on (frames counted from there), in frames from the previous stretch's ``until_frame`` to
    this one's; the last stretch reaches to the signal's end. ``samples_read`` is how many
    samples the stream had taken when the stretch was settled.
    """

    until_frame: int
    phases: list[Peaks]
    samples_read: int


def stream_peaks(
    blocks: Iterable[np.ndarray],
    config: EngineConfig,
    density: Density,
    phase_samples: Sequence[int] = (0,),
) -> Iterator[SettledPeaks]:
    """The peaks of the concatenated 1-D float32 ``blocks`` as ``find_peaks`` would find them
    in the whole signal (from each of ``phase_samples`` on), a stretch at a time.

    Each window of frames is analysed with a margin of ``settling_frames`` either side, so
    that its peaks are those of the whole signal.
    """
    window = WINDOW_CHUNKS * max(1, config.seconds_to_frames(config.chunk_seconds))
    margin = settling_frames(config)
    held: list[np.ndarray] = []
    held_from = 0  # the frame at which the held samples start
    settled = 0  # peaks before this frame are final
    total = 0
    for block in blocks:
        held.append(block)
        total += len(block)
        while frame_count(sum(map(len, held)), config) >= settled - held_from + window + margin:
            signal = np.concatenate(held)
            phases = [
                _peaks_within(signal, held_from, shift, settled, settled + window, config, density)
                for shift in phase_samples
            ]
            settled += window
            yield SettledPeaks(settled, phases, total)
            # A copy of the margin alone, so that the minutes before it are freed now.
            held = [signal[(settled - margin - held_from) * config.hop_length :].copy()]
            held_from = settled - margin
    signal = np.concatenate(held) if held else np.zeros(0, np.float32)
    phases = [
        _peaks_within(signal, held_from, shift, settled, None, config, density)
        for shift in phase_samples
    ]
    yield SettledPeaks(max(settled, frame_count(total, config)), phases, total)


def settling_frames(config: EngineConfig) -> int:
    """Frames from a signal's start after which its peaks are those of any longer signal it
    ends: a peak depends on the frames within half a neighbourhood and half a density window
    of it, and this is a whole window and neighbourhood (more than the largest phase, which
    is under a hop)."""
    return config.seconds_to_frames(config.density_window_seconds) + config.neighbourhood_frames


def find_peaks_in_blocks(
    blocks: Iterable[np.ndarray], config: EngineConfig, density: Density
) -> tuple[Peaks, int]:
    """``find_peaks`` of the concatenated 1-D float32 ``blocks``, and their total length in
    samples."""
    stretches = list(stream_peaks(blocks, config, density))
    return Peaks.concatenate([s.phases[0] for s in stretches]), stretches[-1].samples_read


def _peaks_within(
    signal: np.ndarray,
    signal_from: int,
    shift: int,
    start: int,
    stop: int | None,
    config: EngineConfig,
    density: Density,
) -> Peaks:
    """The peaks of ``signal`` from its sample ``shift`` on, in frames [start, stop) (to its
    end when ``stop`` is None), numbered as frames of the whole signal from that sample on;
    ``signal`` starts at frame ``signal_from`` of the whole signal."""
    peaks = find_peaks(signal[shift:], config, density)
    frames = peaks.frames + np.int32(signal_from)
    keep = frames >= start
    if stop is not None:
        keep &= frames < stop
    return Peaks(frames[keep], peaks.bins[keep], peaks.levels[keep])
