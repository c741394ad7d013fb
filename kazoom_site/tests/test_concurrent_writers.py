"""Every writer waits its turn: ``index_songs``, the admin's add-song form, the worker indexing
the songs it queues, and the attempt log of a flood of API requests, all at once on one data
directory, in processes of their own."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

from testsupport.codecs import write_audio
from testsupport.commands import REPO, run_manage
from testsupport.library import SongLibrary
from testsupport.music import SAMPLE_RATE, synth_song
from testsupport.processes import wait_for
from testsupport.server import Browser, served
from testsupport.timeline_jobs import worker

API_CLIENTS = 4
ADMIN_SONGS = 3
PASSWORD = "a-long-test-password"


def prepare(data: Path) -> int:
    """Migrate ``data``'s databases, make an admin account and an artist; the artist's id."""
    for args in (["migrate"], ["migrate", "--database", "fingerprints"]):
        assert run_manage(*args, "--verbosity", "0", data_dir=data).returncode == 0
    made = run_manage(
        "createsuperuser",
        "--noinput",
        "--username",
        "admin",
        "--email",
        "admin@example.org",
        data_dir=data,
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    assert made.returncode == 0, made.stderr
    artist = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from catalog.models import Artist; print(Artist.objects.create(name='Uploader').pk)",
        data_dir=data,
    )
    assert artist.returncode == 0, artist.stderr
    return int(artist.stdout)


def flood_api(url: str, statuses: Counter[int], done: threading.Event) -> None:
    """POST requests without a file until ``done``: each one logs a RecognitionAttempt."""
    browser = Browser(url)
    while not done.is_set():
        status, _ = browser.post("/api/recognize", {"note": "no file"})
        statuses[status] += 1


def add_songs(url: str, artist_id: int, files: list[Path], statuses: Counter[int]) -> None:
    browser = Browser(url)
    status, _ = browser.post_form("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert status == 302, "the admin login failed"
    for number, path in enumerate(files):
        fields = {"title": f"Uploaded {number}", "artist": artist_id, "album": ""}
        status, _ = browser.post_form(
            "/admin/catalog/song/add/", fields, {"audio_file": path.read_bytes()}
        )
        statuses[status] += 1


def indexing_jobs_ended(data: Path) -> list[str] | None:
    """The statuses of the indexing jobs, once none is queued or running."""
    with sqlite3.connect(data / "kazoom.sqlite3") as database:
        rows = database.execute("SELECT status FROM catalog_indexingjob").fetchall()
    statuses = [status for (status,) in rows]
    return None if {"queued", "running"} & set(statuses) else statuses


def test_indexing_admin_uploads_and_a_flood_of_attempts_all_wait_their_turn(
    song_library: SongLibrary, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    artist_id = prepare(data)
    uploads = [
        write_audio(tmp_path / f"upload{seed}.wav", synth_song(seed, seconds=8), SAMPLE_RATE)
        for seed in range(41, 41 + ADMIN_SONGS)
    ]
    api: Counter[int] = Counter()
    admin: Counter[int] = Counter()
    done = threading.Event()
    with served(data) as server, worker(data):
        clients = [
            threading.Thread(target=flood_api, args=(server.url, api, done))
            for _ in range(API_CLIENTS)
        ]
        for client in clients:
            client.start()
        uploader = threading.Thread(target=add_songs, args=(server.url, artist_id, uploads, admin))
        uploader.start()
        indexing = subprocess.run(
            [sys.executable, "manage.py", "index_songs", str(song_library.folder)],
            cwd=REPO,
            env=server.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        uploader.join()
        jobs = wait_for(lambda: indexing_jobs_ended(data), 300, "the indexing jobs to end")
        done.set()
        for client in clients:
            client.join()
        log = server.log.read_text()

    assert indexing.returncode == 0, indexing.stderr
    assert "5 song(s) indexed" in indexing.stdout
    assert admin == {302: ADMIN_SONGS}, log
    assert jobs == ["done"] * ADMIN_SONGS, (data / "worker.log").read_text()
    assert set(api) == {400} and api[400] >= 20 * API_CLIENTS, (api, log)
    assert "database is locked" not in log + indexing.stderr
    counted = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from recognition.models import RecognitionAttempt as A; from catalog.models import Song; "
        "print(A.objects.count(), Song.objects.count())",
        data_dir=data,
    )
    assert counted.stdout.split() == [str(api[400]), str(5 + ADMIN_SONGS)]
