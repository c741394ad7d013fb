"""The admin's add-song form: title, artist and album (by its album artist) left blank come
from the file's tags, as ``index_songs`` reads them, and what was entered wins, once the queued
job is run (the queue's task, in this process); a form refused
for another field keeps the chosen file aside under a name the server made, with a signed
token in a hidden field, so sending it again needs no new choice; a token not signed here, or
expired, keeps nothing; kept files past their hours are removed."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from catalog.models import Album, Artist, Song
from catalog.uploads import remove_stale_pending
from testsupport.codecs import write_audio
from testsupport.commands import database_snapshot
from testsupport.indexing_jobs import run_queued_jobs
from testsupport.library import BOTH_DATABASES
from testsupport.music import SAMPLE_RATE, synth_song
from testsupport.tagging import tag

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

ADD_URL = reverse("admin:catalog_song_add")
KEPT_FIELD = re.compile(r'<input type="hidden" name="kept_file" value="([^"]+)"')
NO_SUCH_ALBUM = 987654


@pytest.fixture
def folders(settings: Settings, tmp_path: Path) -> tuple[Path, Path]:
    """The library and pending folders of this test: (library, pending)."""
    settings.KAZOOM_LIBRARY_DIR = tmp_path / "library"
    settings.KAZOOM_PENDING_UPLOADS_DIR = tmp_path / "pending"
    return settings.KAZOOM_LIBRARY_DIR, settings.KAZOOM_PENDING_UPLOADS_DIR


def song_file(folder: Path, seed: int, name: str = "", **fields: str) -> Path:
    path = write_audio(folder / (name or f"take_{seed}.flac"), synth_song(seed, 8.0), SAMPLE_RATE)
    return tag(path, **fields) if fields else path


TAGGED = {"title": "Tagged Title", "artist": "Tag Composer", "album": "Game OST"}


def post(client: Client, fields: dict[str, Any], path: Path | None = None) -> Response:
    data = {"title": "", "artist": "", "album": "", "kept_file": "", **fields}
    if path is None:
        return client.post(ADD_URL, data)
    with path.open("rb") as audio:
        return client.post(ADD_URL, {**data, "audio_file": audio})


def errors(response: Response) -> dict[str, list[str]]:
    if response.context is None or "adminform" not in response.context:
        return {}
    return response.context["adminform"].form.errors


def files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


def test_blank_fields_come_from_the_file_s_tags(
    admin_client: Client, tmp_path: Path, folders: tuple[Path, Path]
) -> None:
    path = song_file(tmp_path, 41, **TAGGED, albumartist="The Orchestra")

    response = post(admin_client, {}, path)

    assert response.status_code == 302, errors(response)
    run_queued_jobs()
    song = Song.objects.get()
    assert (song.title, song.artist.name) == ("Tagged Title", "Tag Composer")
    assert song.album is not None
    assert (song.album.title, song.album.artist.name) == ("Game OST", "The Orchestra")
    assert song.fingerprint_count > 0 and Path(song.source_path).parent == folders[0]


def test_what_was_entered_wins_over_the_tags(
    admin_client: Client, tmp_path: Path, folders: tuple[Path, Path]
) -> None:
    artist = Artist.objects.create(name="Entered Artist")
    album = Album.objects.create(title="Entered Album", artist=artist)
    path = song_file(tmp_path, 42, **TAGGED)

    response = post(
        admin_client, {"title": "Entered", "artist": artist.pk, "album": album.pk}, path
    )

    assert response.status_code == 302, errors(response)
    run_queued_jobs()
    song = Song.objects.get()
    assert (song.title, song.artist, song.album) == ("Entered", artist, album)
    assert not Artist.objects.filter(name="Tag Composer").exists()


def test_without_tags_the_title_is_the_uploaded_file_s_name(
    admin_client: Client, tmp_path: Path, folders: tuple[Path, Path]
) -> None:
    path = song_file(tmp_path, 43, name="night_drive.flac")

    response = post(admin_client, {}, path)

    assert response.status_code == 302, errors(response)
    run_queued_jobs()
    song = Song.objects.get()
    assert (song.title, song.artist.name, song.album) == ("night drive", "Unknown artist", None)
    assert Path(song.source_path).name != "night_drive.flac"


def test_without_a_file_title_and_artist_must_be_entered(
    admin_client: Client, folders: tuple[Path, Path]
) -> None:
    response = post(admin_client, {})

    assert errors(response) == {
        "audio_file": ["This field is required."],
        "title": ["Enter it, or choose a file whose tags have it."],
        "artist": ["Enter it, or choose a file whose tags have it."],
    }
    assert not Song.objects.exists()


def test_a_form_refused_for_another_field_keeps_the_file_for_the_next_try(
    admin_client: Client, tmp_path: Path, folders: tuple[Path, Path]
) -> None:
    library, pending = folders
    path = song_file(tmp_path, 44, **TAGGED)
    before = database_snapshot()

    refused = post(admin_client, {"album": NO_SUCH_ALBUM}, path)

    assert list(errors(refused)) == ["album"]
    assert database_snapshot() == before and files(library) == []
    [kept] = files(pending)
    assert kept.read_bytes() == path.read_bytes() and re.fullmatch(r"[0-9a-f]{32}", kept.name)
    page = refused.content.decode()
    assert "Kept from your last try: take_44.flac" in page
    token = KEPT_FIELD.search(page)
    assert token is not None and kept.name not in token.group(1)

    again = post(admin_client, {"kept_file": token.group(1)})

    assert again.status_code == 302, errors(again)
    run_queued_jobs()
    song = Song.objects.get()
    assert song.title == "Tagged Title" and song.fingerprint_count > 0
    assert files(pending) == [] and files(library) == [Path(song.source_path)]


def test_a_new_file_replaces_the_kept_one(
    admin_client: Client, tmp_path: Path, folders: tuple[Path, Path]
) -> None:
    _, pending = folders
    first = post(admin_client, {"album": NO_SUCH_ALBUM}, song_file(tmp_path, 45))
    token = KEPT_FIELD.search(first.content.decode())
    assert token is not None
    second = song_file(tmp_path, 46, title="Second Take")

    refused = post(admin_client, {"album": NO_SUCH_ALBUM, "kept_file": token.group(1)}, second)
    [kept] = files(pending)
    assert kept.read_bytes() == second.read_bytes()
    again = post(admin_client, {"kept_file": KEPT_FIELD.findall(refused.content.decode())[0]})

    assert again.status_code == 302, errors(again)
    run_queued_jobs()
    assert Song.objects.get().title == "Second Take" and files(pending) == []


@pytest.mark.parametrize(
    "token",
    [
        "0123456789abcdef0123456789abcdef",
        "../../etc/passwd",
        '["0123456789abcdef0123456789abcdef", "x.flac"]:1tX:forged',
    ],
    ids=["a bare name", "a path", "a forged signature"],
)
def test_a_token_not_signed_here_uses_no_file(
    token: str, admin_client: Client, tmp_path: Path, folders: tuple[Path, Path]
) -> None:
    _, pending = folders
    pending.mkdir(parents=True)
    (pending / "0123456789abcdef0123456789abcdef").write_bytes(song_file(tmp_path, 47).read_bytes())

    response = post(admin_client, {"title": "T", "kept_file": token})

    assert errors(response)["audio_file"] == ["This field is required."]
    assert not Song.objects.exists()


def test_an_expired_token_uses_no_file_and_stale_files_are_removed(
    admin_client: Client, tmp_path: Path, folders: tuple[Path, Path], settings: Settings
) -> None:
    _, pending = folders
    refused = post(admin_client, {"album": NO_SUCH_ALBUM}, song_file(tmp_path, 48))
    token = KEPT_FIELD.search(refused.content.decode())
    assert token is not None
    [kept] = files(pending)
    long_ago = time.time() - (settings.KAZOOM_KEPT_UPLOAD_HOURS * 3600 + 60)
    os.utime(kept, (long_ago, long_ago))
    settings.KAZOOM_KEPT_UPLOAD_HOURS = 0  # the token, signed a moment ago, has expired too

    response = post(admin_client, {"title": "T", "kept_file": token.group(1)})

    assert errors(response)["audio_file"] == ["This field is required."]
    assert remove_stale_pending() == 1 and files(pending) == []


def test_keeping_a_file_removes_those_kept_too_long_ago(
    admin_client: Client, tmp_path: Path, folders: tuple[Path, Path], settings: Settings
) -> None:
    _, pending = folders
    post(admin_client, {"album": NO_SUCH_ALBUM}, song_file(tmp_path, 49))
    [stale] = files(pending)
    long_ago = time.time() - (settings.KAZOOM_KEPT_UPLOAD_HOURS * 3600 + 60)
    os.utime(stale, (long_ago, long_ago))

    post(admin_client, {"album": NO_SUCH_ALBUM}, song_file(tmp_path, 50))

    [kept] = files(pending)
    assert kept != stale and not stale.exists()
