"""The one pipeline behind indexing and recognition: audio → peaks → hashes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import soxr

from .audio import DecodedAudio, Source, decode_audio
from .config import Density, EngineConfig
from .errors import NoUsableSound, TooLong, TooShort
from .hashes import Hashes, hash_peaks, merge_phases
from .peaks import Peaks, find_peaks


@dataclass(frozen=True)
class Fingerprint:
    """A recording reduced to its constellation of peaks, their hashes and its length."""

    hashes: Hashes
    peaks: Peaks
    duration_seconds: float
    #: False when only the first part of the recording was analysed (long queries).
    complete: bool = True


def fingerprint_for_index(source: Source, config: EngineConfig) -> Fingerprint:
    """Fingerprint a whole file for the catalog.

    Refuses files longer than the indexing limit and files without any usable sound (a song
    that could never be recognised has no place in the catalog).
    """
    decoded = decode_audio(
        source, sample_rate=config.sample_rate, max_seconds=config.max_index_seconds
    )
    if not decoded.complete:
        raise TooLong(
            f"the file is longer than the {config.max_index_seconds / 3600:g} h indexing limit"
        )
    fingerprint = _fingerprint_decoded(decoded, config, config.index_density)
    if len(fingerprint.hashes) == 0:
        raise NoUsableSound(
            f"no usable sound in {decoded.duration_seconds:.1f} s of audio (silent or too short)"
        )
    return fingerprint


@dataclass(frozen=True)
class Query:
    """A clip to recognise: the audio that was analysed and its fingerprint."""

    audio: DecodedAudio
    fingerprint: Fingerprint


def analyse_query(source: Source, config: EngineConfig) -> Query:
    """Decode and fingerprint the first ``max_query_seconds`` of a clip to recognise.

    Refuses clips shorter than ``min_query_seconds``; a silent clip yields an empty
    fingerprint, which matches nothing.
    """
    decoded = decode_audio(
        source, sample_rate=config.sample_rate, max_seconds=config.max_query_seconds
    )
    if decoded.duration_seconds < config.min_query_seconds:
        raise TooShort(
            f"the clip is {decoded.duration_seconds:.1f} s long; "
            f"at least {config.min_query_seconds:g} s is needed"
        )
    return Query(decoded, _query_fingerprint(decoded, config))


def corrected_for_speed(query: Query, speed: float, config: EngineConfig) -> Query:
    """The query as it would be had it been played at the original speed, supposing it was
    played ``speed`` times too fast (tempo and pitch together, like a turntable)."""
    samples = soxr.resample(query.audio.samples, config.sample_rate, config.sample_rate * speed)
    audio = DecodedAudio(
        samples.astype(np.float32, copy=False), config.sample_rate, query.audio.complete
    )
    return Query(audio, _query_fingerprint(audio, config))


def _query_fingerprint(decoded: DecodedAudio, config: EngineConfig) -> Fingerprint:
    """The clip's fingerprint, its hashes gathered from ``config.query_shifts`` analyses each
    started a further fraction of a hop late (see ``EngineConfig.query_shifts``); the peaks
    are those of the first."""
    density = config.query_density
    starts = [
        round(k * config.hop_length / config.query_shifts) for k in range(config.query_shifts)
    ]
    constellations = [find_peaks(decoded.samples[start:], config, density) for start in starts]
    hashes = merge_phases([hash_peaks(peaks, config, density) for peaks in constellations])
    return Fingerprint(hashes, constellations[0], decoded.duration_seconds, decoded.complete)


def _fingerprint_decoded(
    decoded: DecodedAudio, config: EngineConfig, density: Density
) -> Fingerprint:
    peaks = find_peaks(decoded.samples, config, density)
    hashes = hash_peaks(peaks, config, density)
    return Fingerprint(hashes, peaks, decoded.duration_seconds, decoded.complete)
