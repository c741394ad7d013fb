"""What a match rests on, gathered for people to see (the *why this match* pictures)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fingerprints.config import EngineConfig
from fingerprints.hashes import unpack
from fingerprints.pipeline import Query
from fingerprints.spectrogram import log_spectrogram

from .matching import Candidate, Hits, aligned_mask, tally


@dataclass(frozen=True)
class MatchEvidence:
    """The clip's spectrogram and peaks, the peak pairs that lined up with the song, and where
    every hit on the song pointed. Frames and bins are the engine's; the helpers convert."""

    #: Log-magnitude (dB) of the analysed clip, shape (bins of the band, frames).
    spectrogram_db: np.ndarray
    #: FFT bin of the spectrogram's first row.
    min_bin: int
    hz_per_bin: float
    frames_per_second: float
    #: Every peak of the clip.
    peak_frames: np.ndarray
    peak_bins: np.ndarray
    #: The clip's peak pairs whose hash matched the song at the winning offset.
    anchor_frames: np.ndarray
    anchor_bins: np.ndarray
    target_frames: np.ndarray
    target_bins: np.ndarray
    #: Every offset (s) a hit on the winning song voted for, ascending and distinct, and its
    #: votes: the hits within the alignment tolerance of it, as the vote counts them. At the
    #: winning offset that is the match's ``aligned_matches``, the most of any offset.
    offsets_seconds: np.ndarray
    offset_votes: np.ndarray
    offset_seconds: float
    song_duration_seconds: float
    #: Length of the analysed audio (the spectrogram covers its whole frames).
    clip_seconds: float


def gather_evidence(
    query: Query, hits: Hits, winner: Candidate, song_duration_seconds: float, config: EngineConfig
) -> MatchEvidence:
    """Evidence for ``winner`` from the query and its hits (see ``recognition.matching``)."""
    hashes = query.analysis.hashes
    rows = np.unique(hits.query_rows[aligned_mask(hits, winner, config.alignment_tolerance_frames)])
    anchor_bins, delta_bins, delta_frames, _ = unpack(hashes.values[rows], config)
    on_song = hits.song_ids == winner.song_id
    song_hits = Hits(
        hits.song_ids[on_song],
        hits.song_frames[on_song],
        hits.query_frames[on_song],
        hits.query_rows[on_song],
    )
    # One song's (song, offset) keys sort as its offsets do.
    votes = tally(song_hits, config.alignment_tolerance_frames)
    return MatchEvidence(
        spectrogram_db=log_spectrogram(query.audio.samples, config),
        min_bin=config.min_bin,
        hz_per_bin=config.sample_rate / config.n_fft,
        frames_per_second=config.frames_per_second,
        peak_frames=query.analysis.peaks.frames,
        peak_bins=query.analysis.peaks.bins,
        anchor_frames=hashes.frames[rows],
        anchor_bins=anchor_bins,
        target_frames=hashes.frames[rows] + delta_frames,
        target_bins=anchor_bins + delta_bins,
        offsets_seconds=config.frames_to_seconds(np.unique(song_hits.offset_frames)),
        offset_votes=votes.windowed,
        offset_seconds=config.frames_to_seconds(winner.offset_frames),
        song_duration_seconds=song_duration_seconds,
        clip_seconds=query.audio.duration_seconds,
    )
