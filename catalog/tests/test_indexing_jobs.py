"""The admin's indexing jobs, through the real test client and the queue's task run in this
process: adding a song queues its file and fingerprints nothing in the request; the worker's
task makes the song with its fingerprints, what was entered winning over the file's tags; a
file whose header shows it unusable is refused in the request, one that fails once decoded
fails its job, saying why; a job stopped goes back on the queue and is done later; the job of
a task that failed is reported interrupted, its kept file gone; the jobs page and a song's
page say how its jobs stand."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from catalog.indexing import Indexer
from catalog.indexing_jobs import INTERRUPTED_MESSAGE, run_indexing_job
from catalog.models import Album, Artist, IndexingJob, Song
from fingerprints.store import FingerprintStore
from kazoom_site.jobs import JobInterrupted
from testsupport.badfiles import silent_wav, truncated_flac
from testsupport.codecs import write_audio
from testsupport.commands import database_snapshot, run_command
from testsupport.indexing_jobs import run_queued_jobs
from testsupport.library import BOTH_DATABASES
from testsupport.music import SAMPLE_RATE, synth_song
from testsupport.tagging import tag

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

ADD_URL = reverse("admin:catalog_song_add")
JOBS_URL = reverse("admin:catalog_indexingjob_changelist")
Status = IndexingJob.Status


@pytest.fixture
def library(settings: Settings, tmp_path: Path) -> Path:
    settings.KAZOOM_LIBRARY_DIR = tmp_path / "library"
    return settings.KAZOOM_LIBRARY_DIR


def tagged_song(folder: Path, seed: int = 71) -> Path:
    path = write_audio(folder / "boss_theme.flac", synth_song(seed, 10.0), SAMPLE_RATE)
    return tag(path, title="Boss Theme", artist="Ann Composer", album="Game OST")


def add(client: Client, path: Path, **fields: Any) -> Response:
    data = {"title": "", "artist": "", "album": "", "kept_file": "", **fields}
    with path.open("rb") as audio:
        return client.post(ADD_URL, {**data, "audio_file": audio})


def messages(response: Response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


def never() -> bool:
    return False


def test_an_added_song_is_queued_and_nothing_is_fingerprinted_in_the_request(
    admin_client: Client, tmp_path: Path, library: Path, store: FingerprintStore
) -> None:
    artist = Artist.objects.create(name="Entered Artist")
    before = database_snapshot()

    response = add(admin_client, tagged_song(tmp_path), title="Entered Title", artist=artist.pk)

    assert response.status_code == 302 and response["Location"] == JOBS_URL
    assert database_snapshot() == before and store.staged() == []
    [kept] = files(library)
    assert re.fullmatch(r"[0-9a-f]{32}", kept.name)
    job = IndexingJob.objects.get()
    assert (job.kind, job.status, job.song) == (IndexingJob.Kind.ADD, Status.QUEUED, None)
    assert (job.path, job.file_name) == (str(kept), "boss_theme.flac")
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.READY
    [said] = messages(response)
    assert said.startswith("The new song from boss_theme.flac is queued for indexing")
    assert f'<a href="{JOBS_URL}">the indexing jobs page</a>' in said
    queued_page = admin_client.get(JOBS_URL).content.decode()
    assert "1 job queued or running" in queued_page and "Queued" in queued_page

    [done] = run_queued_jobs()

    song = Song.objects.get()
    assert (done.status, done.song, done.error_message) == (Status.DONE, song, "")
    assert (song.title, song.artist) == ("Entered Title", artist)
    assert song.album is not None and song.album.title == "Game OST"
    assert song.source_path == str(kept) and song.fingerprint_count > 0
    assert store.fingerprinted().keys() == {song.pk}
    assert store.count() == song.fingerprint_count
    done_page = admin_client.get(JOBS_URL).content.decode()
    song_url = reverse("admin:catalog_song_change", args=[song.pk])
    assert f'<a href="{song_url}">Entered Title — Entered Artist</a>' in done_page
    assert "No job is queued or running" in done_page


def test_blank_fields_come_from_the_tags_and_an_entered_album_with_its_artist(
    admin_client: Client, tmp_path: Path, library: Path
) -> None:
    orchestra = Artist.objects.create(name="The Orchestra")
    album = Album.objects.create(title="Entered Album", artist=orchestra)

    add(admin_client, tagged_song(tmp_path), album=album.pk)
    run_queued_jobs()

    song = Song.objects.get()
    assert (song.title, song.artist.name, song.album) == ("Boss Theme", "Ann Composer", album)
    assert not Album.objects.filter(title="Game OST").exists()


@pytest.mark.parametrize(
    ("make", "reason"),
    [(truncated_flac, "cut short"), (silent_wav, "No usable sound")],
    ids=["truncated", "silent"],
)
def test_a_file_that_fails_once_decoded_fails_its_job_saying_why(
    make: Any, reason: str, admin_client: Client, tmp_path: Path, library: Path
) -> None:
    artist = Artist.objects.create(name="Someone")
    before = database_snapshot()
    response = add(admin_client, make(tmp_path), title="Doomed", artist=artist.pk)
    assert response.status_code == 302
    assert len(files(library)) == 1

    [failed] = run_queued_jobs()

    assert failed.status == Status.FAILED and reason in failed.error_message
    assert failed.finished_at is not None
    assert database_snapshot() == before and files(library) == []
    page = admin_client.get(JOBS_URL).content.decode()
    assert reason in page and "Failed" in page


def test_a_file_already_indexed_meanwhile_fails_its_job_naming_the_song(
    admin_client: Client, tmp_path: Path, library: Path
) -> None:
    path = tagged_song(tmp_path)
    add(admin_client, path)
    add(admin_client, path)  # the first is not indexed yet: both are queued

    first, second = run_queued_jobs()

    song = Song.objects.get()
    assert first.status == Status.DONE
    assert second.status == Status.FAILED
    assert second.error_message == f"This file is already indexed as song {song.pk} ({song})."
    assert files(library) == [Path(song.source_path)]


def test_a_job_stopped_goes_back_on_the_queue_and_is_done_later(
    admin_client: Client, tmp_path: Path, library: Path, store: FingerprintStore
) -> None:
    add(admin_client, tagged_song(tmp_path))
    job = IndexingJob.objects.get()
    first_task = job.task_id
    before = database_snapshot()

    with pytest.raises(JobInterrupted):
        run_indexing_job(job.pk, indexer=Indexer.from_settings(), stopping=lambda: True)

    job.refresh_from_db()
    assert (job.status, job.started_at) == (Status.QUEUED, None)
    assert job.task_id != first_task
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.READY
    assert database_snapshot() == before and store.staged() == []
    assert Path(job.path).is_file()

    [done] = run_queued_jobs()

    assert done.status == Status.DONE and Song.objects.get() == done.song


def test_a_job_that_ended_is_left_as_it_is(
    admin_client: Client, tmp_path: Path, library: Path
) -> None:
    add(admin_client, tagged_song(tmp_path))
    job = IndexingJob.objects.get()
    IndexingJob.objects.filter(pk=job.pk).update(status=Status.FAILED)

    run_indexing_job(job.pk, indexer=Indexer.from_settings(), stopping=never)

    job.refresh_from_db()
    assert job.status == Status.FAILED and not Song.objects.exists()


def test_the_job_of_a_task_that_failed_is_reported_interrupted_and_its_file_goes(
    admin_client: Client, tmp_path: Path, library: Path
) -> None:
    add(admin_client, tagged_song(tmp_path, 72))
    add(admin_client, write_audio(tmp_path / "other.flac", synth_song(73, 10.0), SAMPLE_RATE))
    job, other = IndexingJob.objects.order_by("pk")
    task = DBTaskResult.objects.get(pk=job.task_id)
    task.set_failed(RuntimeError("the worker fell over"))

    task_finished.send(type(task.task.get_backend()), task_result=task.task_result)

    job.refresh_from_db()
    other.refresh_from_db()
    assert (job.status, job.error_message) == (Status.FAILED, INTERRUPTED_MESSAGE)
    assert not Path(job.path).exists()
    assert other.status == Status.QUEUED and Path(other.path).is_file()


def test_a_song_s_page_says_its_new_file_is_queued_until_it_is_indexed(
    admin_client: Client, tmp_path: Path, library: Path, store: FingerprintStore
) -> None:
    add(admin_client, tagged_song(tmp_path))
    [added] = run_queued_jobs()
    song = Song.objects.get()
    url = reverse("admin:catalog_song_change", args=[song.pk])
    new_file = write_audio(tmp_path / "second_take.flac", synth_song(74, 10.0), SAMPLE_RATE)

    with new_file.open("rb") as audio:
        response = admin_client.post(
            url,
            {"title": "Second Take", "artist": song.artist_id, "album": "", "audio_file": audio},
        )

    assert response.status_code == 302 and response["Location"] == url
    said = messages(response)[-1]  # after the add's, which no page has shown
    assert said.startswith(f"The new file of “{song}” (second_take.flac) is queued")
    page = admin_client.get(url).content.decode()
    assert "Queued for indexing: the new file of" in page
    assert f"{JOBS_URL}?song__id__exact={song.pk}" in page
    assert Song.objects.get().title == "Boss Theme"  # nothing changes until the job is done
    filtered = admin_client.get(JOBS_URL, {"song__id__exact": song.pk})
    assert filtered.status_code == 200
    assert len(filtered.context["cl"].result_list) == 2

    [replaced] = run_queued_jobs()

    song.refresh_from_db()
    assert (replaced.status, song.title) == (Status.DONE, "Second Take")
    assert files(library) == [Path(song.source_path)] != [Path(added.path)]
    assert store.fingerprinted().keys() == {song.pk}
    assert "Queued for indexing" not in admin_client.get(url).content.decode()


def test_index_songs_is_unchanged_and_queues_nothing(tmp_path: Path) -> None:
    run = run_command("index_songs", str(tagged_song(tmp_path)))

    assert run.exit_code == 0 and "1 song(s) indexed" in run.stdout
    assert Song.objects.get().fingerprint_count > 0 and not IndexingJob.objects.exists()
