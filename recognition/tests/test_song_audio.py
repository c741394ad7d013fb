"""``/songs/<id>/audio``: the indexed file for the players, whole or by HTTP range, to those
``KAZOOM_PLAYBACK`` lets play; clean refusals otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from catalog.models import Song
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


def first_song() -> Song:
    return Song.objects.get(title="Song 1")


def url(song: Song) -> str:
    return f"/songs/{song.pk}/audio"


def body(response: object) -> bytes:
    return response.getvalue()  # type: ignore[attr-defined]


def test_the_whole_file_without_a_range(admin_client: Client, indexed: SongLibrary) -> None:
    song = first_song()
    data = Path(song.source_path).read_bytes()

    response = admin_client.get(url(song))

    assert response.status_code == 200 and body(response) == data
    assert response["Content-Type"] == "audio/flac" and response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(data))
    assert "Content-Range" not in response and "Content-Disposition" not in response


@pytest.mark.parametrize(
    ("asked", "first", "last"),
    [
        ("bytes=100-199", 100, 199),
        ("bytes=1000-", 1000, None),
        ("bytes=-500", -500, None),
        ("bytes=0-99999999", 0, None),
        ("bytes=-99999999", 0, None),
    ],
)
def test_a_range_is_a_206_of_those_bytes(
    asked: str, first: int, last: int | None, admin_client: Client, indexed: SongLibrary
) -> None:
    song = first_song()
    data = Path(song.source_path).read_bytes()
    expected = data[first : None if last is None else last + 1]
    start = first % len(data)

    response = admin_client.get(url(song), HTTP_RANGE=asked)

    assert response.status_code == 206 and body(response) == expected
    assert response["Content-Range"] == f"bytes {start}-{start + len(expected) - 1}/{len(data)}"
    assert response["Content-Length"] == str(len(expected))
    assert response["Content-Type"] == "audio/flac" and response["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize("asked", ["bytes={size}-", "bytes={size}-{size}", "bytes=-0"])
def test_a_range_past_the_end_is_a_416(
    asked: str, admin_client: Client, indexed: SongLibrary
) -> None:
    song = first_song()
    size = Path(song.source_path).stat().st_size

    response = admin_client.get(url(song), HTTP_RANGE=asked.format(size=size))

    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{size}"


@pytest.mark.parametrize("asked", ["bytes=0-1,5-6", "items=0-10", "bytes=9-3", "bytes=x-"])
def test_a_range_not_served_gets_the_whole_file(
    asked: str, admin_client: Client, indexed: SongLibrary
) -> None:
    song = first_song()

    response = admin_client.get(url(song), HTTP_RANGE=asked)

    assert response.status_code == 200
    assert body(response) == Path(song.source_path).read_bytes()


def test_only_staff_may_play_by_default(
    client: Client, django_user_model: type[User], indexed: SongLibrary
) -> None:
    song = first_song()
    anonymous = client.get(url(song))
    client.force_login(django_user_model.objects.create_user("fan", password="Kaz00m-fan-pass"))
    signed_in = client.get(url(song))

    for refused in (anonymous, signed_in):
        assert refused.status_code == 403
        page = refused.content.decode()
        assert "Playing songs is for staff" in page and 'class="site"' in page


def test_everyone_may_play_when_the_setting_says_so(
    client: Client, settings: Settings, indexed: SongLibrary
) -> None:
    settings.KAZOOM_PLAYBACK = "everyone"

    assert body(client.get(url(first_song()), HTTP_RANGE="bytes=0-3")) == b"fLaC"


def test_a_song_whose_file_is_gone_is_a_410_that_names_no_path(
    admin_client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    song = first_song()
    gone = tmp_path / "moved-away.flac"
    Song.objects.filter(pk=song.pk).update(source_path=str(gone))

    response = admin_client.get(url(song))

    page = response.content.decode()
    assert response.status_code == 410 and "file is gone" in page
    assert str(tmp_path) not in page and "moved-away" not in page


@pytest.mark.parametrize("song_id", ["9999", "unindexed"])
def test_no_such_song_is_a_404(song_id: str, admin_client: Client, indexed: SongLibrary) -> None:
    if song_id == "unindexed":
        song = first_song()
        song.pk, song.source_path, song.content_sha256 = None, "", ""
        song.fingerprint_generation, song.cover = None, ""
        song.save()
        song_id = str(song.pk)

    response = admin_client.get(f"/songs/{song_id}/audio")

    assert response.status_code == 404 and "No such song" in response.content.decode()


def test_a_head_request_says_what_a_get_would_send(
    admin_client: Client, indexed: SongLibrary
) -> None:
    song = first_song()

    response = admin_client.head(url(song))

    assert response.status_code == 200 and body(response) == b""
    assert response["Content-Length"] == str(Path(song.source_path).stat().st_size)


def test_the_result_card_plays_from_the_matched_moment_for_staff_only(
    client: Client, admin_client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    clip = write_clip(tmp_path / "clip.wav", indexed.songs[0].samples, 12.0)
    cards = []
    for who in (admin_client, client):
        with clip.open("rb") as audio:
            cards.append(who.post("/recognize", {"audio": audio}).content.decode())

    staff, anonymous = cards
    assert re.search(rf'src="/songs/{first_song().pk}/audio#t=1[12]\.\d"', staff), staff
    assert "<audio" not in anonymous and "Song 1" in anonymous
