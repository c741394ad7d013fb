"""The one pipeline behind indexing and recognition: audio → peaks → hashes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import soxr

from .audio import AudioInput, AudioReader, DecodedAudio, decode_audio, open_audio
from .config import EngineConfig
from .errors import NoUsableSound, TooLong, TooShort
from .hashes import Hashes, hash_peaks, merge_phases
from .peaks import Peaks, find_peaks
from .streamed_peaks import find_peaks_in_blocks


@dataclass(frozen=True)
class Analysis:
    """A recording reduced to its constellation of peaks, their hashes and its length."""

    hashes: Hashes
    peaks: Peaks
    duration_seconds: float
    #: False when only the first part of the recording was analysed (long queries).
    complete: bool = True


@dataclass(frozen=True)
class Limit:
    """The longest a file may be for a use, and what that limit is called."""

    seconds: float
    name: str

    def __str__(self) -> str:
        return f"{self.seconds / 3600:g} h {self.name}"

    def check_complete(self, reader: AudioReader) -> None:
        """Refuse the file ``reader`` (whose blocks are exhausted) stopped decoding at the
        limit."""
        if not reader.complete:
            raise TooLong(f"the file is longer than the {self}")


def open_within(source: AudioInput, config: EngineConfig, limit: Limit) -> AudioReader:
    """Open ``source`` to be decoded up to ``limit``, refusing it before anything is decoded
    when it declares more."""
    reader = open_audio(source, sample_rate=config.sample_rate, max_seconds=limit.seconds)
    if reader.declared_seconds is not None and reader.declared_seconds > limit.seconds:
        raise TooLong(
            f"the file declares {reader.declared_seconds / 3600:.1f} h of audio, longer than "
            f"the {limit}"
        )
    return reader


def open_song(source: AudioInput, config: EngineConfig) -> AudioReader:
    """Open ``source`` for the catalog, refusing by its header a file that cannot be used or
    that declares more than the indexing limit; nothing is decoded yet."""
    return open_within(source, config, _index_limit(config))


def _index_limit(config: EngineConfig) -> Limit:
    return Limit(config.max_index_seconds, "indexing limit")


def analyse_song(source: AudioInput, config: EngineConfig) -> Analysis:
    """Analyse a whole file for the catalog, decoding it block by block.

    Refuses files longer than the indexing limit, by the length they declare before anything
    is decoded, else once decoding reaches the limit; and files without any usable sound (a
    song that could never be recognised has no place in the catalog).
    """
    reader = open_song(source, config)
    peaks, n_samples = find_peaks_in_blocks(reader.blocks(), config, config.index_density)
    _index_limit(config).check_complete(reader)
    duration_seconds = n_samples / config.sample_rate
    hashes = hash_peaks(peaks, config, config.index_density)
    if len(hashes) == 0:
        raise NoUsableSound(
            f"no usable sound in {duration_seconds:.1f} s of audio (silent or too short)"
        )
    return Analysis(hashes, peaks, duration_seconds)


@dataclass(frozen=True)
class Query:
    """A clip to recognise: the audio that was analysed and its analysis."""

    audio: DecodedAudio
    analysis: Analysis


def analyse_query(source: AudioInput, config: EngineConfig) -> Query:
    """Decode and analyse the first ``max_query_seconds`` of a clip to recognise.

    Refuses clips shorter than ``min_query_seconds``; a silent clip yields an analysis without
    hashes, which matches nothing.
    """
    decoded = decode_audio(
        source, sample_rate=config.sample_rate, max_seconds=config.max_query_seconds
    )
    if decoded.duration_seconds < config.min_query_seconds:
        raise TooShort(
            f"the clip is {decoded.duration_seconds:.1f} s long; "
            f"at least {config.min_query_seconds:g} s is needed"
        )
    return Query(decoded, _analyse_query_audio(decoded, config))


def corrected_for_speed(query: Query, speed: float, config: EngineConfig) -> Query:
    """The query as it would be had it been played at the original speed, supposing it was
    played ``speed`` times too fast (tempo and pitch together, like a turntable)."""
    samples = soxr.resample(query.audio.samples, config.sample_rate, config.sample_rate * speed)
    audio = DecodedAudio(
        samples.astype(np.float32, copy=False), config.sample_rate, query.audio.complete
    )
    return Query(audio, _analyse_query_audio(audio, config))


def query_phase_samples(config: EngineConfig) -> list[int]:
    """Where each of a query's ``config.query_phases`` analyses starts, in samples: each a
    further fraction of a hop late (see ``EngineConfig.query_phases``)."""
    return [round(k * config.hop_length / config.query_phases) for k in range(config.query_phases)]


def query_analysis(
    constellations: list[Peaks], duration_seconds: float, complete: bool, config: EngineConfig
) -> Analysis:
    """A query's analysis from the peaks of its phases (``constellations[k]`` analysed from
    sample ``query_phase_samples(config)[k]`` on): their hashes merged; the peaks are those of
    the first."""
    hashes = merge_phases(
        [
            hash_peaks(peaks, config, config.query_density, probe_levels=True)
            for peaks in constellations
        ]
    )
    return Analysis(hashes, constellations[0], duration_seconds, complete)


def _analyse_query_audio(decoded: DecodedAudio, config: EngineConfig) -> Analysis:
    """The clip's analysis, its hashes gathered from ``config.query_phases`` analyses."""
    constellations = [
        find_peaks(decoded.samples[start:], config, config.query_density)
        for start in query_phase_samples(config)
    ]
    return query_analysis(constellations, decoded.duration_seconds, decoded.complete, config)
