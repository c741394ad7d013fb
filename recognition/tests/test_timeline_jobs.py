"""Timeline jobs in this process: a job's recording kept under a name of the server's, worked
through to the result ``timeline --json`` gives, a failure kept with its code, a job stopped
put back on the queue, and the job of a task that failed reported failed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from fingerprints.config import EngineConfig
from fingerprints.errors import NotAudio
from fingerprints.store import FingerprintStore
from recognition.models import TimelineJob
from recognition.timeline_jobs import JobInterrupted, run_job, submit_timeline
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


def test_a_job_stopped_goes_back_on_the_queue_under_a_new_task(
    indexed: SongLibrary, tmp_path: Path, store: FingerprintStore, config: EngineConfig
) -> None:
    write_mix(indexed, tmp_path / "set.wav")
    job = submit_timeline(_upload(tmp_path / "set.wav"), config=config)
    first_task = job.task_id

    with pytest.raises(JobInterrupted):
        run_job(job.pk, store=store, config=config, stopping=lambda: True)

    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.started_at is None
    assert job.task_id != first_task
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.READY
    assert job.upload_path().is_file()


def test_a_job_that_ended_is_left_as_it_is(
    indexed: SongLibrary, store: FingerprintStore, config: EngineConfig
) -> None:
    job = submit_timeline(SimpleUploadedFile("set.wav", wav_bytes()), config=config)
    TimelineJob.objects.filter(pk=job.pk).update(status=Status.FAILED, error_code="interrupted")

    run_job(job.pk, store=store, config=config, stopping=_never)

    job.refresh_from_db()
    assert (job.status, job.error_code) == (Status.FAILED, "interrupted")


def test_the_job_of_a_task_that_failed_is_reported_failed(config: EngineConfig) -> None:
    job = submit_timeline(SimpleUploadedFile("set.wav", wav_bytes()), config=config)
    other = submit_timeline(SimpleUploadedFile("other.wav", wav_bytes()), config=config)
    task = DBTaskResult.objects.get(pk=job.task_id)
    task.set_failed(RuntimeError("the worker fell over"))

    task_finished.send(type(task.task.get_backend()), task_result=task.task_result)

    job.refresh_from_db()
    other.refresh_from_db()
    assert (job.status, job.error_code) == (Status.FAILED, "interrupted")
    assert not job.upload_path().exists()
    assert other.status == Status.QUEUED and other.upload_path().exists()
