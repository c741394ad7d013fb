from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import scipy.signal
import soundfile as sf
import soxr

from fingerprints.audio import (
    _BLOCK_SAMPLES,
    MAX_SOURCE_RATE,
    MIN_SOURCE_RATE,
    AudioInput,
    decode_audio,
    open_audio,
)
from fingerprints.errors import (
    AudioError,
    EmptyFile,
    MissingFile,
    NotAudio,
    TruncatedAudio,
    UnsupportedAudio,
)
from fingerprints.tests.signals import dominant_frequency_hz, sines
from testsupport.codecs import write_audio
from testsupport.hostile import EXTENSIBLE_TAG, forget_flac_length, wav_bytes
from testsupport.music import SAMPLE_RATE, synth_song

RATE = 11025
SONG_SECONDS = 8.0
ALL_FORMATS = [".wav", ".flac", ".ogg", ".opus", ".mp3", ".m4a", ".webm"]
#: One format per decoder: libsndfile, then FFmpeg through PyAV.
ONE_PER_DECODER = [".flac", ".m4a"]


@pytest.fixture(scope="module")
def song() -> np.ndarray:
    return synth_song(7, SONG_SECONDS)


def best_alignment(decoded: np.ndarray, original: np.ndarray) -> tuple[float, int]:
    """Peak normalised cross-correlation and its lag in samples (codecs add a small delay)."""
    correlation = scipy.signal.correlate(decoded, original, method="fft")
    best = int(np.argmax(correlation))
    energy = np.sum(decoded.astype(np.float64) ** 2) * np.sum(original.astype(np.float64) ** 2)
    lag = int(scipy.signal.correlation_lags(len(decoded), len(original))[best])
    return float(correlation[best] / np.sqrt(energy)), lag


def tone_amplitude(samples: np.ndarray, frequency_hz: float) -> float:
    window = np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(samples * window)) * 2 / window.sum()
    centre = round(frequency_hz * len(samples) / RATE)
    return float(spectrum[centre - 3 : centre + 4].max())


@pytest.mark.parametrize("suffix", ALL_FORMATS)
def test_every_format_decodes_to_the_song(tmp_path: Path, song: np.ndarray, suffix: str) -> None:
    path = write_audio(tmp_path / f"song{suffix}", song, SAMPLE_RATE)

    decoded = decode_audio(path, sample_rate=RATE)

    assert decoded.samples.dtype == np.float32
    assert decoded.samples.ndim == 1
    assert decoded.sample_rate == RATE
    assert decoded.complete
    assert decoded.duration_seconds == pytest.approx(SONG_SECONDS, abs=0.1)
    original = soxr.resample(song, SAMPLE_RATE, RATE)
    correlation, lag = best_alignment(decoded.samples, original)
    assert correlation > 0.95
    assert abs(lag) < 0.1 * RATE
    assert np.std(decoded.samples) == pytest.approx(np.std(original), rel=0.1)


@pytest.mark.parametrize("suffix", ONE_PER_DECODER)
def test_stereo_is_mixed_to_mono(tmp_path: Path, suffix: str) -> None:
    left, right = sines([440.0], 3, SAMPLE_RATE, 0.5), sines([660.0], 3, SAMPLE_RATE, 0.5)
    path = write_audio(tmp_path / f"stereo{suffix}", np.stack([left, right], axis=1), SAMPLE_RATE)

    samples = decode_audio(path, sample_rate=RATE).samples

    assert tone_amplitude(samples, 440.0) == pytest.approx(0.25, rel=0.1)
    assert tone_amplitude(samples, 660.0) == pytest.approx(0.25, rel=0.1)


@pytest.mark.parametrize(
    ("suffix", "source_rate"),
    [(".flac", 44100), (".wav", 48000), (".m4a", 44100), (".webm", 48000)],
)
def test_source_rate_is_converted_without_changing_pitch(
    tmp_path: Path, suffix: str, source_rate: int
) -> None:
    path = write_audio(tmp_path / f"tone{suffix}", sines([1000.0], 4, source_rate), source_rate)

    decoded = decode_audio(path, sample_rate=RATE)

    assert decoded.sample_rate == RATE
    assert decoded.duration_seconds == pytest.approx(4, abs=0.1)
    assert dominant_frequency_hz(decoded.samples, RATE) == pytest.approx(1000.0, abs=2.0)


@pytest.mark.parametrize("suffix", ONE_PER_DECODER)
def test_max_seconds_stops_early(tmp_path: Path, song: np.ndarray, suffix: str) -> None:
    path = write_audio(tmp_path / f"song{suffix}", song, SAMPLE_RATE)

    whole = decode_audio(path, sample_rate=RATE)
    start = decode_audio(path, sample_rate=RATE, max_seconds=3.0)

    assert not start.complete
    assert start.duration_seconds == pytest.approx(3.0, abs=0.1)
    head = 2 * RATE
    np.testing.assert_allclose(start.samples[:head], whole.samples[:head], atol=1e-4)


def test_max_seconds_beyond_the_end_is_complete(tmp_path: Path, song: np.ndarray) -> None:
    path = write_audio(tmp_path / "song.flac", song, SAMPLE_RATE)

    decoded = decode_audio(path, sample_rate=RATE, max_seconds=SONG_SECONDS + 5)

    assert decoded.complete
    assert decoded.duration_seconds == pytest.approx(SONG_SECONDS, abs=0.1)


@pytest.mark.parametrize("suffix", [".flac", ".webm"])
def test_file_object_decodes_like_its_path(tmp_path: Path, song: np.ndarray, suffix: str) -> None:
    path = write_audio(tmp_path / f"song{suffix}", song, SAMPLE_RATE)

    from_path = decode_audio(path, sample_rate=RATE)
    from_object = decode_audio(io.BytesIO(path.read_bytes()), sample_rate=RATE)

    np.testing.assert_array_equal(from_object.samples, from_path.samples)
    assert from_object.complete


def assert_refused(source: AudioInput, error: type[AudioError], words: str) -> None:
    with pytest.raises(error, match=words) as caught:
        decode_audio(source, sample_rate=RATE)
    assert type(caught.value) is error


def test_missing_path(tmp_path: Path) -> None:
    assert_refused(tmp_path / "nowhere.mp3", MissingFile, "nowhere.mp3")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")

    assert_refused(path, EmptyFile, "empty")
    assert_refused(io.BytesIO(), EmptyFile, "empty")


def test_text_renamed_to_mp3(tmp_path: Path) -> None:
    path = tmp_path / "lyrics.mp3"
    path.write_text("Never gonna give you up, never gonna let you down\n" * 40)

    assert_refused(path, NotAudio, "audio")


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".mp3", ".ogg"])
def test_file_cut_in_half_is_truncated(tmp_path: Path, song: np.ndarray, suffix: str) -> None:
    path = write_audio(tmp_path / f"song{suffix}", song, SAMPLE_RATE)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    assert_refused(path, TruncatedAudio, "cut short")


@pytest.mark.parametrize(
    "wav",
    [wav_bytes(bits=0), wav_bytes(format_tag=EXTENSIBLE_TAG), wav_bytes(channels=0)],
    ids=["0 bits per sample", "format tag 0xFFFF", "no channels"],
)
def test_a_wav_in_no_usable_encoding_is_unsupported(wav: bytes) -> None:
    assert_refused(io.BytesIO(wav), UnsupportedAudio, "encoding")


@pytest.mark.parametrize("rate", [1, MIN_SOURCE_RATE - 1, MAX_SOURCE_RATE + 1])
def test_a_sample_rate_out_of_range_is_refused_before_decoding(rate: int) -> None:
    assert_refused(io.BytesIO(wav_bytes(rate=rate)), UnsupportedAudio, f"{rate:,} Hz")


@pytest.mark.parametrize("rate", [MIN_SOURCE_RATE, MAX_SOURCE_RATE])
def test_the_sample_rates_at_the_bounds_decode(tmp_path: Path, rate: int) -> None:
    path = write_audio(tmp_path / "tone.wav", sines([1000.0], 2, rate), rate)

    decoded = decode_audio(path, sample_rate=RATE)

    assert decoded.duration_seconds == pytest.approx(2, abs=0.05)
    assert dominant_frequency_hz(decoded.samples, RATE) == pytest.approx(1000.0, abs=2.0)


def test_a_flac_that_does_not_declare_its_length_decodes_whole(
    tmp_path: Path, song: np.ndarray
) -> None:
    path = write_audio(tmp_path / "song.flac", song, SAMPLE_RATE)
    declared = decode_audio(path, sample_rate=RATE)
    forget_flac_length(path)

    undeclared = decode_audio(path, sample_rate=RATE)

    assert open_audio(path, sample_rate=RATE).declared_seconds is None
    assert undeclared.complete
    np.testing.assert_array_equal(undeclared.samples, declared.samples)


def test_a_wav_of_many_channels_is_read_in_bounded_blocks(tmp_path: Path) -> None:
    channels = 1000
    tone = sines([1000.0], 2, 8000)
    path = tmp_path / "many.wav"
    sf.write(path, np.repeat(tone[:, None], channels, axis=1), 8000, subtype="PCM_16")

    blocks = list(open_audio(path, sample_rate=RATE).blocks())

    # The 16,000 frames of 1,000 channels come in blocks of at most _BLOCK_SAMPLES samples.
    assert len(blocks) >= len(tone) * channels / _BLOCK_SAMPLES
    assert dominant_frequency_hz(np.concatenate(blocks), RATE) == pytest.approx(1000.0, abs=2.0)
