"""Albums are a title and an album artist: the ``albumartist`` tag, "Various Artists" for a
compilation, else the song's artist; a soundtrack by several composers is one album, in the
catalog, the admin and ``/songs/``; migration 0004 regroups the albums made before."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from catalog.models import Album, Artist, Song
from catalog.tags import VARIOUS_ARTISTS, read_tags
from testsupport.codecs import write_audio
from testsupport.commands import run_command
from testsupport.library import BOTH_DATABASES
from testsupport.migrations import migrated_back
from testsupport.music import SAMPLE_RATE, synth_song
from testsupport.tagging import tag

COMPOSERS = ["Ann Composer", "Ben Composer", "Cleo Composer"]


def track(folder: Path, seed: int, suffix: str = ".flac", **fields: str) -> Path:
    path = write_audio(folder / f"track_{seed}{suffix}", synth_song(seed, 6.0), SAMPLE_RATE)
    return tag(path, title=f"Track {seed}", **fields)


def soundtrack(folder: Path, **album_fields: str) -> list[Path]:
    """One file per composer, all on the album "Game OST" with ``album_fields``."""
    return [
        track(folder, seed, artist=composer, album="Game OST", **album_fields)
        for seed, composer in enumerate(COMPOSERS, start=30)
    ]


@pytest.mark.parametrize("suffix", [".flac", ".ogg", ".mp3", ".m4a"])
@pytest.mark.parametrize(
    ("album_fields", "album_artist"),
    [
        ({"albumartist": "The Orchestra"}, "The Orchestra"),
        ({"compilation": "1"}, VARIOUS_ARTISTS),
        ({"compilation": "1", "albumartist": "The Orchestra"}, "The Orchestra"),
        ({"compilation": "0"}, "Ann Composer"),
        ({}, "Ann Composer"),
    ],
)
def test_the_album_artist_is_read_from_each_format(
    tmp_path: Path, suffix: str, album_fields: dict[str, str], album_artist: str
) -> None:
    path = track(tmp_path, 1, suffix, artist="Ann Composer", album="Game OST", **album_fields)

    tags = read_tags(path)

    assert (tags.artist, tags.album) == ("Ann Composer", "Game OST")
    assert tags.album_artist == album_artist


def test_a_vorbis_album_artist_may_be_written_with_a_space(tmp_path: Path) -> None:
    path = track(tmp_path, 1, artist="Ann Composer", album="Game OST", **{"album artist": "Duo"})

    assert read_tags(path).album_artist == "Duo"


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
@pytest.mark.parametrize(
    ("album_fields", "album_artist"),
    [({"albumartist": "The Orchestra"}, "The Orchestra"), ({"compilation": "1"}, VARIOUS_ARTISTS)],
)
def test_a_soundtrack_by_several_composers_is_indexed_as_one_album(
    tmp_path: Path, album_fields: dict[str, str], album_artist: str
) -> None:
    soundtrack(tmp_path, **album_fields)

    run = run_command("index_songs", str(tmp_path))

    assert run.exit_code == 0, run.stderr
    [album] = Album.objects.all()
    assert (album.title, album.artist.name) == ("Game OST", album_artist)
    songs = Song.objects.order_by("title")
    assert [(s.artist.name, s.album_id) for s in songs] == [(c, album.pk) for c in COMPOSERS]


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_without_an_album_artist_each_artists_album_of_a_title_is_its_own(tmp_path: Path) -> None:
    track(tmp_path, 1, artist="Ann Composer", album="Greatest Hits")
    track(tmp_path, 2, artist="Ben Composer", album="Greatest Hits")

    run = run_command("index_songs", str(tmp_path))

    assert run.exit_code == 0, run.stderr
    assert sorted(Album.objects.values_list("title", "artist__name")) == [
        ("Greatest Hits", "Ann Composer"),
        ("Greatest Hits", "Ben Composer"),
    ]


@pytest.fixture
def indexed_soundtrack(tmp_path: Path) -> Album:
    soundtrack(tmp_path, albumartist="The Orchestra")
    run = run_command("index_songs", str(tmp_path))
    assert run.exit_code == 0, run.stderr
    return Album.objects.get()


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_the_admin_lists_and_picks_the_soundtrack_once(
    admin_client: Client, indexed_soundtrack: Album
) -> None:
    picker = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "catalog", "model_name": "song", "field_name": "album", "term": "OST"},
    )
    albums = admin_client.get(reverse("admin:catalog_album_changelist"))
    songs = admin_client.get(reverse("admin:catalog_song_changelist"))

    assert [r["text"] for r in picker.json()["results"]] == ["Game OST (The Orchestra)"]
    assert [a.pk for a in albums.context["cl"].result_list] == [indexed_soundtrack.pk]
    assert "Album artist" in albums.content.decode()
    assert songs.content.decode().count("Game OST (The Orchestra)") == 1 + len(COMPOSERS)


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_song_pages_name_the_album_and_its_artist_beside_the_songs_own(
    client: Client, indexed_soundtrack: Album
) -> None:
    songs = client.get("/songs/", {"q": "Game OST"})
    page = client.get(f"/songs/{Song.objects.get(artist__name='Ben Composer').pk}/")

    assert [s.album_id for s in songs.context["page"].object_list] == [indexed_soundtrack.pk] * 3
    content = page.content.decode()
    assert "Ben Composer" in content
    assert "Game OST" in content and "The Orchestra" in content


# Migration 0004


@pytest.fixture
def before_album_artists() -> Iterator[MigrationExecutor]:
    with migrated_back("catalog", "0003_song_cover") as executor:
        yield executor


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_the_migration_regroups_one_album_per_artist_by_the_files_album_artist(
    before_album_artists: MigrationExecutor, tmp_path: Path
) -> None:
    old = before_album_artists.loader.project_state(("catalog", "0003_song_cover")).apps
    OldArtist, OldAlbum, OldSong = (
        old.get_model("catalog", m) for m in ("Artist", "Album", "Song")
    )
    paths = soundtrack(tmp_path, albumartist="The Orchestra")
    gone = track(tmp_path, 9, artist="Dee Composer", album="Game OST", albumartist="The Orchestra")
    renamed = track(tmp_path, 8, artist="Eve Singer", album="Demo", albumartist="The Orchestra")
    rows = [(p, c, "Game OST") for p, c in zip(paths, COMPOSERS)]
    rows += [(gone, "Dee Composer", "Game OST"), (renamed, "Eve Singer", "Renamed by hand")]
    for path, name, title in rows:
        artist = OldArtist.objects.create(name=name)
        album = OldAlbum.objects.create(title=title, artist=artist)
        OldSong.objects.create(title=name, artist=artist, album=album, source_path=str(path))
    gone.unlink()

    before_album_artists.migrate([("catalog", "0004_album_artist")])

    rows_now = Song.objects.values_list("title", "album__title", "album__artist__name")
    albums = {title: (album, album_artist) for title, album, album_artist in rows_now}
    assert albums == {
        **{c: ("Game OST", "The Orchestra") for c in COMPOSERS},
        "Dee Composer": ("Game OST", "Dee Composer"),
        "Eve Singer": ("Renamed by hand", "Eve Singer"),
    }
    assert Album.objects.count() == 3
    assert set(Artist.objects.values_list("name", flat=True)) >= set(COMPOSERS)
