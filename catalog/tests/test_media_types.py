"""An indexed file's media type comes from its content, whatever its name (the admin keeps
files under names without an extension)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.media_types import audio_media_type
from testsupport.codecs import write_audio
from testsupport.music import SAMPLE_RATE, synth_song


@pytest.mark.parametrize(
    ("suffix", "media_type"),
    [
        (".wav", "audio/wav"),
        (".flac", "audio/flac"),
        (".ogg", "audio/ogg"),
        (".mp3", "audio/mpeg"),
        (".m4a", "audio/mp4"),
        (".webm", "audio/webm"),
    ],
)
def test_the_media_type_is_read_from_the_content(
    suffix: str, media_type: str, tmp_path: Path
) -> None:
    written = write_audio(tmp_path / f"song{suffix}", synth_song(3, 2.0), SAMPLE_RATE)
    nameless = written.rename(tmp_path / "0123abcd")

    with nameless.open("rb") as audio:
        assert audio_media_type(audio) == media_type
        assert audio.tell() == 0


def test_anything_else_is_octet_stream(tmp_path: Path) -> None:
    (tmp_path / "notes").write_bytes(b"just some words")

    with (tmp_path / "notes").open("rb") as other:
        assert audio_media_type(other) == "application/octet-stream"
