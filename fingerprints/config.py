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
    #: Everything is analysed as mono at this rate (Hz). 11 025 Hz keeps the band up to
    #: 5.5 kHz, where the stable tonal peaks of music live, and makes the STFT four times
    #: cheaper than 44.1 kHz.
    sample_rate: int = 11025
    #: FFT size in samples (93 ms at 11 025 Hz): 10.8 Hz per bin separates notes a semitone apart
    #: down to about 200 Hz.
    n_fft: int = 1024
    #: Hop between frames in samples (23.2 ms). One frame is the unit of every time in a hash.
    hop_length: int = 256
    #: Peaks are only taken inside this band (Hz): below it is rumble a phone speaker cannot play,
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
    #: noise that masks some of them. See docs/tuning.md#peak-neighbourhood.
    neighbourhood_bins: int = 15
    neighbourhood_frames: int = 7
    #: Peaks a second a song is indexed with: a peak is kept when it ranks among the
    #: peaks-per-second × ``density_window_seconds`` loudest peaks of the window centred on it.
    #: Music's loud bass takes a third of the peaks; 20 a second rather than 15 leave more for
    #: the band a phone passes. See docs/tuning.md#index-density.
    index_peaks_per_second: float = 20.0
    #: Peaks a second of a query, at least the index's, so that it holds the song's peaks where
    #: noise, reverb or a filter pushed some down the ranking; denser queries gained nothing.
    #: See docs/tuning.md#query-density.
    query_peaks_per_second: float = 20.0
    #: Seconds of the window a peak is ranked in. A sliding window (not fixed blocks) gives a
    #: query the same peaks as the indexed song whatever its start time.
    density_window_seconds: float = 1.0
    #: A query is analysed this many times, each started a further 1/``query_phases`` of a hop
    #: late, and the pairs these analyses add count too: a clip's frames may straddle the
    #: indexed ones by up to half a hop, and then about half of a clean clip's indexed pairs
    #: come out otherwise. Three is as many as the time budget allows.
    #: See docs/tuning.md#query-phases.
    query_phases: int = 3
    #: Long signals are analysed in chunks of this many seconds (bounded memory), overlapping
    #: by enough frames that the result is that of the whole signal at once. 30 s keeps a
    #: chunk's arrays in the caches. See docs/tuning.md#chunks.
    chunk_seconds: float = 30.0

    # --- Pairs and hashes -------------------------------------------------------------------
    #: Each anchor peak of a song is paired with at most this many following peaks of its
    #: target zone: the rows a fifth pair would take are better spent on peaks.
    #: See docs/tuning.md#index-density.
    index_fan_out: int = 4
    #: A query's anchors reach twice as far: an indexed pair's target can sit behind a few
    #: peaks the song does not have. See docs/tuning.md#query-density.
    query_fan_out: int = 8
    #: Target zone: from ``target_min_frames`` to ``target_max_frames`` after the anchor, at most
    #: ``target_max_bins`` above or below it.
    target_min_frames: int = 1
    target_max_frames: int = 63
    target_max_bins: int = 127
    #: Hash bit layout, most significant first: anchor bin | (target bin − anchor bin, offset to
    #: be non-negative) | frames between them | level step (below). 9 + 8 + 6 + 3 = 26 bits.
    anchor_bin_bits: int = 9
    delta_bin_bits: int = 8
    delta_frame_bits: int = 6
    #: A pair's last field is the target's level against the anchor's, in whole steps of
    #: ``level_step_db``, rounded and clipped to what ``level_bits`` holds (−4 to +3 steps).
    #: Notes and beats that many songs share pair into the same first three fields, so a
    #: catalog of 150 h crowded them into a few popular values; how loud the two peaks are
    #: against each other differs from song to song. See docs/tuning.md#level-steps.
    level_step_db: float = 6.0
    level_bits: int = 3
    #: A query pair whose level difference lies within this fraction of a step of a rounding
    #: boundary is looked up under both steps: noise and filters move a peak's level by a dB
    #: or two, which would otherwise move a fifth of the pairs of a clip in babble to the
    #: neighbouring step.
    level_probe_margin: float = 0.25

    # --- Matching (the rules are read in ``recognition.identification``) --------------------
    #: Votes within this many frames of an offset count for it (a clip starts anywhere inside a
    #: hop, so its frames sit up to half a hop away from the indexed ones).
    alignment_tolerance_frames: int = 1
    #: Fewest time-aligned hash matches for a song to be named at all.
    min_aligned_matches: int = 10
    #: Every check that names a song counts a query frame's aligned votes at most this many
    #: times: one frame's peaks pair with each other, so a single note's harmonics that line
    #: up with the same note in another song bring a pile of votes from one instant.
    #: See docs/tuning.md#votes-per-frame.
    max_votes_per_frame: int = 3
    #: The winner's counted votes must also stand this many standard deviations (of a count
    #: of chance votes, the square root of the background) above the background: where chance
    #: already puts several votes in every offset window, twice that is within chance's reach.
    #: See docs/tuning.md#votes-per-frame.
    background_deviations: float = 4.0
    #: The winner's aligned matches must be this many times those of the runner-up song and
    #: of the background before it is named: chance alignments seldom lead by as much.
    #: See docs/tuning.md#margins.
    min_margin_ratio: float = 2.5
    #: ... unless the runner-up itself stands that far above the third-best song: then it is
    #: another recording of the same passage (a second mix, a reprise), and the winner need
    #: only lead it this many times. A near tie between two recordings stays unnamed.
    #: See docs/tuning.md#margins.
    min_lead_ratio: float = 1.25
    #: The lead a winner needs depends on how its votes spread over the clip, counted in
    #: slices of ``spread_slice_seconds`` that hold any: with votes in at least
    #: ``spread_min_slices`` slices it need only lead ``spread_margin_ratio`` times, with votes
    #: in no more than ``clumped_max_slices`` it must lead ``clumped_margin_ratio`` times, and
    #: ``min_margin_ratio`` times in between. A chance alignment piles its votes up where both
    #: recordings hold a similar chord for a moment; a true one collects them throughout.
    #: See docs/tuning.md#spread.
    spread_min_slices: int = 7
    spread_margin_ratio: float = 2.0
    clumped_max_slices: int = 3
    clumped_margin_ratio: float = 3.5
    spread_slice_seconds: float = 0.25
    #: However far it leads, a song whose votes come from fewer slices than this is not named:
    #: one moment (a drum hit, a sound effect two tracks share) is not a song.
    #: See docs/tuning.md#voting-slices.
    min_voting_slices: int = 3
    #: Playback speeds a clip that matches nothing as it is may have been played at (1.03:
    #: 3 % fast, tempo and pitch together), nearest first; it is tried again corrected for the
    #: likeliest ``speed_candidates`` of them (ties to the nearer) until one matches. Hashes
    #: survive a speed error of about half a percent, hence the 1 % steps.
    #: See docs/tuning.md#speed-search.
    speed_search: tuple[float, ...] = (1.01, 0.99, 1.02, 0.98, 1.03, 0.97, 1.04, 0.96, 1.05, 0.95)
    #: Fewest aligned matches for a speed-corrected match: more tries are more chances for
    #: chance hits to line up. See docs/tuning.md#speed-search.
    speed_min_aligned_matches: int = 16
    #: How many of those speeds are re-analysed, the likeliest first (see
    #: ``recognition.identification.likely_speeds``).
    speed_candidates: int = 2
    #: A speed is re-analysed only if the clip's pairs, moved to it, line up at least this many
    #: more times than under the median speed: a clip of a song the catalog lacks is then
    #: mostly re-analysed at no speed. See docs/tuning.md#speed-search.
    speed_search_lead: int = 2
    #: The speeds are ranked by pairing the clip's peaks, moved to each speed, with this many
    #: targets each: sparse pairs rank the speeds as well as denser ones, with fewer rows to
    #: fetch. See docs/tuning.md#speed-search.
    speed_search_fan_out: int = 2
    #: A hash held by more songs than this is common: a query fetches it only from its
    #: candidate songs, those its other hashes line up with best, so that a query's cost does
    #: not grow with the catalog. See docs/tuning.md#retrieval.
    common_hash_songs: int = 40
    #: A hash held by at most this many songs is rare: a vote that may stop early fetches the
    #: rare hashes first, which are few rows yet name most clean clips. See
    #: docs/tuning.md#retrieval.
    rare_hash_songs: int = 8
    #: How many candidate songs a vote fetches common hashes from: enough that the runner-up
    #: it is measured against is as strong as the catalog's. See docs/tuning.md#retrieval.
    candidate_songs: int = 32
    #: How many candidate songs each speed of the speed search fetches common hashes from.
    candidate_songs_per_speed: int = 8
    #: How many runner-up candidates a result reports.
    runner_up_count: int = 3

    # --- Timelines of long recordings (``recognition.timeline``) ----------------------------
    #: A long recording is recognised in windows this long (seconds): long enough to hold as
    #: many votes as a clip that is named nearly always, short enough that a song of 20 s
    #: fills a few of them whole.
    timeline_window_seconds: float = 10.0
    #: A window starts this many seconds after the last one. Boundaries come from where in
    #: its windows a song's aligned votes begin and end, not from the windows' edges, so a
    #: shorter hop buys little precision for every window it adds. See docs/tuning.md#timeline.
    timeline_hop_seconds: float = 5.0
    #: Two windows play one stretch of a song when the second's offset in the song is the
    #: first's advanced by the time between them (times the speed found) within this many
    #: seconds: a window's offset is found to a frame or two, and the speed search's 1 % steps
    #: drift by a few hundredths of a second a hop, while a song played again sits seconds away.
    timeline_offset_tolerance_seconds: float = 1.0
    #: A stretch of a song goes on across windows that name nothing or another song for up to
    #: this many seconds (talk over the music, a loud jingle), if the song then continues
    #: where it would have been.
    timeline_max_gap_seconds: float = 20.0
    #: Fewest agreeing windows a segment is made of: a window alone that agrees with no other
    #: is more likely a chance match than a song that played.
    timeline_min_windows: int = 2
    #: Fewest seconds a segment's votes span: a moment two songs share (a drum break, a held
    #: chord) is heard alike by every window that holds it, and is not a song playing.
    timeline_min_segment_seconds: float = 5.0
    #: Where a segment borders a gap (no other segment within ``timeline_neighbour_seconds``),
    #: its edge is put where the song's aligned votes, counted over
    #: ``timeline_fade_window_seconds``, fall below this share of their rate over the
    #: segment: a song fading out under a jingle or talk is heard to the fade's end, but the
    #: boundary is its middle, where the song sounds about as loud as what replaces it and
    #: still gives most of its votes (its peaks stand out where the other is quiet).
    #: See docs/tuning.md#timeline-edges.
    timeline_fade_rate_share: float = 0.9
    timeline_fade_window_seconds: float = 3.0
    #: An edge at a gap moves in at most this far (seconds), the middle of an 8 s crossfade:
    #: a song whose last passage is quieter than the rest is not cut back to its last loud one.
    timeline_fade_max_seconds: float = 4.0
    #: Segments this close are neighbours: the edge between them is their crossing.
    timeline_neighbour_seconds: float = 1.0
    #: The speed search of a timeline's windows: a DJ's pitch control reaches ±8 %, beyond
    #: the ±5 % a clip is searched for, and a window that holds a song far off speed is
    #: searched like any other, the likeliest ``speed_candidates`` speeds re-analysed.
    timeline_speed_search: tuple[float, ...] = (
        *(1.01, 0.99, 1.02, 0.98, 1.03, 0.97, 1.04, 0.96, 1.05, 0.95),
        *(1.06, 0.94, 1.07, 0.93, 1.08, 0.92),
    )
    #: Recordings longer than this are refused for a timeline (a day's broadcast is cut into
    #: parts first); what a recording costs grows with its length in time, not in memory.
    max_timeline_seconds: float = 6 * 3600.0

    # --- Duplicates in the library (``recognition.overlaps``, ``recognition.duplicates``) -
    #: Two songs share audio only where one's pairs line up in the other at one offset,
    #: advancing together, for at least this many seconds: a drum sample, a loop or a chord
    #: two productions share lines up for a moment or a bar or two (a few seconds, under
    #: other parts), while a copy, an edit or a medley's excerpt shares at least a verse.
    duplicate_min_seconds: float = 10.0
    #: A song is read against another in slices this long (seconds), each voting for its own
    #: best offset: short enough that a cut is placed within one, long enough to hold the
    #: votes of a copy a low bit rate thinned.
    duplicate_slice_seconds: float = 2.0
    #: A slice hears the other song at its best offset with at least this many aligned
    #: votes: a slice of a copy holds tens, chance piles up two or three.
    duplicate_min_slice_votes: int = 6
    #: Slices that agree make one range across up to this many seconds of slices that do not
    #: (a passage a codec mangled, a fill the edit replaced); a cut moves the offset, and the
    #: slices after it start another range.
    duplicate_max_gap_seconds: float = 6.0
    #: Slices agree when their offsets are at most this many frames apart: a copy at a speed
    #: between the steps searched drifts by a frame or two a slice.
    duplicate_drift_frames: int = 3
    #: A range is dropped when this share of its stretch of each song lies within stretches
    #: stronger ranges already share: it is a passage both play more than once (a chorus, a
    #: loop) lining up again at another offset, nothing more shared.
    duplicate_covered_share: float = 0.8
    #: Speeds a copy may play at (1.03: 3 % fast, tempo and pitch together), tried by moving
    #: the stored pairs of the slower song (``fingerprints.hashes.hashes_of_copy``); hashes
    #: survive a speed error of about half a percent, hence the 1 % steps.
    duplicate_speed_search: tuple[float, ...] = (1.01, 1.02, 1.03, 1.04, 1.05)
    #: A song's hashes held by at most this many songs nominate the songs it may share audio
    #: with: a copy shares thousands of them, and fetching the common ones from every song is
    #: what would make the search slow on a big library. See docs/tuning.md#duplicates.
    duplicate_rare_hash_songs: int = 8
    #: One hash value in this many (``fingerprints.hashes.sampled``) nominates: a copy's
    #: aligned votes and chance's shrink alike, and a song checked at indexing costs what
    #: its sampled hashes fetch. See docs/tuning.md#duplicates.
    duplicate_hash_sample: int = 4
    #: Songs nominated at each speed (the most votes at one offset first), each then read
    #: against the song with all of its hashes; a medley holds a handful of tracks.
    duplicate_candidate_songs: int = 8
    #: Fewest votes at one offset of the sampled rare hashes for a song to be nominated: a
    #: copy of ten seconds at a low bit rate collects about 25, chance up to 6.
    duplicate_min_votes: int = 10

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
        if self.level_bits < 1 or self.level_step_db <= 0:
            raise ValueError("level_bits must be at least 1 and level_step_db positive")
        if not 0 <= self.level_probe_margin < 0.5:
            raise ValueError("level_probe_margin must be from 0 to less than half a step")
        if not 1 <= self.target_min_frames <= self.target_max_frames:
            raise ValueError("need 1 <= target_min_frames <= target_max_frames")
        if self.neighbourhood_bins % 2 == 0 or self.neighbourhood_frames % 2 == 0:
            raise ValueError("a peak neighbourhood must be an odd number of bins and frames")
        if not 1 <= self.query_phases <= self.hop_length:
            raise ValueError("query_phases must be from 1 to hop_length")
        if not 1 <= self.rare_hash_songs <= self.common_hash_songs:
            raise ValueError("need 1 <= rare_hash_songs <= common_hash_songs")
        if min(self.common_hash_songs, self.candidate_songs, self.candidate_songs_per_speed) < 1:
            raise ValueError(
                "common_hash_songs, candidate_songs and candidate_songs_per_speed must be >= 1"
            )
        if self.max_votes_per_frame < 1 or self.background_deviations < 0:
            raise ValueError("max_votes_per_frame must be >= 1, background_deviations >= 0")
        if self.speed_search_lead < 0:
            raise ValueError("speed_search_lead must not be negative")
        if self.speed_search_fan_out < 1:
            raise ValueError("speed_search_fan_out must be at least 1")
        if not 1 <= self.min_voting_slices <= self.clumped_max_slices < self.spread_min_slices:
            raise ValueError(
                "need 1 <= min_voting_slices <= clumped_max_slices < spread_min_slices"
            )
        if not 0 < self.timeline_hop_seconds <= self.timeline_window_seconds:
            raise ValueError("need 0 < timeline_hop_seconds <= timeline_window_seconds")
        if not 0 <= self.timeline_fade_rate_share < 1 or self.timeline_fade_window_seconds <= 0:
            raise ValueError(
                "need 0 <= timeline_fade_rate_share < 1 and timeline_fade_window_seconds > 0"
            )
        if self.timeline_fade_max_seconds < 0:
            raise ValueError("timeline_fade_max_seconds cannot be negative")
        if self.timeline_min_windows < 1 or self.timeline_offset_tolerance_seconds <= 0:
            raise ValueError(
                "timeline_min_windows must be at least 1 and "
                "timeline_offset_tolerance_seconds positive"
            )
        if not 0 < self.duplicate_slice_seconds <= self.duplicate_min_seconds:
            raise ValueError("need 0 < duplicate_slice_seconds <= duplicate_min_seconds")
        if min(self.duplicate_rare_hash_songs, self.duplicate_candidate_songs) < 2:
            raise ValueError("duplicate_rare_hash_songs and duplicate_candidate_songs must be >= 2")
        if self.duplicate_hash_sample < 1:
            raise ValueError("duplicate_hash_sample must be at least 1")
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
