"""The real worker (``manage.py worker``, a process of its own) works queued timeline jobs
through: a job queued while no worker ran is done once one starts; a worker asked to stop
mid-job (SIGTERM) puts its job back on the queue with its checkpoint, and a worker killed
(SIGKILL) leaves its job to the next worker to start, or to the first look at the job, which
puts it back on the queue; a worker alive but silent (stopped) has its job put back once its
silence has lasted ``KAZOOM_TIMELINE_STALE_SECONDS`` and the job is looked at; either way the
next worker goes on from the checkpoint to the timeline of a whole run."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from testsupport.commands import migrated_data_dir, run_manage
from testsupport.library import SongLibrary
from testsupport.processes import wait_for
from testsupport.timeline_jobs import (
    job,
    submit,
    task_statuses,
    worker,
    write_long_recording,
    write_mix,
)

#: Seconds a worker is given for a job of these recordings (they take a few).
JOB_SECONDS = 60.0


@pytest.fixture
def data_dir(song_library: SongLibrary, tmp_path: Path) -> Path:
    """A data directory whose catalog holds the library's songs."""
    data = migrated_data_dir(tmp_path / "data")
    run = run_manage("index_songs", str(song_library.folder), data_dir=data)
    assert run.returncode == 0, run.stderr
    return data


@pytest.fixture(scope="module")
def long_recording(song_library: SongLibrary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten minutes: long enough to be caught mid-job."""
    return write_long_recording(song_library, tmp_path_factory.mktemp("long") / "long.wav", 10)


def _ended(data_dir: Path, public_id: str, progress: list[float] | None = None) -> dict | None:
    """The job's row once it has ended; the progress of each look at it running noted in
    ``progress``."""
    row = job(data_dir, public_id)
    if progress is not None and row["status"] == "running":
        progress.append(row["done_seconds"])
    return row if row["status"] in ("done", "failed") else None


def _under_way(data_dir: Path, public_id: str) -> dict | None:
    row = job(data_dir, public_id)
    return row if row["status"] == "running" and row["done_seconds"] > 0 else None


def test_a_job_queued_before_any_worker_ran_gets_the_timeline_command_s_result(
    song_library: SongLibrary, data_dir: Path, tmp_path: Path
) -> None:
    recording = tmp_path / "set.wav"
    write_mix(song_library, recording)
    public_id = submit(data_dir, recording)
    [upload] = (data_dir / "timeline-uploads").iterdir()
    assert job(data_dir, public_id)["status"] == "queued"

    with worker(data_dir):
        ended = wait_for(lambda: _ended(data_dir, public_id), JOB_SECONDS, "the job to end")

    assert ended["status"] == "done", ended["error_message"]
    command = run_manage("timeline", "--json", str(recording), data_dir=data_dir)
    expected = json.loads(command.stdout)
    result = json.loads(ended["result"])
    assert result["path"] == "set.wav"
    assert result["segments"] == expected["segments"]
    assert [s["title"] for s in result["segments"]] == ["Song 1", "Song 2", "Song 3"]
    assert ended["done_seconds"] == ended["total_seconds"] == expected["duration_seconds"]
    assert not upload.exists()
    assert task_statuses(data_dir) == ["SUCCESSFUL"]


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=["killed", "asked to stop"])
def test_a_worker_stopped_mid_job_leaves_it_to_the_next_which_goes_on_from_its_checkpoint(
    data_dir: Path, long_recording: Path, stop: signal.Signals
) -> None:
    public_id = submit(data_dir, long_recording)
    with worker(data_dir) as stopped:
        wait_for(lambda: _under_way(data_dir, public_id), JOB_SECONDS, "the job to be under way")
        stopped.send_signal(stop)
        assert stopped.wait(timeout=10) == (0 if stop == signal.SIGTERM else -stop)
    left = job(data_dir, public_id)
    checkpoint = json.loads(left["checkpoint"])
    assert 0 < left["done_seconds"] < left["total_seconds"] and checkpoint
    assert left["status"] == ("queued" if stop == signal.SIGTERM else "running")
    progress: list[float] = []

    with worker(data_dir):
        done = wait_for(
            lambda: _ended(data_dir, public_id, progress), JOB_SECONDS, "the job to end"
        )

    assert done["status"] == "done", done["error_message"]
    assert done["attempts"] == (1 if stop == signal.SIGTERM else 2)
    # Each progress the next worker wrote is past the checkpoint: it went on from there.
    assert progress and min(progress) >= left["done_seconds"]
    log = (data_dir / "worker.log").read_text()
    assert f"resumed after {len(checkpoint)} window(s), from {left['done_seconds']:.1f} s" in log
    whole = json.loads(
        run_manage("timeline", "--json", str(long_recording), data_dir=data_dir).stdout
    )
    result = json.loads(done["result"])
    assert result["segments"] == whole["segments"] and len(result["segments"]) > 10
    assert result["duration_seconds"] == whole["duration_seconds"]
    assert list((data_dir / "timeline-uploads").iterdir()) == []
    assert task_statuses(data_dir) == ["FAILED", "SUCCESSFUL"]


_LOOK = """
from recognition.timeline_jobs import find_job
print(find_job({public_id!r}).status)
"""


def look(data_dir: Path, public_id: str, stale_seconds: int) -> str:
    """The job's status once looked at from a process of its own, as its page looks at it."""
    run = run_manage(
        "shell",
        "-c",
        _LOOK.format(public_id=public_id),
        data_dir=data_dir,
        KAZOOM_TIMELINE_STALE_SECONDS=str(stale_seconds),
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.split()[-1]


def test_a_job_whose_worker_was_killed_goes_back_on_the_queue_when_looked_at(
    data_dir: Path, long_recording: Path
) -> None:
    public_id = submit(data_dir, long_recording)
    with worker(data_dir) as killed:
        wait_for(lambda: _under_way(data_dir, public_id), JOB_SECONDS, "the job to be under way")
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)

    assert look(data_dir, public_id, stale_seconds=60) == "queued"

    assert task_statuses(data_dir) == ["FAILED", "READY"]
    with worker(data_dir):
        done = wait_for(lambda: _ended(data_dir, public_id), JOB_SECONDS, "the job to end")
    assert done["status"] == "done" and done["attempts"] == 2
    assert "0 task(s) of dead workers reported" in (data_dir / "worker.log").read_text()


def test_a_job_whose_worker_fell_silent_goes_back_on_the_queue_when_looked_at(
    data_dir: Path, long_recording: Path
) -> None:
    public_id = submit(data_dir, long_recording)
    with worker(data_dir) as silent:
        wait_for(lambda: _under_way(data_dir, public_id), JOB_SECONDS, "the job to be under way")
        silent.send_signal(signal.SIGSTOP)  # alive, as a hung worker or one on another host

        soon = look(data_dir, public_id, stale_seconds=60)
        time.sleep(1.5)
        later = look(data_dir, public_id, stale_seconds=1)

        silent.send_signal(signal.SIGKILL)
        silent.wait(timeout=10)
    assert (soon, later) == ("running", "queued")
    assert (data_dir / "timeline-uploads" / f"{public_id}.upload").is_file()
    with worker(data_dir):
        done = wait_for(lambda: _ended(data_dir, public_id), JOB_SECONDS, "the job to end")
    assert done["status"] == "done" and done["attempts"] == 2
    assert "1 task(s) of dead workers reported" in (data_dir / "worker.log").read_text()
