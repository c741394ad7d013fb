"""Timeline jobs: a long recording sent over the web is kept under a name the server makes and
put on the task queue; the worker works it through (``timeline_of_file``, as the ``timeline``
command does), writing its progress as it goes, and keeps its result or its failure. The
recording goes once the job ends.

With its progress, at most every ``CHECKPOINT_EVERY_SECONDS`` and in the same UPDATE as its
heartbeat, the worker writes the job's checkpoint: the windows matched so far. A run goes on
after them, to the timeline a whole run gives (``recognize_timeline``'s ``resumed``):

* a job whose worker is asked to stop (SIGTERM) writes its checkpoint and goes back on the
  queue; that run gives its attempt back;
* a job whose run was lost — its task failed without the job ending (its worker killed, found
  by the next worker to start on the host or when the job is looked at on that host, or a
  failure outside the recording's own), or it is running but its worker has written nothing
  for ``KAZOOM_TIMELINE_STALE_SECONDS`` when it is looked at (a worker hung, or on another
  host) — goes back on the queue from its last checkpoint, unless ``MAX_ATTEMPTS``
  runs of it have been started: a recording that keeps killing its workers (out of memory)
  is then failed as ``interrupted``, and said so.

A run whose job has been taken from it meanwhile (put back by a look, or deleted) stops at
its next write and leaves the job alone. A recording no job keeps (a crash between keeping
it and saving its job) is removed by ``remove_unkept_uploads`` (``manage.py prune``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.move import file_move_safe
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskResult, task
from django_tasks.signals import task_finished

from fingerprints.config import EngineConfig
from fingerprints.store import FingerprintStore
from fingerprints.windows import open_recording
from fingerprints.wiring import engine_config, fingerprint_store
from kazoom_site.jobs import (
    UNFINISHED,
    JobInterrupted,
    enqueue,
    unfinished_jobs_of_failed_task,
)
from kazoom_site.old_files import remove_old_files
from kazoom_site.worker import STOPPING, report_dead_workers_tasks

from .models import TimelineJob
from .timeline import Window
from .timeline_checkpoints import windows_from_json, windows_json
from .timeline_files import timeline_of_file

Status = TimelineJob.Status

#: The progress and the checkpoint are written at most this often (seconds): a window takes
#: milliseconds, and the checkpoint of three hours is about 1.6 MB (some 730 bytes a window).
CHECKPOINT_EVERY_SECONDS = 2.0
#: Runs of a job started before a lost one fails it.
MAX_ATTEMPTS = 3
INTERRUPTED_MESSAGE = (
    f"The worker stopped before the timeline was finished, {MAX_ATTEMPTS} times "
    "(killed, or out of memory): it is not tried again."
)

#: A recording no job keeps is removed once it is this old: no job is still being saved
#: for it.
UNKEPT_UPLOAD_AGE = timedelta(hours=1)

logger = logging.getLogger(__name__)


class _JobTaken(BaseException):
    """The job is no longer this run's: another has it, or it is gone."""


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
    """The job of that id in its URL, put back on the queue first (or failed) if its worker
    on this host has died, or if it is running but its worker has been silent too long;
    None for none."""
    report_dead_workers_tasks()
    job = TimelineJob.objects.filter(public_id=public_id).first()
    if job is not None and _stale(job):
        _lost(job)
        job.refresh_from_db()
    return job


def remove_unkept_uploads() -> int:
    """Remove the files in ``KAZOOM_TIMELINE_UPLOADS_DIR`` that are no job's recording and
    were last written over ``UNKEPT_UPLOAD_AGE`` ago (a crash between keeping a recording and
    saving its job left them); how many."""
    kept = {job.upload_path().name for job in TimelineJob.objects.only("public_id")}
    written_before = (timezone.now() - UNKEPT_UPLOAD_AGE).timestamp()
    folder = Path(settings.KAZOOM_TIMELINE_UPLOADS_DIR)
    return remove_old_files(folder, written_before, keeping=kept)


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
    """Work the queued job through, from its checkpoint, to its result or its failure; a job
    no longer queued is left as it is. Raises JobInterrupted, the job back on the queue, once
    ``stopping()``."""
    with transaction.atomic():
        job = TimelineJob.objects.filter(pk=job_pk, status=Status.QUEUED).first()
        if job is None:
            return
        job.status, job.attempts = Status.RUNNING, job.attempts + 1
        job.started_at = job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
    resumed = windows_from_json(job.checkpoint)
    if resumed:
        logger.info(
            "timeline job %s resumed after %d window(s), from %.1f s, attempt %d",
            job.public_id,
            len(resumed),
            job.done_seconds,
            job.attempts,
        )
    writer = _ProgressWriter(job, stopping)
    try:
        done = timeline_of_file(
            job.upload_path(),
            job.file_name,
            store=store,
            config=config,
            on_progress=writer,
            resumed=resumed,
        )
    except JobInterrupted:
        _requeue(job, attempts=job.attempts - 1, **writer.progress())
        raise
    except _JobTaken:
        return
    if done.error is not None:
        error = done.body["error"]
        _end(job, Status.FAILED, error_code=error["code"], error_message=error["message"])
    else:
        seconds = done.body["duration_seconds"]
        _end(job, Status.DONE, result=done.body, done_seconds=seconds, total_seconds=seconds)


class _ProgressWriter:
    """The progress callback: writes the seconds done and the checkpoint with the heartbeat,
    and stops the work once asked to, or once the job is no longer this run's."""

    def __init__(self, job: TimelineJob, stopping: Callable[[], bool]) -> None:
        self._job = job
        self._stopping = stopping
        self._written_at = float("-inf")
        self._last: tuple[float, float | None, Sequence[Window]] | None = None

    def __call__(
        self, done_seconds: float, declared_seconds: float | None, windows: Sequence[Window]
    ) -> None:
        self._last = (done_seconds, declared_seconds, windows)
        if self._stopping():
            raise JobInterrupted
        now = time.monotonic()
        if now - self._written_at < CHECKPOINT_EVERY_SECONDS:
            return
        self._written_at = now
        if not _this_run(self._job).update(heartbeat_at=timezone.now(), **self.progress()):
            raise _JobTaken

    def progress(self) -> dict[str, Any]:
        """The job's fields for the progress last reported, written yet or not (none before
        the first)."""
        if self._last is None:
            return {}
        done_seconds, declared_seconds, windows = self._last
        return {
            "done_seconds": done_seconds,
            "total_seconds": declared_seconds,
            "checkpoint": windows_json(windows),
        }


def _requeue(job: TimelineJob, **fields: Any) -> bool:
    """Put ``job`` back on the queue under a new task, with ``fields`` (its checkpoint as last
    written, unless they say), if its run is still the one of ``job.task_id``; whether it
    was."""
    with transaction.atomic():
        taken = _this_run(job).update(status=Status.QUEUED, started_at=None, **fields)
        if taken:
            _enqueue(job)
    return bool(taken)


def _lost(job: TimelineJob) -> None:
    """``job``'s run was lost: back on the queue from its checkpoint, or failed once
    ``MAX_ATTEMPTS`` runs of it have been started."""
    if job.attempts >= MAX_ATTEMPTS:
        _end(job, Status.FAILED, error_code="interrupted", error_message=INTERRUPTED_MESSAGE)
    else:
        _requeue(job)


def _this_run(job: TimelineJob) -> QuerySet[TimelineJob]:
    """``job``'s row while it is still the run of ``job.task_id``'s and has not ended."""
    return TimelineJob.objects.filter(pk=job.pk, task_id=job.task_id, status__in=UNFINISHED)


def _end(job: TimelineJob, status: str, **fields: Any) -> None:
    """Record how ``job`` ended (its progress as last written, unless ``fields`` say), then
    let its recording go; a job another run has taken meanwhile is left to it."""
    if _this_run(job).update(status=status, finished_at=timezone.now(), **fields):
        job.upload_path().unlink(missing_ok=True)


@receiver(task_finished)
def _report_failed_task(sender: type, task_result: TaskResult[Any], **kwargs: Any) -> None:
    """A failed task's job that has not ended lost its run: nothing else will go on with it."""
    for job in unfinished_jobs_of_failed_task(TimelineJob, task_result):
        _lost(job)
