"""``index_songs`` when the databases or the disk fail: a line per file, a summary, a non-zero
exit, never a traceback; and its worker processes never outlive it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from django.db import connections

from catalog.models import Song
from testsupport.codecs import write_audio
from testsupport.commands import (
    REPO,
    manage_env,
    migrated_data_dir,
    run_command,
    run_manage_on_small_disk,
)
from testsupport.faults import table_gone
from testsupport.library import BOTH_DATABASES, SongLibrary
from testsupport.music import SAMPLE_RATE, synth_song


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_data_dir(tmp_path_factory.mktemp("data"))


def test_a_full_disk_stops_the_run_with_a_line_and_the_summary(
    migrated: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "songs"
    folder.mkdir()
    for seed in range(8):
        write_audio(folder / f"song{seed}.flac", synth_song(seed, 60.0), SAMPLE_RATE)
    database_bytes = sum(f.stat().st_size for f in migrated.iterdir())
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()

    # Room for the empty databases and about two songs' fingerprints and journals.
    run = run_manage_on_small_disk(
        "index_songs",
        str(folder),
        data_dir=migrated,
        disk_bytes=database_bytes + 400_000,
        mount_point=mount_point,
    )

    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    failed = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(failed) == 1 and "database or disk is full" in failed[0]
    assert "stopped: the disk is full" in run.stderr
    indexed = run.stdout.count("indexed: ")
    assert 0 < indexed < 7
    assert f"{indexed} song(s) indexed" in run.stdout and "1 failed" in run.stdout


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_a_database_error_on_one_file_is_its_line_and_the_others_go_on(
    song_library: SongLibrary,
) -> None:
    refused = song_library.songs[2]
    with refusing_to_store(refused.title):
        run = run_command("index_songs", str(song_library.folder))

    assert run.exit_code == 1
    assert f"error: {refused.path}: not stored (IntegrityError: no {refused.title})" in run.stderr
    assert "4 song(s) indexed" in run.stdout and "1 failed" in run.stdout
    assert Song.objects.count() == 4


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_a_catalog_that_cannot_be_read_stops_the_run_with_its_reason(
    song_library: SongLibrary,
) -> None:
    with table_gone("default", "catalog_song"):
        run = run_command("index_songs", str(song_library.folder))

    assert run.exit_code == 1
    assert "stopped: a database could not be used (OperationalError: no such table" in run.stderr
    assert "0 song(s) indexed" in run.stdout and "Traceback" not in run.stderr


@contextmanager
def refusing_to_store(title: str) -> Iterator[None]:
    """The catalog refuses (a real SQLite trigger) to insert a song titled ``title``."""
    literal = title.replace("'", "''")
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "CREATE TRIGGER refuse_a_title BEFORE INSERT ON catalog_song "
            f"WHEN NEW.title = '{literal}' BEGIN SELECT RAISE(ABORT, 'no {literal}'); END"
        )
    try:
        yield
    finally:
        with connections["default"].cursor() as cursor:
            cursor.execute("DROP TRIGGER refuse_a_title")


def quiet_noise_flac(path: Path, seconds: int, seed: int) -> Path:
    """Noise a few LSB loud: minutes of it are a few MB, and seconds of work to analyse."""
    rate = 8000
    noise = np.random.default_rng(seed).normal(0, 30, seconds * rate).astype(np.int16)
    sf.write(path, noise, rate, subtype="PCM_16")
    return path


def children(pid: int) -> list[int]:
    """The processes that any thread of ``pid`` started."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def is_running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie, dead but not yet reaped, is not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_for(condition: Callable[[], bool], *, polls: int = 600) -> bool:
    """Poll ``condition`` every 0.05 s, at most ``polls`` times (30 s); whether it came true."""
    for _ in range(polls):
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_pool_workers_die_with_their_parent(
    migrated: Path, tmp_path: Path, sent: signal.Signals
) -> None:
    folder = tmp_path / "long"
    folder.mkdir()
    for i in range(4):
        quiet_noise_flac(folder / f"noise{i}.flac", seconds=600, seed=100 * sent + i)
    parent = subprocess.Popen(
        [sys.executable, "manage.py", "index_songs", "--workers", "2", str(folder)],
        cwd=REPO,
        env=manage_env(migrated),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        assert wait_for(lambda: len(children(parent.pid)) >= 2)
        workers = children(parent.pid)

        parent.send_signal(sent)
        parent.wait()

        assert wait_for(lambda: not any(is_running(w) for w in workers))
    finally:
        parent.kill()
        parent.wait()
        for worker in filter(is_running, workers):  # a failed run's orphans
            os.kill(worker, signal.SIGKILL)
