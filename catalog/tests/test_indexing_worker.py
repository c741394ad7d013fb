"""The real worker (``manage.py worker``, a process of its own) and the admin's indexing jobs:
a worker killed (SIGKILL, through ``fingerprints.killpoints``) at any step of a new song's
commit leaves both databases agreeing once a worker starts again, the song wholly there or not
at all and the job saying which (failed as interrupted, its kept file gone, or done); a worker
asked to stop (SIGTERM) puts its job back on the queue, nothing saved, and the next worker
does it."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from catalog.indexing_jobs import INTERRUPTED_MESSAGE
from testsupport.codecs import write_audio
from testsupport.commands import migrated_data_dir, run_manage
from testsupport.music import SAMPLE_RATE, synth_song
from testsupport.processes import wait_for
from testsupport.tagging import tag
from testsupport.timeline_jobs import task_statuses, worker

#: Seconds a worker is given for a job of these songs (they take one or two).
JOB_SECONDS = 60.0
#: What a worker that starts after one was killed running a task says.
REPORTED = "1 task(s) of dead workers reported failed"

_QUEUE = """
from django.core.files.uploadedfile import SimpleUploadedFile
from catalog.indexing_jobs import queue_file
from catalog.models import Song
from catalog.uploads import keep_upload
upload = SimpleUploadedFile({name!r}, open({path!r}, "rb").read())
song = Song(title="Entered Title") if {song_id} is None else Song.objects.get(pk={song_id})
print(queue_file(song, keep_upload(upload), upload.name).pk)
"""

#: An admin's look at a page, in a process of its own: the status, and whether the page says
#: a phrase.
_LOOK = """
from django.contrib.auth.models import User
from django.test import Client
client = Client(HTTP_HOST="localhost")
client.force_login(User.objects.create_superuser("admin", "", "admin"))
response = client.get({url!r})
print(response.status_code, {phrase!r} in response.content.decode())
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return migrated_data_dir(tmp_path / "data")


@pytest.fixture(scope="module")
def song_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("songs")
    path = write_audio(folder / "take.flac", synth_song(81, 20.0), SAMPLE_RATE)
    return tag(path, title="Tagged Title", artist="Tag Artist")


def queue(data_dir: Path, path: Path, song_id: int | None = None) -> int:
    """Queue ``path`` as the admin's add-song form does, or as its change form does for song
    ``song_id``; the job's key."""
    script = _QUEUE.format(name=path.name, path=str(path), song_id=song_id)
    run = run_manage("shell", "-c", script, data_dir=data_dir)
    assert run.returncode == 0, run.stderr
    return int(run.stdout.split()[-1])


def job(data_dir: Path, pk: int) -> dict[str, Any]:
    with sqlite3.connect(data_dir / "kazoom.sqlite3") as database:
        database.row_factory = sqlite3.Row
        row = database.execute("SELECT * FROM catalog_indexingjob WHERE id = ?", (pk,)).fetchone()
    return dict(row)


def ended(data_dir: Path, pk: int) -> dict[str, Any] | None:
    row = job(data_dir, pk)
    return row if row["status"] in ("done", "failed") else None


def songs(data_dir: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(data_dir / "kazoom.sqlite3") as database:
        return database.execute("SELECT title, source_path FROM catalog_song").fetchall()


def fingerprint_rows(data_dir: Path) -> dict[str, int]:
    """How many rows each fingerprint table holds."""
    tables = ["song_hash", "fingerprinted_song", "staged_generation", "staged_song_hash"]
    with sqlite3.connect(data_dir / "fingerprints.sqlite3") as database:
        return {t: database.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


def worker_log(data_dir: Path) -> str:
    return (data_dir / "worker.log").read_text()


def library(data_dir: Path) -> list[Path]:
    folder = data_dir / "library"
    return sorted(folder.iterdir()) if folder.exists() else []


def assert_databases_agree(data_dir: Path, song_count: int) -> None:
    check = run_manage("check_store", data_dir=data_dir)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"the catalog and the fingerprint store agree: {song_count} song(s)" in check.stdout
    assert fingerprint_rows(data_dir)["staged_song_hash"] == 0


@pytest.mark.parametrize("point", ["stage-written", "staged", "catalog-written"])
def test_a_worker_killed_before_the_song_is_committed_leaves_no_trace_of_it(
    point: str, data_dir: Path, song_file: Path
) -> None:
    pk = queue(data_dir, song_file)
    [kept] = library(data_dir)

    with worker(data_dir, KAZOOM_KILL_AT=point) as killed:
        assert killed.wait(timeout=JOB_SECONDS) == -signal.SIGKILL
    assert job(data_dir, pk)["status"] == "running" and songs(data_dir) == []

    with worker(data_dir):
        failed = wait_for(lambda: ended(data_dir, pk), JOB_SECONDS, "the job to be reported")
        # The worker's report ends the job before the worker says so: stopped at once, it
        # would not say so at all.
        wait_for(lambda: REPORTED in worker_log(data_dir), JOB_SECONDS, "the worker's report")

    assert (failed["status"], failed["error_message"]) == ("failed", INTERRUPTED_MESSAGE)
    assert failed["song_id"] is None and not kept.exists()
    assert songs(data_dir) == []
    assert set(fingerprint_rows(data_dir).values()) == {0}
    assert_databases_agree(data_dir, 0)
    assert task_statuses(data_dir) == ["FAILED"]
    assert REPORTED in worker_log(data_dir)


def test_a_worker_killed_once_the_catalog_committed_leaves_the_song_whole_and_done(
    data_dir: Path, song_file: Path
) -> None:
    pk = queue(data_dir, song_file)
    [kept] = library(data_dir)

    with worker(data_dir, KAZOOM_KILL_AT="catalog-committed") as killed:
        assert killed.wait(timeout=JOB_SECONDS) == -signal.SIGKILL
    assert job(data_dir, pk)["status"] == "done"
    assert fingerprint_rows(data_dir)["song_hash"] == 0  # staged, not promoted yet

    with worker(data_dir):
        wait_for(lambda: fingerprint_rows(data_dir)["song_hash"], JOB_SECONDS, "the settling")

    assert songs(data_dir) == [("Entered Title", str(kept))]
    assert_databases_agree(data_dir, 1)


def look(data_dir: Path, url: str, phrase: str) -> str:
    """What an admin's look at ``url`` gives (see ``_LOOK``), with no worker running."""
    run = run_manage("shell", "-c", _LOOK.format(url=url, phrase=phrase), data_dir=data_dir)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip().splitlines()[-1]


def test_a_job_whose_worker_died_is_reported_failed_when_the_admin_lists_the_jobs(
    data_dir: Path, song_file: Path
) -> None:
    pk = queue(data_dir, song_file)
    [kept] = library(data_dir)
    with worker(data_dir, KAZOOM_KILL_AT="staged") as killed:
        assert killed.wait(timeout=JOB_SECONDS) == -signal.SIGKILL
    assert job(data_dir, pk)["status"] == "running"

    assert look(data_dir, "/admin/catalog/indexingjob/", INTERRUPTED_MESSAGE) == "200 True"

    failed = job(data_dir, pk)
    assert (failed["status"], failed["error_message"]) == ("failed", INTERRUPTED_MESSAGE)
    assert not kept.exists() and songs(data_dir) == []
    assert_databases_agree(data_dir, 0)
    assert task_statuses(data_dir) == ["FAILED"]


def test_a_song_s_page_reports_the_job_of_a_dead_worker_failed_and_the_song_unchanged(
    data_dir: Path, song_file: Path, tmp_path: Path
) -> None:
    first = queue(data_dir, song_file)
    with worker(data_dir):
        assert wait_for(lambda: ended(data_dir, first), JOB_SECONDS, "the add")["status"] == "done"
    [(title, path)] = songs(data_dir)
    replacement = write_audio(tmp_path / "second.flac", synth_song(82, 20.0), SAMPLE_RATE)
    pk = queue(data_dir, replacement, song_id=job(data_dir, first)["song_id"])
    with worker(data_dir, KAZOOM_KILL_AT="staged") as killed:
        assert killed.wait(timeout=JOB_SECONDS) == -signal.SIGKILL
    song_page = f"/admin/catalog/song/{job(data_dir, pk)['song_id']}/change/"

    assert look(data_dir, song_page, "Being indexed now") == "200 False"

    assert job(data_dir, pk)["status"] == "failed"
    assert songs(data_dir) == [(title, path)]
    assert_databases_agree(data_dir, 1)


@contextmanager
def fingerprints_locked(data_dir: Path) -> Iterator[None]:
    """The fingerprint store's write lock, held: a commit waits at its first step."""
    database = sqlite3.connect(data_dir / "fingerprints.sqlite3", isolation_level=None)
    try:
        database.execute("BEGIN IMMEDIATE")
        yield
        database.execute("ROLLBACK")
    finally:
        database.close()


def test_a_worker_asked_to_stop_puts_its_job_back_and_the_next_worker_does_it(
    data_dir: Path, song_file: Path
) -> None:
    pk = queue(data_dir, song_file)
    [kept] = library(data_dir)

    with worker(data_dir) as stopped:
        # Asked to stop while it runs the job, before it can have committed anything.
        with fingerprints_locked(data_dir):
            wait_for(lambda: job(data_dir, pk)["status"] == "running", JOB_SECONDS, "the job")
            stopped.send_signal(signal.SIGTERM)
        assert stopped.wait(timeout=JOB_SECONDS) == 0
    requeued = job(data_dir, pk)
    assert (requeued["status"], requeued["started_at"]) == ("queued", None)
    assert songs(data_dir) == [] and set(fingerprint_rows(data_dir).values()) == {0}
    assert kept.is_file()

    with worker(data_dir):
        done = wait_for(lambda: ended(data_dir, pk), JOB_SECONDS, "the job to end")

    assert done["status"] == "done", done["error_message"]
    assert songs(data_dir) == [("Entered Title", str(kept))]
    assert_databases_agree(data_dir, 1)
    assert task_statuses(data_dir) == ["FAILED", "SUCCESSFUL"]
