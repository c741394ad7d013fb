"""Every tunable of the Kazoom engine, in one typed, frozen object.

Units are in the field names (``_hz``, ``_seconds``, ``_frames``, ``_bins``, ``_db``). Django
settings may override any field through ``settings.KAZOOM`` (see ``fingerprints.wiring``);
nothing else in the engine reads settings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, overload

import numpy as np


@dataclass(frozen=True)
class Density:
    """How many peaks a constellation keeps per second and how many pairs each anchor makes."""

    peaks_per_second: float
    fan_out: int


@dataclass(frozen=True)
class EngineConfig:
    # --- Analysis signal -------------------------------------------------------------------
    #: Everything is analysed as mono at this rate. 11 025 Hz keeps the band up to 5.5 kHz, where
    #: the stable tonal peaks of music live, and makes the STFT four times cheaper than 44.1 kHz.
    sample_rate: int = 11025
    #: FFT size in samples (93 ms at 11 025 Hz): 10.8 Hz per bin separates notes a semitone apart
    #: down to about 200 Hz.
    n_fft: int = 1024
    #: Hop between frames in samples (23.2 ms). One frame is the unit of every time in a hash.
    hop_length: int = 256
    #: Peaks are only taken inside this band: below it is rumble a phone speaker cannot play,
    #: above it is hiss and the first thing a codec throws away.
    min_frequency_hz: float = 100.0
    max_frequency_hz: float = 5000.0
    #: Spectrogram cells quieter than this (dB re a full-scale sine) are never peaks, so digital
    #: silence and 16-bit dither (about −117 dB a bin) yield no fingerprints, while music
    #: recorded 40 dB below full scale keeps all of its peaks.
    silence_floor_db: float = -100.0

    # --- Constellation peaks ----------------------------------------------------------------
    #: A peak is the maximum of a neighbourhood this many bins tall (161 Hz) and frames wide
    #: (163 ms). Small neighbourhoods let a few partials per note through, so peaks survive
    #: noise that masks some of them: on 36 real-music 5 s clips at 0 dB SNR, 15 × 7 kept ≥ 10
    #: aligned hashes on every clip where 21 × 11 did on 83 % and 31 × 15 on 64 %.
    neighbourhood_bins: int = 15
    neighbourhood_frames: int = 7
    #: Density of the constellation: a peak is kept when it ranks among the
    #: peaks-per-second × ``density_window_seconds`` loudest peaks of the window centred on
    #: it. A sliding window (not fixed blocks) gives a query the same peaks as the indexed song
    #: whatever its start time.
    #: Fewer peaks with a larger fan-out beat more peaks with a smaller one at equal storage:
    #: 15 × 5 kept 1.9 × the aligned hashes of 25 × 3 at 0 dB SNR (same clips as above).
    #: 20 rather than 15 since the store packs a song's frames of one hash into one row (which
    #: took the 68 dev tracks from 2.77 to 2.06 MB/h at 15/s): music's loud bass takes a
    #: third of the peaks, and 5 more a second leave more for the band a phone passes. On the
    #: three tuning grids of the bench (seeds 1, 0, 7; 58 indexed tracks, 20 clips of 2–10 s a
    #: cell), right songs rose from 93.0 to 94.4 %, 92.2 to 94.2 % and 87.5 to 89.7 %; voice
    #: calls from 71, 75 and 80 % to 90 % each, rooms from 83, 78 and 86 % to 89, 85 and 95 %,
    #: while babble at 0 dB lost 1–5 points; no unknown clip was named. 18/s came to 93.8 % on
    #: seed 0. 15/s with a fan-out of 5 (250,200 rows an hour against 268,000 for 20 × 4)
    #: gained 1 and 3 points on the rooms and calls of seed 1, where 20 × 4 gained 6 and 19.
    index_peaks_per_second: float = 20.0
    #: A query keeps at least as many peaks as a song is indexed with. At the index's former
    #: 15/s, a denser query held more of the song's peaks where noise, reverb or a filter had
    #: pushed them down the ranking: on the seed-7 grid, a query at 20/s × 8 against one at
    #: 15/s × 4 named the right song for room 75 % vs 65 %, call 58 % vs 51 %, babble at 0 dB
    #: 46 % vs 28 %. At 20/s in the index, 25/s queries gained nothing (94.1 vs 94.4 % on
    #: seed 1, 89.7 % on seed 7 either way, 94.7 vs 94.2 % on seed 0) and named a song for a
    #: clip of unknown audio (seed 0, 21 votes).
    query_peaks_per_second: float = 20.0
    density_window_seconds: float = 1.0
    #: A clip's frames fall anywhere on the song's: the indexed frames may straddle its by up
    #: to half a hop, and then about half of a clean clip's indexed pairs come out otherwise.
    #: So a query is analysed this many times, each started a further fraction of a hop
    #: late, and the pairs these analyses add count too. Right songs with 2 against 1, on
    #: three bench grids (20 clips of 2–10 s per cell, 58 indexed tracks): 92.2 % vs 89.1 %
    #: (seed 1), 90.8 % vs 86.4 % (seed 0), 84.8 % vs 78.6 % (seed 7), the voice call cells
    #: gaining 7–13 points. With the spread-aware decision (``spread_min_slices``), 3 against
    #: 2: 93.0 vs 92.7 %, 92.2 vs 91.6 % and 87.5 vs 86.2 %; no unknown clip named in any
    #: case. 4 gained 0.4–0.8 points more, but took 24–26 ms median on the 408 clips of 5 s of
    #: the seed-3 grid, against 22 ms at 3 and 18–20 ms at 2, and a quarter of audfprint's
    #: time is the budget (see ``bench/``).
    query_phases: int = 3
    #: Long signals are analysed in chunks of this length (bounded memory); chunks overlap by
    #: enough frames that the result is identical to analysing the whole signal at once.
    #: 30 s rather than 60 s: a chunk's arrays stay in the caches, and 10 tracks were
    #: fingerprinted at 3,641× real time against 3,022× (decoding excluded; 20 s: 3,655×).
    chunk_seconds: float = 30.0

    # --- Pairs and hashes -------------------------------------------------------------------
    #: Each anchor peak is paired with at most this many following peaks of its target zone.
    #: Four rather than five stored a fifth fewer rows (200,700 instead of 250,200 per hour of
    #: the bench's 58 tracks at 15 peaks a second) for 1.4 points of right songs over the same
    #: grid's 640 clips of indexed tracks (77.2 % vs 78.6 %); the rows are better spent on
    #: peaks (see ``index_peaks_per_second``).
    index_fan_out: int = 4
    #: A query's anchors reach further: an indexed pair's target can sit behind a few peaks
    #: the song does not have. With queries at 20/s and songs at 15/s, twice the index's
    #: fan-out found 99.6–99.9 % of the indexed pairs of the same audio (the first minute of 8
    #: tracks of the development corpus), where the index's own fan-out found 75–78 %.
    #: 12 or 16 named no more songs in rooms and calls (seed 1).
    query_fan_out: int = 8
    #: Target zone: from ``target_min_frames`` to ``target_max_frames`` after the anchor, at most
    #: ``target_max_bins`` above or below it.
    target_min_frames: int = 1
    target_max_frames: int = 63
    target_max_bins: int = 127
    #: Hash bit layout, most significant first: anchor bin | (target bin − anchor bin, offset to
    #: be non-negative) | frames between them. 9 + 8 + 6 = 23 bits.
    anchor_bin_bits: int = 9
    delta_bin_bits: int = 8
    delta_frame_bits: int = 6

    # --- Matching ---------------------------------------------------------------------------
    #: Votes within this many frames of an offset count for it (a clip starts anywhere inside a
    #: hop, so its frames sit up to half a hop away from the indexed ones).
    alignment_tolerance_frames: int = 1
    #: Fewest time-aligned hash matches for a song to be named at all.
    min_aligned_matches: int = 10
    #: The winner's aligned matches must be this many times those of the runner-up song and
    #: of the background before it is named. Over the 752 clips of unknown audio of three
    #: bench grids (seeds 0, 1 and 7), the highest any top song with enough votes reached
    #: was 2.43 ×.
    min_margin_ratio: float = 2.5
    #: ... unless the runner-up itself stands that far above the third-best song: then it is
    #: another recording of the same passage (a second mix, a reprise), and the winner need
    #: only lead it this many times. No clip of unknown audio had such a runner-up (the
    #: highest stood 1.6 × above the third); on the same grids, 0.4–1.4 % more clips of
    #: indexed tracks are named. A near tie between two recordings stays unnamed.
    min_lead_ratio: float = 1.25
    #: The lead a winner needs depends on how its votes spread over the clip, counted in
    #: slices of ``spread_slice_seconds`` that hold any. A chance alignment piles its votes
    #: up where both recordings hold a similar chord for a moment; a true one collects them
    #: throughout. With votes in at least ``spread_min_slices`` slices, a winner need only
    #: lead ``spread_margin_ratio`` times; with votes in no more than ``clumped_max_slices``,
    #: it must lead ``clumped_margin_ratio`` times.
    #: On three bench grids (seeds 0, 1 and 7), no clip of 752 of unknown audio had a top
    #: song with ≥ 10 votes and 2 × its runner-up, and of those with votes in ≥ 7
    #: quarter-seconds, none led by more than 1.6 ×. Right songs rose from 92.2 to 92.7 %
    #: (seed 1), 90.8 to 91.6 % (seed 0) and 84.8 to 86.2 % (seed 7), mostly rooms, calls and
    #: babble of 2–5 s. The unknown clips that came nearest to being named (1.9 ×) had their
    #: votes in 3 quarter-seconds, as had the one named on the seed-3 grid (10 votes, 2.5 ×);
    #: a lead of 3 × for such clumps would have cost none of the right songs of the three
    #: grids. With both, the held-out seed-3 and seed-4 grids name none of their 352 unknown
    #: clips each (one each before). A speed-corrected retry gets no allowance for spread:
    #: with a 1.8 × lead and 6 slices, retries named songs for three held-out clips of seed 1.
    #: With 20 peaks a second in the index, a clip of unknown audio (a voice call of seed 0)
    #: reached 2.75 × at 11 votes in 3 quarter-seconds, so clumps must lead 3.5 ×: two right
    #: songs fewer of 2,560 on the three grids.
    spread_min_slices: int = 7
    spread_margin_ratio: float = 2.0
    clumped_max_slices: int = 3
    clumped_margin_ratio: float = 3.5
    spread_slice_seconds: float = 0.25
    #: However far it leads, a song whose votes come from fewer slices than this is not named:
    #: one moment (a drum hit, a sound effect two tracks share) is not a song. A held-out clip
    #: of the seed-4 grid was named at 19 votes, 6 × the background, every vote from 0.3 s of
    #: it where two tracks of one game share a sample; of the 1,771 right songs named on the
    #: three tuning grids, none had its votes in fewer than 3 quarter-seconds.
    min_voting_slices: int = 3
    #: When a clip matches nothing as it is, it is tried again corrected for these playback
    #: speeds (1.03: played 3 % fast, tempo and pitch together), nearest first, until one
    #: matches. Hashes survive a speed error of about half a percent, hence the 1 % steps.
    speed_search: tuple[float, ...] = (1.01, 0.99, 1.02, 0.98, 1.03, 0.97, 1.04, 0.96, 1.05, 0.95)
    #: Ten more tries are ten more chances for chance hits to line up, so a speed-corrected
    #: match must clear a higher bar (a held-out clip at 0 dB SNR reached 10 in one of them).
    speed_min_aligned_matches: int = 16
    #: How many of those speeds are re-analysed, the likeliest first (see
    #: ``recognition.identification.likely_speeds``).
    speed_candidates: int = 2
    #: The speeds are ranked by pairing the clip's peaks, moved to each speed, with this many
    #: targets each. On the 480 sped-up clips of the seed-1 grid, the played speed was among
    #: the two chosen for 469 at a fan-out of 2 as at 4, with 55 % of the stored rows to
    #: fetch (451 at a fan-out of 1).
    speed_search_fan_out: int = 2
    #: How many runner-up candidates a result reports.
    runner_up_count: int = 3

    # --- Input limits -----------------------------------------------------------------------
    #: A query is recognised from its first this-many seconds; the rest is not decoded.
    max_query_seconds: float = 30.0
    #: Shorter clips are refused: under a second holds too few peak pairs to tell songs apart.
    min_query_seconds: float = 1.0
    #: Files longer than this are refused for indexing.
    max_index_seconds: float = 4 * 3600.0

    def __post_init__(self) -> None:
        if self.max_frequency_hz > self.sample_rate / 2:
            raise ValueError("max_frequency_hz must not exceed the Nyquist frequency")
        if not 0 <= self.min_bin < self.max_bin:
            raise ValueError("need 0 <= min_frequency_hz < max_frequency_hz")
        if self.max_bin >= 1 << self.anchor_bin_bits:
            raise ValueError("anchor_bin_bits cannot hold the highest analysed bin")
        if self.target_max_bins >= 1 << (self.delta_bin_bits - 1):
            raise ValueError("delta_bin_bits cannot hold ±target_max_bins")
        if self.target_max_frames >= 1 << self.delta_frame_bits:
            raise ValueError("delta_frame_bits cannot hold target_max_frames")
        if not 1 <= self.target_min_frames <= self.target_max_frames:
            raise ValueError("need 1 <= target_min_frames <= target_max_frames")
        if self.neighbourhood_bins % 2 == 0 or self.neighbourhood_frames % 2 == 0:
            raise ValueError("a peak neighbourhood must be an odd number of bins and frames")
        if not 1 <= self.query_phases <= self.hop_length:
            raise ValueError("query_phases must be from 1 to hop_length")
        if self.speed_search_fan_out < 1:
            raise ValueError("speed_search_fan_out must be at least 1")
        if not 1 <= self.min_voting_slices <= self.clumped_max_slices < self.spread_min_slices:
            raise ValueError(
                "need 1 <= min_voting_slices <= clumped_max_slices < spread_min_slices"
            )
        if (
            self.query_peaks_per_second < self.index_peaks_per_second
            or self.query_fan_out < self.index_fan_out
        ):
            raise ValueError("a query must be at least as dense as the index")

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, Any]) -> EngineConfig:
        """The default config with ``overrides`` applied; unknown names are an error."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(f"unknown Kazoom setting(s): {', '.join(unknown)}")
        return cls(**overrides)

    @property
    def index_density(self) -> Density:
        return Density(self.index_peaks_per_second, self.index_fan_out)

    @property
    def query_density(self) -> Density:
        return Density(self.query_peaks_per_second, self.query_fan_out)

    @property
    def speed_search_density(self) -> Density:
        return Density(self.query_peaks_per_second, self.speed_search_fan_out)

    @property
    def spread_slice_frames(self) -> int:
        """``spread_slice_seconds`` in whole frames, at least one."""
        return max(1, self.seconds_to_frames(self.spread_slice_seconds))

    @property
    def frames_per_second(self) -> float:
        return self.sample_rate / self.hop_length

    @property
    def min_bin(self) -> int:
        """The FFT bin nearest ``min_frequency_hz``."""
        return int(round(self.min_frequency_hz * self.n_fft / self.sample_rate))

    @property
    def max_bin(self) -> int:
        """The FFT bin nearest ``max_frequency_hz``."""
        return int(round(self.max_frequency_hz * self.n_fft / self.sample_rate))

    @overload
    def frames_to_seconds(self, frames: float) -> float: ...
    @overload
    def frames_to_seconds(self, frames: np.ndarray) -> np.ndarray: ...
    def frames_to_seconds(self, frames: float | np.ndarray) -> float | np.ndarray:
        """Seconds from the start of frame 0 to the start of frame ``frames`` (or of each)."""
        return frames / self.frames_per_second

    def seconds_to_frames(self, seconds: float) -> int:
        """The whole number of frames nearest ``seconds`` (halves to even, as ``round``)."""
        return round(seconds * self.frames_per_second)
