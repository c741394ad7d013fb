"""At index time, a song whose audio another catalog song holds is said to be so, named with
the shared ranges, and indexed all the same: by ``index_songs``, and by the admin's upload, whose
indexing job (run here as the worker runs it) says so on the jobs page."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from catalog.indexing import FileReport, Indexer, Status
from catalog.models import Artist, IndexingJob, Song
from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes
from fingerprints.store import FingerprintStore
from testsupport.commands import run_command
from testsupport.duplicates import DuplicateFolders, song_named
from testsupport.indexing_jobs import run_queued_jobs
from testsupport.library import BOTH_DATABASES

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


def test_each_copy_indexed_names_the_song_it_shares_audio_with_and_is_indexed(
    duplicate_folders: DuplicateFolders,
) -> None:
    first = run_command("index_songs", str(duplicate_folders.originals))

    second = run_command("index_songs", str(duplicate_folders.copies))

    assert "already in the catalog" not in first.stdout  # the songs sharing a sample
    assert second.exit_code == 0, second.stderr
    lines = second.stdout.splitlines()
    for shared in duplicate_folders.duplicates:
        original = song_named(shared.a)
        (at,) = [i for i, line in enumerate(lines) if line.endswith(f"/{shared.b}")]
        note = lines[at + 1]
        assert note.startswith(
            f"  its audio is already in the catalog as song {original.pk} ({original}): "
        )
        assert note.endswith("; indexed all the same")
        assert note.count(" of this file is ") == len(shared.ranges)
        assert song_named(shared.b).indexed_at is not None
    edit_of = song_named("song3.flac").pk
    assert f"0:25–0:45 of this file is 0:40–1:00 of song {edit_of}" in second.stdout
    slower = song_named("song4.flac").pk
    assert f"played 0.97× as fast in song {slower}" in second.stdout
    assert lines[-1].endswith(f"; {len(duplicate_folders.duplicates)} hold audio other songs hold")
    assert Song.objects.count() == 11


def test_an_upload_in_the_admin_says_which_song_holds_its_audio_and_is_saved(
    admin_client: Client, duplicate_folders: DuplicateFolders
) -> None:
    assert run_command("index_songs", str(duplicate_folders.originals)).exit_code == 0
    original = song_named("song1.flac")
    artist = Artist.objects.create(name="Uploader")
    copy = duplicate_folders.copies / "song1-copy.mp3"

    with copy.open("rb") as upload:
        response = admin_client.post(
            reverse("admin:catalog_song_add"),
            {"title": "Copy", "artist": artist.pk, "album": "", "audio_file": upload},
        )

    assert response.status_code == 302
    [job] = run_queued_jobs()
    (warning,) = job.notes.splitlines()
    assert warning.startswith(
        f"Its audio is already in the catalog as song {original.pk} ({original}): 0:00–"
    )
    assert job.status == IndexingJob.Status.DONE
    assert job.song == Song.objects.get(title="Copy") and job.song.fingerprint_count > 0
    page = admin_client.get(reverse("admin:catalog_indexingjob_changelist")).content.decode()
    assert f"Its audio is already in the catalog as song {original.pk}" in page


def test_an_upload_of_new_audio_says_nothing_of_other_songs(
    admin_client: Client, duplicate_folders: DuplicateFolders
) -> None:
    assert run_command("index_songs", str(duplicate_folders.copies)).exit_code == 0
    artist = Artist.objects.create(name="Uploader")

    with (duplicate_folders.originals / "sharer-a.flac").open("rb") as upload:
        response = admin_client.post(
            reverse("admin:catalog_song_add"),
            {"title": "New", "artist": artist.pk, "album": "", "audio_file": upload},
        )

    assert response.status_code == 302
    [job] = run_queued_jobs()
    assert job.status == IndexingJob.Status.DONE and job.notes == ""


def test_a_check_that_fails_is_said_and_the_song_is_stored_all_the_same(
    duplicate_folders: DuplicateFolders, store: FingerprintStore, config: EngineConfig
) -> None:
    def failing(
        song_id: int, hashes: Hashes, store: FingerprintStore, config: EngineConfig
    ) -> list[str]:
        raise DatabaseError("database is locked")

    indexer = Indexer(store, config, shared_audio=failing)
    path = duplicate_folders.originals / "song1.flac"
    analysed = indexer.analyse_for(Song(), path)
    assert not isinstance(analysed, FileReport)

    report = indexer.commit(Song(content_sha256=analysed.sha256), analysed, tags=analysed.tags)

    assert report.status is Status.INDEXED
    assert report.shared == (
        "not checked for audio other songs hold (DatabaseError: database is locked)",
    )
    assert Song.objects.get().fingerprint_count > 0
    assert store.fingerprinted().keys() == {Song.objects.get().pk}
