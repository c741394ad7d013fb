from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import numpy as np
import pytest
import soxr
from typing_extensions import Buffer

from fingerprints.config import EngineConfig
from fingerprints.errors import NoUsableSound, TooLong, TooShort
from fingerprints.pipeline import Query, analyse_query, analyse_song, corrected_for_speed
from fingerprints.spectrogram import frame_count
from testsupport.codecs import write_audio
from testsupport.hostile import silent_flac
from testsupport.music import SAMPLE_RATE, synth_song


def write_song(folder: Path, seconds: float) -> Path:
    return write_audio(folder / f"song_{seconds:g}s.flac", synth_song(31, seconds), SAMPLE_RATE)


@pytest.fixture
def silent_wav(tmp_path: Path) -> Path:
    return write_audio(tmp_path / "silence.wav", np.zeros(5 * SAMPLE_RATE, np.float32), SAMPLE_RATE)


def test_a_song_is_analysed_whole(tmp_path: Path, config: EngineConfig) -> None:
    analysis = analyse_song(write_song(tmp_path, 10), config)

    assert analysis.complete
    assert analysis.duration_seconds == pytest.approx(10, abs=0.1)
    assert len(analysis.hashes) > 0
    assert analysis.peaks.frames.max() > frame_count(9 * config.sample_rate, config)


def test_index_refuses_silence(silent_wav: Path, config: EngineConfig) -> None:
    with pytest.raises(NoUsableSound, match="no usable sound"):
        analyse_song(silent_wav, config)


def test_index_refuses_a_file_over_the_limit(tmp_path: Path, config: EngineConfig) -> None:
    short_limit = dataclasses.replace(config, max_index_seconds=5.0)

    with pytest.raises(TooLong, match="limit"):
        analyse_song(write_song(tmp_path, 10), short_limit)


def test_query_of_silence_is_empty(silent_wav: Path, config: EngineConfig) -> None:
    analysis = analyse_query(silent_wav, config).analysis

    assert len(analysis.hashes) == 0
    assert len(analysis.peaks) == 0
    assert analysis.duration_seconds == pytest.approx(5, abs=0.1)


def test_long_query_analyses_only_its_start(tmp_path: Path, config: EngineConfig) -> None:
    analysis = analyse_query(write_song(tmp_path, 60), config).analysis

    assert not analysis.complete
    assert analysis.duration_seconds == pytest.approx(config.max_query_seconds, abs=0.1)
    analysed_frames = frame_count(round(config.max_query_seconds * config.sample_rate), config)
    assert analysis.peaks.frames.max() < analysed_frames
    assert analysis.hashes.frames.max() > 0.9 * analysed_frames


def test_query_shorter_than_the_minimum_is_refused(tmp_path: Path, config: EngineConfig) -> None:
    with pytest.raises(TooShort, match="at least 1 s"):
        analyse_query(write_song(tmp_path, 0.6), config)


def test_query_keeps_the_audio_it_analysed(tmp_path: Path, config: EngineConfig) -> None:
    query = analyse_query(write_song(tmp_path, 4), config)

    assert query.audio.sample_rate == config.sample_rate
    assert query.audio.duration_seconds == pytest.approx(4, abs=0.05)
    assert query.analysis.duration_seconds == query.audio.duration_seconds


@pytest.mark.parametrize("speed", [1.04, 0.97])
def test_speed_correction_restores_the_hashes_of_a_turntable_change(
    tmp_path: Path, config: EngineConfig, speed: float
) -> None:
    song = synth_song(32, 12)
    changed = soxr.resample(song, SAMPLE_RATE * speed, SAMPLE_RATE)  # tempo and pitch together
    original = analyse_query(write_audio(tmp_path / "a.wav", song, SAMPLE_RATE), config)
    played = analyse_query(write_audio(tmp_path / "b.wav", changed, SAMPLE_RATE), config)

    def shared_hashes(query: Query) -> float:
        return np.isin(query.analysis.hashes.values, original.analysis.hashes.values).mean()

    assert shared_hashes(played) < 0.2
    assert shared_hashes(corrected_for_speed(played, speed, config)) > 0.6


@pytest.mark.parametrize("seed", [20, 23])
def test_a_clip_cut_between_frames_holds_the_indexed_pairs(
    tmp_path: Path, config: EngineConfig, seed: int
) -> None:
    """A clip that starts half a hop off the song's frames comes out otherwise at its own
    frames; the analysis started half a hop later sits on the song's again."""
    song = synth_song(seed, 20)
    indexed = analyse_song(write_audio(tmp_path / "song.wav", song, SAMPLE_RATE), config)
    start_frame = 100
    cut = round((start_frame + 0.5) * config.hop_length * SAMPLE_RATE / config.sample_rate)
    clip = write_audio(tmp_path / "clip.wav", song[cut : cut + 8 * SAMPLE_RATE], SAMPLE_RATE)
    # The indexed pairs whose anchor and target both lie inside the clip.
    inside = (indexed.hashes.frames >= start_frame + 2) & (
        indexed.hashes.frames < start_frame + 7 * config.frames_per_second - 64
    )
    wanted = list(
        zip(
            indexed.hashes.values[inside].tolist(),
            (indexed.hashes.frames[inside] - start_frame).tolist(),
        )
    )

    def held(phases: int) -> float:
        query = analyse_query(clip, dataclasses.replace(config, query_phases=phases))
        hashes = query.analysis.hashes
        have = set(zip(hashes.values.tolist(), hashes.frames.tolist()))
        return float(np.mean([any((v, f + d) in have for d in (-1, 0, 1)) for v, f in wanted]))

    assert held(1) < 0.7
    assert held(2) > 0.95


class CountingReads(io.BytesIO):
    """A file in memory that counts the bytes read from it."""

    bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readinto(self, buffer: Buffer) -> int:
        count = super().readinto(buffer)
        self.bytes_read += count
        return count


def test_a_file_declaring_more_than_the_limit_is_refused_before_decoding(
    tmp_path: Path, config: EngineConfig
) -> None:
    two_hours = silent_flac(tmp_path / "silence.flac", seconds=7200)
    source = CountingReads(two_hours.read_bytes())

    with pytest.raises(TooLong, match="declares 2.0 h of audio"):
        analyse_song(source, dataclasses.replace(config, max_index_seconds=60.0))

    # libsndfile's first buffer of headers, of a file ten times that.
    assert source.bytes_read <= 16_384 < len(source.getvalue()) / 10


def test_a_file_hiding_its_length_is_decoded_up_to_the_limit_only(
    tmp_path: Path, config: EngineConfig
) -> None:
    two_hours = silent_flac(tmp_path / "silence.flac", seconds=7200, declared=False)
    source = CountingReads(two_hours.read_bytes())

    with pytest.raises(TooLong, match="longer than the 0.0166667 h indexing limit"):
        analyse_song(source, dataclasses.replace(config, max_index_seconds=60.0))

    # Both decoders' first buffers (8 and 32 kB) and a minute of the 120 (1.5 kB).
    assert source.bytes_read < 48_000 < len(source.getvalue()) / 3
