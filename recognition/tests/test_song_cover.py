"""``/songs/<id>/cover``: a song's cover art, cached for good under its versioned URL, and
shown on the result card and on ``/songs/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from catalog.models import Song
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


def with_cover() -> Song:
    return Song.objects.get(title="Song 2")


def without_cover() -> Song:
    return Song.objects.get(title="Song 1")


def test_a_cover_is_served_as_the_jpeg_kept_for_it(
    client: Client, indexed: SongLibrary, covers_dir: Path
) -> None:
    song = with_cover()

    response = client.get(f"/songs/{song.pk}/cover", {"v": song.cover_version()})

    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.getvalue() == (covers_dir / song.cover).read_bytes()
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["ETag"] == f'"{song.cover}"'


def test_an_unversioned_or_old_url_is_checked_again_each_time(
    client: Client, indexed: SongLibrary
) -> None:
    song = with_cover()

    fresh = client.get(f"/songs/{song.pk}/cover", {"v": "an-old-one"})
    again = client.get(f"/songs/{song.pk}/cover", HTTP_IF_NONE_MATCH=fresh["ETag"])

    assert fresh.status_code == 200 and fresh["Cache-Control"] == "public, no-cache"
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("which", ["no cover", "no such song", "file gone"])
def test_no_cover_is_a_404(
    which: str, client: Client, indexed: SongLibrary, covers_dir: Path
) -> None:
    song_id = {"no cover": without_cover().pk, "no such song": 9999}.get(which, with_cover().pk)
    if which == "file gone":
        (covers_dir / with_cover().cover).unlink()

    assert client.get(f"/songs/{song_id}/cover").status_code == 404


def test_the_result_card_and_the_song_list_show_the_cover(
    client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    song = with_cover()
    clip = write_clip(tmp_path / "clip.wav", indexed.songs[1].samples)

    with clip.open("rb") as audio:
        card = client.post("/recognize", {"audio": audio, "source": "upload"}).content.decode()
    listing = client.get("/songs/").content.decode()

    cover = f'src="/songs/{song.pk}/cover?v={song.cover_version()}"'
    assert cover in card and cover in listing
    assert listing.count('class="cover small no-cover"') == 1  # Song 1's
