"""Timeline jobs: a long recording sent over the web is kept under a name the server makes and
put on the task queue; the worker works it through (``timeline_of_file``, as the ``timeline``
command does), writing its progress as it goes, and keeps its result or its failure. The
recording goes once the job ends.

A job whose worker is asked to stop goes back on the queue, to be done again from the start;
one whose task failed without the job ending (its worker killed, or a failure outside the
recording's own) is reported failed as ``interrupted``, and so is a running job whose worker
has written nothing for ``KAZOOM_TIMELINE_STALE_SECONDS`` when it is looked at.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.move import file_move_safe
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskResult, task
from django_tasks.signals import task_finished

from fingerprints.config import EngineConfig
from fingerprints.store import FingerprintStore
from fingerprints.windows import open_recording
from fingerprints.wiring import engine_config, fingerprint_store
from kazoom_site.jobs import JobInterrupted, enqueue, unfinished_jobs_of_failed_task
from kazoom_site.worker import STOPPING

from .models import TimelineJob
from .timeline_files import timeline_of_file

Status = TimelineJob.Status

#: Progress is written at most this often (seconds): a window takes milliseconds.
PROGRESS_EVERY_SECONDS = 0.5
INTERRUPTED_MESSAGE = (
    "The worker stopped before the timeline was finished: it was killed, or it failed."
)


def submit_timeline(upload: UploadedFile, *, config: EngineConfig) -> TimelineJob:
    """Keep ``upload`` for a new job and queue it; the job, queued. Raises AudioError, with
    nothing kept, when its header shows it cannot be used (decoding nothing)."""
    job = TimelineJob(file_name=(upload.name or "")[:255])
    path = job.upload_path()
    _keep(upload, path)
    try:
        job.total_seconds = open_recording(path, config).declared_seconds
        with transaction.atomic():
            job.save()
            _enqueue(job)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return job


def find_job(public_id: str) -> TimelineJob | None:
    """The job of that id in its URL, reported failed first if it is running but its worker
    has been silent too long (gone, and no worker has started since to say so); None for
    none."""
    job = TimelineJob.objects.filter(public_id=public_id).first()
    if job is not None and _stale(job):
        _end(job, Status.FAILED, error_code="interrupted", error_message=INTERRUPTED_MESSAGE)
    return job


def _stale(job: TimelineJob) -> bool:
    if job.status != Status.RUNNING or job.heartbeat_at is None:
        return False
    silent = timezone.now() - job.heartbeat_at
    return silent.total_seconds() > settings.KAZOOM_TIMELINE_STALE_SECONDS


def _keep(upload: UploadedFile, path: Path) -> None:
    """Move (or, from memory, write) ``upload`` to ``path``, a name never used before."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = getattr(upload, "temporary_file_path", None)
    if temporary is not None:
        file_move_safe(temporary(), str(path), allow_overwrite=False)
        return
    with path.open("xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)


def _enqueue(job: TimelineJob) -> None:
    enqueue(job, timeline_task)


@task()
def timeline_task(job_pk: int) -> None:
    """The queue's task: the job's timeline, with the site's store and config."""
    run_job(job_pk, store=fingerprint_store(), config=engine_config(), stopping=STOPPING.is_set)


def run_job(
    job_pk: int, *, store: FingerprintStore, config: EngineConfig, stopping: Callable[[], bool]
) -> None:
    """Work the queued job through to its result or its failure; a job no longer queued is
    left as it is. Raises JobInterrupted, the job back on the queue, once ``stopping()``."""
    with transaction.atomic():
        job = TimelineJob.objects.filter(pk=job_pk, status=Status.QUEUED).first()
        if job is None:
            return
        job.status = Status.RUNNING
        job.started_at = job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "started_at", "heartbeat_at"])
    try:
        done = timeline_of_file(
            job.upload_path(),
            job.file_name,
            store=store,
            config=config,
            on_progress=_ProgressWriter(job.pk, stopping),
        )
    except JobInterrupted:
        _requeue(job)
        raise
    if done.error is not None:
        error = done.body["error"]
        _end(job, Status.FAILED, error_code=error["code"], error_message=error["message"])
    else:
        seconds = done.body["duration_seconds"]
        _end(job, Status.DONE, result=done.body, done_seconds=seconds, total_seconds=seconds)


class _ProgressWriter:
    """The progress callback: writes the seconds done, and stops the work once asked to."""

    def __init__(self, job_pk: int, stopping: Callable[[], bool]) -> None:
        self._job_pk = job_pk
        self._stopping = stopping
        self._written_at = float("-inf")

    def __call__(self, done_seconds: float, declared_seconds: float | None) -> None:
        if self._stopping():
            raise JobInterrupted
        now = time.monotonic()
        if now - self._written_at < PROGRESS_EVERY_SECONDS:
            return
        self._written_at = now
        TimelineJob.objects.filter(pk=self._job_pk).update(
            done_seconds=done_seconds, total_seconds=declared_seconds, heartbeat_at=timezone.now()
        )


def _requeue(job: TimelineJob) -> None:
    """Put ``job`` back on the queue, from the start, under a new task."""
    with transaction.atomic():
        job.status, job.started_at, job.done_seconds = Status.QUEUED, None, 0.0
        job.save(update_fields=["status", "started_at", "done_seconds"])
        _enqueue(job)


def _end(job: TimelineJob, status: str, **fields: Any) -> None:
    """Record how ``job`` ended (its progress as last written, unless ``fields`` say), then
    let its recording go."""
    ended = {"status": status, "finished_at": timezone.now(), **fields}
    for name, value in ended.items():
        setattr(job, name, value)
    job.save(update_fields=list(ended))
    job.upload_path().unlink(missing_ok=True)


@receiver(task_finished)
def _report_failed_task(sender: type, task_result: TaskResult[Any], **kwargs: Any) -> None:
    """A failed task's job that has not ended is reported failed: nothing else will end it."""
    for job in unfinished_jobs_of_failed_task(TimelineJob, task_result):
        _end(job, Status.FAILED, error_code="interrupted", error_message=INTERRUPTED_MESSAGE)
