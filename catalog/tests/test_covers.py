"""Cover art: read from a file's embedded picture when it is indexed, re-encoded, kept under a
server-made name, and gone with the song; files of no song are found and removed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import cast

import numpy as np
import pytest
from django.test import Client
from PIL import Image

from catalog.covers import COVER_SIDE_PIXELS, MAX_PICTURE_BYTES, encode_cover
from catalog.models import Artist, Song
from testsupport.codecs import write_audio
from testsupport.commands import run_command
from testsupport.covers import embed_cover, picture
from testsupport.indexing_jobs import run_queued_jobs
from testsupport.library import BOTH_DATABASES
from testsupport.music import SAMPLE_RATE, synth_song

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

TEAL = (20, 150, 150)


def song_file(folder: Path, name: str, seed: int = 7) -> Path:
    return write_audio(folder / name, synth_song(seed, 8.0), SAMPLE_RATE)


def indexed_song(path: Path) -> Song:
    run = run_command("index_songs", str(path))
    assert run.exit_code == 0, run.stderr
    return Song.objects.get(source_path=str(path))


def kept_image(covers_dir: Path, song: Song) -> Image.Image:
    assert song.cover
    image = Image.open(covers_dir / song.cover)
    assert image.format == "JPEG"
    return image


def colour_at(image: Image.Image, x: float, y: float) -> tuple[int, ...]:
    pixel = image.convert("RGB").getpixel((int(x * image.width), int(y * image.height)))
    return cast(tuple[int, ...], pixel)


def near(colour: tuple[int, ...], wanted: tuple[int, ...]) -> bool:
    return max(abs(a - b) for a, b in zip(colour, wanted, strict=True)) <= 12


@pytest.mark.parametrize(
    ("name", "fmt", "mime"),
    [
        ("a.flac", "PNG", "image/png"),
        ("b.mp3", "JPEG", "image/jpeg"),
        ("c.wav", "PNG", "image/png"),
        ("d.ogg", "JPEG", "image/jpeg"),
    ],
)
def test_the_embedded_picture_becomes_the_song_s_cover(
    name: str, fmt: str, mime: str, tmp_path: Path, covers_dir: Path
) -> None:
    path = embed_cover(song_file(tmp_path, name), picture(TEAL, fmt=fmt), mime=mime)

    song = indexed_song(path)

    image = kept_image(covers_dir, song)
    assert image.size == (400, 400)
    assert near(colour_at(image, 0.7, 0.7), TEAL) and near(colour_at(image, 0.1, 0.1), (255,) * 3)
    assert [p.name for p in covers_dir.iterdir()] == [song.cover]


def test_a_large_picture_is_made_smaller_and_its_declared_type_is_ignored(
    tmp_path: Path, covers_dir: Path
) -> None:
    # A PNG that says it is a GIF: the bytes decide.
    path = embed_cover(song_file(tmp_path, "big.flac"), picture(TEAL, (2400, 1200)), mime="x/gif")

    image = kept_image(covers_dir, indexed_song(path))

    assert image.size == (COVER_SIDE_PIXELS, COVER_SIDE_PIXELS // 2)


def test_a_picture_that_is_not_one_gives_no_cover_and_the_song_is_indexed(
    tmp_path: Path, covers_dir: Path
) -> None:
    junk = np.random.default_rng(1).bytes(50_000)
    path = embed_cover(song_file(tmp_path, "junk.mp3"), junk, mime="image/jpeg")

    song = indexed_song(path)

    assert song.cover == "" and song.fingerprint_count > 0
    assert list(covers_dir.iterdir()) == []


def test_absurd_pictures_are_refused_before_they_are_decoded() -> None:
    # 6000 × 6000 of one colour: a few kilobytes of PNG that would decode to 108 MB.
    assert encode_cover(picture(TEAL, (6000, 6000))) is None
    assert encode_cover(b"\xff\xd8\xff" + bytes(MAX_PICTURE_BYTES)) is None
    assert encode_cover(picture(TEAL, (4000, 4000))) is not None


def test_a_song_without_a_picture_has_no_cover(tmp_path: Path, covers_dir: Path) -> None:
    assert indexed_song(song_file(tmp_path, "bare.flac")).cover == ""
    assert list(covers_dir.iterdir()) == []


def test_the_cover_goes_with_the_song(tmp_path: Path, covers_dir: Path) -> None:
    song = indexed_song(embed_cover(song_file(tmp_path, "a.flac"), picture(TEAL)))
    assert (covers_dir / song.cover).is_file()

    song.delete()

    assert list(covers_dir.iterdir()) == []


def test_indexing_again_replaces_the_cover(tmp_path: Path, covers_dir: Path) -> None:
    path = embed_cover(song_file(tmp_path, "a.flac"), picture(TEAL))
    first = indexed_song(path).cover

    assert run_command("index_songs", "--reindex", str(path)).exit_code == 0

    song = Song.objects.get()
    assert song.cover != first
    assert [p.name for p in covers_dir.iterdir()] == [song.cover]


def test_a_cover_file_of_no_song_is_found_and_removed(tmp_path: Path, covers_dir: Path) -> None:
    song = indexed_song(embed_cover(song_file(tmp_path, "a.flac"), picture(TEAL)))
    (covers_dir / ("0" * 32 + ".jpg")).write_bytes(io.BytesIO(b"left by a kill").getvalue())

    checked = run_command("check_store")
    repaired = run_command("check_store", "--repair")

    assert checked.exit_code == 1 and "1 cover file(s) of no song" in checked.stdout
    assert "1 stray cover(s) removed" in repaired.stdout and repaired.exit_code == 0
    assert [p.name for p in covers_dir.iterdir()] == [song.cover]


def test_the_next_index_run_removes_cover_files_of_no_song(
    tmp_path: Path, covers_dir: Path
) -> None:
    (covers_dir / ("1" * 32 + ".jpg")).write_bytes(b"left by a kill")

    run = run_command("index_songs", str(song_file(tmp_path, "a.flac")))

    assert "settled: 0 interrupted commit(s) finished, 0 rolled back, 1 stray" in run.stdout
    assert list(covers_dir.iterdir()) == []


def test_a_song_added_in_the_admin_gets_the_cover_of_its_file(
    admin_client: Client, tmp_path: Path, covers_dir: Path
) -> None:
    artist = Artist.objects.create(name="The Testers")
    path = embed_cover(
        song_file(tmp_path, "take.mp3"), picture(TEAL, fmt="JPEG"), mime="image/jpeg"
    )

    with path.open("rb") as audio:
        response = admin_client.post(
            "/admin/catalog/song/add/",
            {"title": "Admin take", "artist": artist.pk, "album": "", "audio_file": audio},
        )

    assert response.status_code == 302
    run_queued_jobs()
    image = kept_image(covers_dir, Song.objects.get(title="Admin take"))
    assert near(colour_at(image, 0.7, 0.7), TEAL)
