"""Timeline jobs in a data directory of their own, for tests that run the real worker
(``manage.py worker``) in a process of its own: jobs submitted and read from outside it."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from .codecs import write_audio
from .commands import run_manage, started_manage
from .library import SongLibrary
from .mixes import Excerpt, Played, mix

_SUBMIT = """
from django.core.files.uploadedfile import SimpleUploadedFile
from fingerprints.wiring import engine_config
from recognition.timeline_jobs import submit_timeline
upload = SimpleUploadedFile({name!r}, open({path!r}, "rb").read())
print(submit_timeline(upload, config=engine_config()).public_id)
"""


def submit(data_dir: Path, recording: Path) -> str:
    """Queue ``recording`` for its timeline in ``data_dir``, as an upload is; its job's id."""
    run = run_manage(
        "shell", "-c", _SUBMIT.format(name=recording.name, path=str(recording)), data_dir=data_dir
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.split()[-1]


def job(data_dir: Path, public_id: str) -> dict[str, Any]:
    """The job's row, as the worker last wrote it."""
    with sqlite3.connect(data_dir / "kazoom.sqlite3") as database:
        database.row_factory = sqlite3.Row
        row = database.execute(
            "SELECT * FROM recognition_timelinejob WHERE public_id = ?", (public_id,)
        ).fetchone()
    return dict(row)


def task_statuses(data_dir: Path) -> list[str]:
    """The statuses of the queue's tasks, oldest first."""
    with sqlite3.connect(data_dir / "kazoom.sqlite3") as database:
        rows = database.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at"
        ).fetchall()
    return [status for (status,) in rows]


@contextmanager
def worker(data_dir: Path, **env: str) -> Iterator[subprocess.Popen[str]]:
    """``manage.py worker`` on ``data_dir``, in this environment and ``env``, until the block
    ends, then asked to stop (SIGTERM: it records the end of the task it runs first), and
    killed if it has not within 30 s; its output goes to ``data_dir``/worker.log."""
    with (data_dir / "worker.log").open("a") as log:
        process = started_manage("worker", "--interval", "0.1", data_dir=data_dir, env=env, log=log)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def write_mix(library: SongLibrary, path: Path) -> list[Played]:
    """Songs 1 and 2 crossfaded, 15 s the catalog does not know (a gap), then song 3: a
    recording of about 70 s, and what played when."""
    songs = library.songs
    samples, truth = mix(
        [
            Excerpt(songs[0].samples, 2.0, 20.0, songs[0].title),
            Excerpt(songs[1].samples, 3.0, 20.0, songs[1].title, crossfade_seconds=3.0),
            Excerpt(library.stranger, 5.0, 15.0, None),
            Excerpt(songs[2].samples, 4.0, 20.0, songs[2].title),
        ],
        library.sample_rate,
    )
    write_audio(path, samples, library.sample_rate)
    return truth


def write_long_recording(library: SongLibrary, path: Path, minutes: int) -> Path:
    """The library's songs one after another, over and over, for ``minutes``."""
    one_pass = np.concatenate([song.samples for song in library.songs])
    wanted = minutes * 60 * library.sample_rate
    samples = np.tile(one_pass, wanted // len(one_pass) + 1)[:wanted]
    return write_audio(path, samples, library.sample_rate)
