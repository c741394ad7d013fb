"""Distractor songs made from the tracks' constellations of peaks, for catalogs far larger than
any audio this machine could render.

``bench.distractors`` plays each track at a speed no clip can be corrected to, forwards or
backwards, and fingerprints the audio. Here the same is done to the track's peaks: played
``speed`` times faster, a peak at frame ``t`` and bin ``b`` of the track sits near frame
``t / speed`` and bin ``b * speed`` (backwards, the frames run the other way), so the peaks are
moved there, those that leave the analysed band dropped, and paired and hashed as indexing
pairs and hashes any song's. A faster song would also lose peaks to the picker's density
limit; one in ``speed`` is kept at random to match. Each song is a track at a speed drawn
log-uniformly between ``MIN_SPEED_OFFSET`` and ``MAX_SPEED_OFFSET`` off the original, either
way, so a catalog of a hundred thousand songs is a few dozen tracks' music in a continuum of
keys and tempos: its hashes crowd the values real music crowds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench.distractors import MIN_SPEED_OFFSET
from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes, hash_peaks
from fingerprints.peaks import Peaks

#: The farthest speed a distractor is played at, as a share off the original: beyond about
#: 60 % the music leaves the band the engine analyses.
MAX_SPEED_OFFSET = 0.6


@dataclass(frozen=True)
class Distractor:
    """Song ``track`` (an index into the tracks' constellations) played ``speed`` times
    faster, backwards if ``backwards``; ``seed`` picks the peaks a faster song keeps."""

    track: int
    speed: float
    backwards: bool
    seed: int


def plan_distractors(first: int, count: int, tracks: int, seed: int) -> list[Distractor]:
    """The ``count`` distractors of the chunk that starts at ``first`` in the sequence
    ``seed`` gives (the same whenever that chunk is asked for), over ``tracks`` tracks in
    turn, each at its own speed and way."""
    rng = np.random.default_rng([seed, first])
    low, high = np.log1p(MIN_SPEED_OFFSET), np.log1p(MAX_SPEED_OFFSET)
    magnitudes = np.exp(rng.uniform(low, high, count))
    faster = rng.random(count) < 0.5
    speeds = np.where(faster, magnitudes, 1 / magnitudes)
    backwards = rng.random(count) < 0.5
    seeds = rng.integers(0, 2**32, count)
    return [
        Distractor((first + offset) % tracks, float(speed), bool(back), int(song_seed))
        for offset, speed, back, song_seed in zip(range(count), speeds, backwards, seeds)
    ]


def distractor_hashes(distractor: Distractor, peaks: Peaks, config: EngineConfig) -> Hashes:
    """The distractor's hashes, as indexing makes them; ``peaks`` are its track's."""
    return hash_peaks(moved_peaks(peaks, distractor, config), config, config.index_density)


def moved_peaks(peaks: Peaks, distractor: Distractor, config: EngineConfig) -> Peaks:
    """``peaks`` where they would be in the track played as ``distractor`` says, sorted by
    frame and bin as ``Peaks`` are."""
    speed = distractor.speed
    frames = np.round(peaks.frames / speed).astype(np.int64)
    bins = np.round(peaks.bins * speed).astype(np.int64)
    if distractor.backwards:
        frames = frames.max(initial=0) - frames
    kept = (bins >= config.min_bin) & (bins <= config.max_bin)
    if speed > 1:
        kept &= np.random.default_rng(distractor.seed).random(len(frames)) < 1 / speed
    frames, bins, levels = frames[kept], bins[kept], peaks.levels[kept]
    order = np.lexsort((bins, frames))
    frames, bins, levels = frames[order], bins[order], levels[order]
    distinct = np.ones(len(frames), bool)
    distinct[1:] = (np.diff(frames) != 0) | (np.diff(bins) != 0)
    return Peaks(
        frames[distinct].astype(np.int32), bins[distinct].astype(np.int32), levels[distinct]
    )
