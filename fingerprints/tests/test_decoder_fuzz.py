"""Whatever bytes it is handed, the decoder gives back audio or an ``AudioError`` that says
what is wrong with the file, never another exception: random bytes, each format cut short
or damaged anywhere, and WAV headers declaring any combination of fields."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fingerprints.audio import decode_audio
from fingerprints.errors import AudioError
from testsupport.codecs import write_audio
from testsupport.hostile import wav_bytes
from testsupport.music import SAMPLE_RATE, synth_song

RATE = 11025
MAX_SECONDS = 30.0
FORMATS = [".wav", ".flac", ".ogg", ".opus", ".mp3", ".m4a", ".webm"]
#: Fixed seeds and no saved examples: every run tries the same inputs.
FUZZ = settings(max_examples=250, deadline=None, derandomize=True, database=None)


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Two seconds of a song in each format, as bytes."""
    folder = tmp_path_factory.mktemp("formats")
    song = synth_song(5, 2.0)
    return {s: write_audio(folder / f"song{s}", song, SAMPLE_RATE).read_bytes() for s in FORMATS}


def assert_audio_or_refused(data: bytes) -> None:
    """Decoding ``data`` yields finite mono audio within the limit, or an AudioError whose
    code and message are fit to show the person who sent it."""
    try:
        decoded = decode_audio(io.BytesIO(data), sample_rate=RATE, max_seconds=MAX_SECONDS)
    except AudioError as error:
        assert error.code != AudioError.code
        assert str(error) and "Traceback" not in str(error)
        return
    assert decoded.samples.dtype == np.float32 and decoded.samples.ndim == 1
    assert decoded.duration_seconds <= MAX_SECONDS + 1
    assert np.isfinite(decoded.samples).all()


@FUZZ
@given(st.binary(min_size=1, max_size=4096))
def test_random_bytes(data: bytes) -> None:
    assert_audio_or_refused(data)


@FUZZ
@given(st.sampled_from(FORMATS), st.floats(0.0, 1.0))
def test_every_format_cut_anywhere(encoded: dict[str, bytes], suffix: str, kept: float) -> None:
    whole = encoded[suffix]
    assert_audio_or_refused(whole[: max(1, int(kept * len(whole)))])


@FUZZ
@given(
    st.sampled_from(FORMATS),
    st.lists(st.tuples(st.floats(0.0, 1.0, exclude_max=True), st.integers(0, 255)), max_size=8),
)
def test_every_format_with_bytes_overwritten(
    encoded: dict[str, bytes], suffix: str, damage: list[tuple[float, int]]
) -> None:
    data = bytearray(encoded[suffix])
    for where, value in damage:
        data[int(where * len(data))] = value
    assert_audio_or_refused(bytes(data))


@FUZZ
@given(
    format_tag=st.integers(0, 0xFFFF),
    channels=st.integers(0, 0xFFFF),
    rate=st.integers(0, 0xFFFFFFFF),
    bits=st.integers(0, 0xFFFF),
    data=st.binary(max_size=4096),
    declared_data_bytes=st.integers(0, 0xFFFFFFFF),
)
def test_absurd_wav_headers(
    format_tag: int, channels: int, rate: int, bits: int, data: bytes, declared_data_bytes: int
) -> None:
    assert_audio_or_refused(
        wav_bytes(
            format_tag=format_tag,
            channels=channels,
            rate=rate,
            bits=bits,
            data=data,
            declared_data_bytes=declared_data_bytes,
        )
    )
