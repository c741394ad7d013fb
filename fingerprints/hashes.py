"""Pairs of peaks hashed into integers, each with the frame of its anchor.

The bit layout, most significant first (widths from ``EngineConfig``)::

    | anchor bin | target bin − anchor bin + 2^(delta_bin_bits−1) | Δframes |
    | level step of the target against the anchor + 2^(level_bits−1) |

The delta of bins rather than the target's own bin keeps the hash meaningful when a whole
recording is shifted by a bin or two (a slightly sped-up source still pairs the same notes).
A query *probes* levels: a pair whose level difference sits near the boundary between two
steps is hashed under both (see ``EngineConfig.level_probe_margin``); a song's pairs are hashed
once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import Density, EngineConfig
from .peaks import Peaks, places_within

#: One more than the largest frame ``Hashes.distinct`` packs beside a value.
_FRAME_KEY = 1 << 31


@dataclass(frozen=True)
class Hashes:
    """``values``: int64 hashes; ``frames``: int32 anchor frame of each, same length."""

    values: np.ndarray
    frames: np.ndarray

    def __len__(self) -> int:
        return len(self.values)

    def distinct(self) -> Hashes:
        """The distinct (value, frame) pairs, sorted by value and then by frame.

        Each pair is sorted as one int64, the value above the frame's 31 bits: several times
        faster than ``np.unique`` of rows. Values must lie in 0..2**32 − 1 (what the store's
        hash sets hold), frames in 0..2**31 − 1."""
        values, frames = self.values.astype(np.int64), self.frames.astype(np.int64)
        if len(values) and not (
            values.min() >= 0
            and values.max() < 1 << 32
            and frames.min() >= 0
            and frames.max() < _FRAME_KEY
        ):
            raise ValueError("hash values must lie in 0..2**32 - 1 and frames in 0..2**31 - 1")
        keys = np.unique((values << 31) | frames)
        return Hashes(keys >> 31, (keys & (_FRAME_KEY - 1)).astype(np.int32))


def pack(
    anchor_bins: np.ndarray,
    delta_bins: np.ndarray,
    delta_frames: np.ndarray,
    level_steps: np.ndarray,
    config: EngineConfig,
) -> np.ndarray:
    """Pack the four fields into int64 hashes (see the module docstring for the layout)."""
    bin_offset = 1 << (config.delta_bin_bits - 1)
    level_offset = 1 << (config.level_bits - 1)
    value = anchor_bins.astype(np.int64) << config.delta_bin_bits
    value |= delta_bins.astype(np.int64) + bin_offset
    value = (value << config.delta_frame_bits) | delta_frames.astype(np.int64)
    return (value << config.level_bits) | (level_steps.astype(np.int64) + level_offset)


def unpack(
    values: np.ndarray, config: EngineConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Inverse of :func:`pack`: anchor bins, bin deltas (signed), frame deltas and level steps
    (signed)."""
    level_steps = (values & ((1 << config.level_bits) - 1)) - (1 << (config.level_bits - 1))
    values = values >> config.level_bits
    delta_frames = values & ((1 << config.delta_frame_bits) - 1)
    values = values >> config.delta_frame_bits
    delta_bins = (values & ((1 << config.delta_bin_bits) - 1)) - (1 << (config.delta_bin_bits - 1))
    anchor_bins = values >> config.delta_bin_bits
    return anchor_bins, delta_bins, delta_frames, level_steps


def level_steps(delta_db: np.ndarray, config: EngineConfig) -> np.ndarray:
    """Level differences (dB) in whole steps of ``config.level_step_db``, rounded half up and
    clipped to what ``config.level_bits`` holds."""
    return _clipped_steps(np.floor(delta_db / config.level_step_db + 0.5), config)


def neighbouring_steps(delta_db: np.ndarray, config: EngineConfig) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (indices into ``delta_db``) whose level difference lies within
    ``config.level_probe_margin`` of a step of a rounding boundary, each with the step on the
    boundary's other side: where noise may have moved the pair."""
    position = delta_db / config.level_step_db + 0.5
    whole = np.floor(position)
    fraction = position - whole
    steps = _clipped_steps(whole, config)
    below = np.flatnonzero(fraction < config.level_probe_margin)
    above = np.flatnonzero(fraction > 1 - config.level_probe_margin)
    rows = np.concatenate([below, above])
    neighbours = _clipped_steps(np.concatenate([steps[below] - 1, steps[above] + 1]), config)
    differs = neighbours != steps[rows]
    return rows[differs], neighbours[differs]


def _clipped_steps(steps: np.ndarray, config: EngineConfig) -> np.ndarray:
    highest = (1 << (config.level_bits - 1)) - 1
    return np.clip(steps, -highest - 1, highest).astype(np.int64)


def hash_peaks(
    peaks: Peaks, config: EngineConfig, density: Density, *, probe_levels: bool = False
) -> Hashes:
    """Pair each peak with up to ``density.fan_out`` of the first peaks after it in its target
    zone; ``probe_levels`` (queries) also hashes a pair under a neighbouring level step when it
    sits near the boundary."""
    anchors, targets = pair_peaks(peaks, config, density)
    return _hash_pairs(
        peaks.frames, peaks.bins, peaks.levels, anchors, targets, config, probe_levels
    )


def _hash_pairs(
    frames: np.ndarray,
    bins: np.ndarray,
    levels: np.ndarray,
    anchors: np.ndarray,
    targets: np.ndarray,
    config: EngineConfig,
    probe_levels: bool,
) -> Hashes:
    """The hashes of the (anchor, target) pairs of peaks at ``frames`` and ``bins`` with
    ``levels``, in the pairs' order, a probed step right after its pair."""
    delta_db = levels[targets] - levels[anchors]
    rows = np.arange(len(anchors))
    steps = level_steps(delta_db, config)
    if probe_levels:
        probed_rows, probed_steps = neighbouring_steps(delta_db, config)
        order = np.argsort(np.concatenate([rows, probed_rows]), kind="stable")
        rows = np.concatenate([rows, probed_rows])[order]
        steps = np.concatenate([steps, probed_steps])[order]
    anchors, targets = anchors[rows], targets[rows]
    values = pack(
        bins[anchors],
        bins[targets] - bins[anchors],
        frames[targets] - frames[anchors],
        steps,
        config,
    )
    return Hashes(values, frames[anchors])


def merge_phases(phases: list[Hashes]) -> Hashes:
    """One set of hashes from analyses of the same clip started ``k / len(phases)`` of a hop
    late (``phases[k]``, its frames counted from its own start), as anchor frames of the
    first analysis, rounded down.

    A hash is dropped when an earlier phase holds the same value less than a frame away:
    a pair of peaks stable enough to be found at several phases votes once, and only the
    pairs a phase adds (peaks that ranked differently because the frames fell elsewhere on
    the music) count on top.
    """
    count = len(phases)
    values = phases[0].values.astype(np.int64)
    ticks = phases[0].frames.astype(np.int64) * count  # time in 1/count of a frame
    for k, phase in enumerate(phases[1:], start=1):
        kept = np.sort((values << 32) | ticks)
        new_ticks = phase.frames.astype(np.int64) * count + k
        keys = (phase.values.astype(np.int64) << 32) | new_ticks
        near = np.zeros(len(keys), bool)
        if len(kept):
            after = np.searchsorted(kept, keys).clip(max=len(kept) - 1)
            before = (after - 1).clip(min=0)
            for neighbour in (kept[before], kept[after]):
                near |= ((neighbour >> 32) == phase.values) & (
                    np.abs((neighbour & 0xFFFFFFFF) - new_ticks) < count
                )
        values = np.concatenate([values, phase.values[~near].astype(np.int64)])
        ticks = np.concatenate([ticks, new_ticks[~near]])
    return Hashes(values, (ticks // count).astype(np.int32))


def hashes_at_speeds(
    peaks: Peaks, speeds: tuple[float, ...], config: EngineConfig, density: Density
) -> list[Hashes]:
    """For each of ``speeds``, the hashes of the clip's peak pairs as they would be had the
    clip not been played ``speed`` times too fast: each peak later by ``speed`` in time and
    lower by it in frequency, rounded to frames and bins.

    An approximation of re-analysing resampled audio (rounding loses most hashes) that costs
    next to nothing, to find which speed is worth re-analysing. The peaks are paired once, at
    their played speed, and every pair is moved, which finds the played speed as often as
    pairing each speed's moved peaks anew (see docs/tuning.md#speed-search). Pairs moved out
    of the target zone are dropped.
    """
    anchors, targets = pair_peaks(peaks, config, density)
    moved = []
    for speed in speeds:
        frames = np.round(peaks.frames * speed).astype(np.int32)
        bins = np.round(peaks.bins / speed).astype(np.int32)
        kept = _in_target_zone(
            frames[targets] - frames[anchors], bins[targets] - bins[anchors], config
        )
        moved.append(
            _hash_pairs(
                frames, bins, peaks.levels, anchors[kept], targets[kept], config, probe_levels=True
            )
        )
    return moved


def pair_peaks(
    peaks: Peaks, config: EngineConfig, density: Density
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of (anchor, target) pairs, ordered by anchor then target.

    Peaks are sorted by frame, so the targets an anchor may have are among the ``reach``
    peaks after it. Each anchor is offered them all at once, in time order, as one row of a
    matrix of candidates, which keeps the first ``density.fan_out`` inside the zone (see
    docs/tuning.md#implementation-speed). The anchors of a long recording go a block at a
    time, so memory stays bounded.
    """
    reach = places_within(peaks.frames, config.target_max_frames)
    if reach == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    blocks = [
        _pair_block(
            peaks,
            np.arange(start, min(start + _ANCHORS_PER_BLOCK, len(peaks))),
            reach,
            config,
            density,
        )
        for start in range(0, len(peaks), _ANCHORS_PER_BLOCK)
    ]
    return np.concatenate([a for a, _ in blocks]), np.concatenate([t for _, t in blocks])


#: Anchors paired at once: an hour of peaks at a time would take hundreds of MB.
_ANCHORS_PER_BLOCK = 1 << 15


def _pair_block(
    peaks: Peaks, anchors: np.ndarray, reach: int, config: EngineConfig, density: Density
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of ``anchors`` (consecutive peak indices), whose targets are within ``reach``
    places of them."""
    candidates = anchors[:, None] + np.arange(1, reach + 1)
    exists = candidates < len(peaks)
    candidates = np.minimum(candidates, len(peaks) - 1)
    in_zone = exists & _in_target_zone(
        peaks.frames[candidates] - peaks.frames[anchors, None],
        peaks.bins[candidates] - peaks.bins[anchors, None],
        config,
    )
    in_zone &= np.cumsum(in_zone, axis=1, dtype=np.int32) <= density.fan_out
    rows, columns = np.nonzero(in_zone)
    return anchors[rows], candidates[rows, columns]


def _in_target_zone(
    delta_frames: np.ndarray, delta_bins: np.ndarray, config: EngineConfig
) -> np.ndarray:
    """Which targets, this many frames and bins from their anchors, sit in its target zone."""
    in_time = (delta_frames >= config.target_min_frames) & (
        delta_frames <= config.target_max_frames
    )
    return in_time & (np.abs(delta_bins) <= config.target_max_bins)


def hashes_of_copy(hashes: Hashes, speed: float, config: EngineConfig) -> Hashes:
    """A song's stored ``hashes`` as a copy of it played ``speed`` times as fast (tempo and
    pitch together) would hold them: each pair's two peaks earlier by ``speed`` in time and
    higher by it in frequency, rounded to frames and bins, their level step kept.

    The peaks come from the hash itself (its anchor frame and bin, and the target's distance
    from them), so no audio is needed; rounding loses part of the pairs, as it does for
    :func:`hashes_at_speeds`. Pairs moved out of the target zone or the hash's bins are
    dropped.
    """
    anchor_bins, delta_bins, delta_frames, steps = unpack(hashes.values.astype(np.int64), config)
    frames = hashes.frames.astype(np.int64)
    moved_frames = np.round(frames / speed).astype(np.int64)
    moved_delta_frames = np.round((frames + delta_frames) / speed).astype(np.int64) - moved_frames
    moved_bins = np.round(anchor_bins * speed).astype(np.int64)
    moved_delta_bins = np.round((anchor_bins + delta_bins) * speed).astype(np.int64) - moved_bins
    kept = _in_target_zone(moved_delta_frames, moved_delta_bins, config)
    kept &= moved_bins < (1 << config.anchor_bin_bits)
    values = pack(
        moved_bins[kept], moved_delta_bins[kept], moved_delta_frames[kept], steps[kept], config
    )
    return Hashes(values, moved_frames[kept].astype(np.int32))


#: An odd 32-bit multiplier (Knuth's, near 2^32 over the golden ratio): multiplying by it
#: spreads neighbouring hash values over the whole 32-bit range before a sample takes a share.
_SPREAD = np.uint64(2654435761)
_LOW_32_BITS = np.uint64(0xFFFFFFFF)


def sampled(values: np.ndarray, one_in: int) -> np.ndarray:
    """A boolean mask keeping about one in ``one_in`` of the hash ``values`` (all of them for
    1), chosen by value alone: every song and query keeps the same values, so two songs that
    share audio keep the same share of their aligned pairs."""
    spread = (values.astype(np.uint64) * _SPREAD) & _LOW_32_BITS
    return spread < np.uint64((1 << 32) // one_in)
