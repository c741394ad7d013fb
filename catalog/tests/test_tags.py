from __future__ import annotations

from pathlib import Path

from catalog.tags import MAX_TAG_READ_BYTES, read_tags
from testsupport.codecs import write_audio
from testsupport.hostile import with_cover_art
from testsupport.music import SAMPLE_RATE, synth_song


def song_with_art(folder: Path, art_bytes: int) -> Path:
    path = write_audio(folder / "Cover_story.mp3", synth_song(2, 3.0), SAMPLE_RATE)
    return with_cover_art(path, art_bytes)


def test_tags_beside_real_cover_art_are_read(tmp_path: Path) -> None:
    tags = read_tags(song_with_art(tmp_path, 2 * 1024 * 1024))

    assert tags.title == "Mostly a picture" and tags.warning is None


def test_a_tag_too_large_to_read_falls_back_to_the_file_name(tmp_path: Path) -> None:
    tags = read_tags(song_with_art(tmp_path, MAX_TAG_READ_BYTES + 1))

    assert tags.title == "Cover story"
    assert tags.warning is not None and "16 MiB" in tags.warning
