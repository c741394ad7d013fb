"""Timeline jobs in this process: a job's recording kept under a name of the server's, worked
through to the result ``timeline --json`` gives, a failure kept with its code, a job stopped
put back on the queue with its checkpoint and gone on with from there, the job of a lost run
(its task failed, or its worker silent) put back on the queue until its third, and a run
whose job was taken from it leaving it alone."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from fingerprints.config import EngineConfig
from fingerprints.errors import NotAudio
from fingerprints.store import FingerprintStore
from recognition.models import TimelineJob
from recognition.timeline_jobs import JobInterrupted, find_job, run_job, submit_timeline
from testsupport.commands import run_command
from testsupport.hostile import wav_bytes
from testsupport.library import BOTH_DATABASES, SongLibrary
from testsupport.timeline_jobs import write_mix

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

Status = TimelineJob.Status


def _upload(path: Path, name: str = "../../etc/my set.wav") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, path.read_bytes())


def _never() -> bool:
    return False


def test_a_submitted_job_waits_under_its_own_name_and_is_queued(config: EngineConfig) -> None:
    job = submit_timeline(SimpleUploadedFile("../../etc/passwd", wav_bytes()), config=config)

    assert job.status == Status.QUEUED
    assert job.file_name == "passwd"
    assert job.upload_path().read_bytes() == wav_bytes()
    assert job.upload_path().name == f"{job.public_id}.upload"
    # A random URL-safe id of 16 bytes, not the row's number (a random one may hold its digits).
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", job.public_id) and job.public_id != str(job.pk)
    assert (
        submit_timeline(SimpleUploadedFile("again.wav", wav_bytes()), config=config).public_id
        != job.public_id
    )
    task = DBTaskResult.objects.get(pk=job.task_id)
    assert task.status == TaskResultStatus.READY
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}


def test_a_job_run_gets_the_command_s_result_and_its_recording_goes(
    indexed: SongLibrary, tmp_path: Path, store: FingerprintStore, config: EngineConfig
) -> None:
    write_mix(indexed, tmp_path / "set.wav")
    job = submit_timeline(_upload(tmp_path / "set.wav", "set.wav"), config=config)

    run_job(job.pk, store=store, config=config, stopping=_never)

    job.refresh_from_db()
    expected = json.loads(run_command("timeline", "--json", str(tmp_path / "set.wav")).stdout)
    assert job.status == Status.DONE
    assert job.result is not None
    assert job.result["path"] == "set.wav"
    assert job.result["segments"] == expected["segments"]
    assert job.done_seconds == job.total_seconds == expected["duration_seconds"]
    assert job.finished_at is not None and job.started_at is not None
    assert not job.upload_path().exists()


def test_a_file_that_is_not_audio_is_refused_and_nothing_is_kept(config: EngineConfig) -> None:
    with pytest.raises(NotAudio):
        submit_timeline(SimpleUploadedFile("notes.mp3", b"not sounds " * 100), config=config)

    assert not TimelineJob.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert list(Path(settings.KAZOOM_TIMELINE_UPLOADS_DIR).iterdir()) == []


def test_a_recording_that_fails_once_decoded_fails_with_its_code(
    indexed: SongLibrary, store: FingerprintStore, config: EngineConfig
) -> None:
    too_short = SimpleUploadedFile("blip.wav", wav_bytes(data=b"\0" * 2000))
    job = submit_timeline(too_short, config=config)

    run_job(job.pk, store=store, config=config, stopping=_never)

    job.refresh_from_db()
    assert (job.status, job.error_code) == (Status.FAILED, "too_short")
    assert "at least 1 s is needed" in job.error_message
    assert job.result is None and job.finished_at is not None
    assert not job.upload_path().exists()


def test_a_job_stopped_goes_back_on_the_queue_under_a_new_task_with_its_checkpoint(
    indexed: SongLibrary, tmp_path: Path, store: FingerprintStore, config: EngineConfig
) -> None:
    write_mix(indexed, tmp_path / "set.wav")
    job = submit_timeline(_upload(tmp_path / "set.wav"), config=config)
    first_task = job.task_id

    with pytest.raises(JobInterrupted):
        run_job(job.pk, store=store, config=config, stopping=_after_windows(3))

    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.started_at is None
    assert job.task_id != first_task
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.READY
    assert job.upload_path().is_file()
    [*_, last] = job.checkpoint
    assert len(job.checkpoint) == 3 and last[0] == pytest.approx(10.0, abs=0.05)
    assert job.done_seconds == pytest.approx(20.0, abs=0.1)
    assert job.attempts == 0


def test_a_stopped_job_run_again_goes_on_from_its_checkpoint_to_the_whole_run_s_result(
    indexed: SongLibrary, tmp_path: Path, store: FingerprintStore, config: EngineConfig
) -> None:
    write_mix(indexed, tmp_path / "set.wav")
    job = submit_timeline(_upload(tmp_path / "set.wav", "set.wav"), config=config)
    with pytest.raises(JobInterrupted):
        run_job(job.pk, store=store, config=config, stopping=_after_windows(5))
    progress: list[float] = []

    run_job(job.pk, store=store, config=config, stopping=_noting_progress(job, progress))

    job.refresh_from_db()
    expected = json.loads(run_command("timeline", "--json", str(tmp_path / "set.wav")).stdout)
    assert job.status == Status.DONE and job.attempts == 1
    assert job.result is not None and job.result["segments"] == expected["segments"]
    # Five windows were done, to 30 s; the first this run wrote is the sixth's, to 35 s.
    assert progress[:2] == pytest.approx([30.0, 35.0], abs=0.1)
    assert progress == sorted(progress)


def _after_windows(count: int) -> Callable[[], bool]:
    """A ``stopping`` that says stop once ``count`` windows are done."""
    asked = itertools.count(1)
    return lambda: next(asked) >= count


def _noting_progress(job: TimelineJob, progress: list[float]) -> Callable[[], bool]:
    """A ``stopping`` that never says stop, and notes the job's progress as written before
    each window's."""

    def stopping() -> bool:
        progress.append(TimelineJob.objects.get(pk=job.pk).done_seconds)
        return False

    return stopping


def test_a_job_that_ended_is_left_as_it_is(
    indexed: SongLibrary, store: FingerprintStore, config: EngineConfig
) -> None:
    job = submit_timeline(SimpleUploadedFile("set.wav", wav_bytes()), config=config)
    TimelineJob.objects.filter(pk=job.pk).update(status=Status.FAILED, error_code="interrupted")

    run_job(job.pk, store=store, config=config, stopping=_never)

    job.refresh_from_db()
    assert (job.status, job.error_code) == (Status.FAILED, "interrupted")


def test_the_job_of_a_task_that_failed_goes_back_on_the_queue_from_its_checkpoint(
    config: EngineConfig,
) -> None:
    job = submit_timeline(SimpleUploadedFile("set.wav", wav_bytes()), config=config)
    other = submit_timeline(SimpleUploadedFile("other.wav", wav_bytes()), config=config)
    checkpoint: list[list[Any]] = [[0.0, None, []], [4.99, None, []]]
    TimelineJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, attempts=1, checkpoint=checkpoint, done_seconds=15.0
    )

    _fail_task(job.task_id)

    failed_task = job.task_id
    job.refresh_from_db()
    other.refresh_from_db()
    assert (job.status, job.error_code) == (Status.QUEUED, "")
    assert job.task_id != failed_task
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.READY
    assert (job.checkpoint, job.done_seconds, job.attempts) == (checkpoint, 15.0, 1)
    assert job.upload_path().exists()
    assert other.status == Status.QUEUED and other.task_id != job.task_id


def test_a_job_whose_third_run_was_lost_is_failed_and_says_so(config: EngineConfig) -> None:
    job = submit_timeline(SimpleUploadedFile("set.wav", wav_bytes()), config=config)
    TimelineJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, attempts=3)

    _fail_task(job.task_id)

    job.refresh_from_db()
    assert (job.status, job.error_code) == (Status.FAILED, "interrupted")
    assert "3 times" in job.error_message and job.finished_at is not None
    assert not job.upload_path().exists()


def test_a_running_job_whose_worker_fell_silent_goes_back_on_the_queue_when_looked_at(
    config: EngineConfig, settings: Any
) -> None:
    job = submit_timeline(SimpleUploadedFile("set.wav", wav_bytes()), config=config)
    silent_since = timezone.now() - timedelta(seconds=61)
    TimelineJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, attempts=1, heartbeat_at=silent_since
    )
    settings.KAZOOM_TIMELINE_STALE_SECONDS = 120
    assert find_job(job.public_id).status == Status.RUNNING  # type: ignore[union-attr]

    settings.KAZOOM_TIMELINE_STALE_SECONDS = 60
    looked_at = find_job(job.public_id)

    assert looked_at is not None and looked_at.status == Status.QUEUED
    assert looked_at.task_id != job.task_id and looked_at.upload_path().exists()


def test_a_run_whose_job_was_taken_from_it_stops_and_leaves_the_job_alone(
    indexed: SongLibrary, tmp_path: Path, store: FingerprintStore, config: EngineConfig
) -> None:
    write_mix(indexed, tmp_path / "set.wav")
    job = submit_timeline(_upload(tmp_path / "set.wav"), config=config)

    def taken() -> bool:
        TimelineJob.objects.filter(pk=job.pk).update(task_id="another run's")
        return False

    run_job(job.pk, store=store, config=config, stopping=taken)

    job.refresh_from_db()
    assert (job.status, job.task_id) == (Status.RUNNING, "another run's")
    assert job.checkpoint == [] and job.done_seconds == 0.0
    assert job.upload_path().is_file()


def _fail_task(task_id: str) -> None:
    """Fail the queue's task, as a worker does for a task whose worker died."""
    task = DBTaskResult.objects.get(pk=task_id)
    task.set_failed(RuntimeError("the worker fell over"))
    task_finished.send(type(task.task.get_backend()), task_result=task.task_result)
