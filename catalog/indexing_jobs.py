"""Indexing jobs: the admin puts each song file to fingerprint on the task queue (a song added
from an upload, a song's file replaced, songs re-indexed from their files), so that no web
request fingerprints a whole song; the worker analyses and commits it with ``Indexer``, so the
song is in both databases or in neither, and a new song's row exists only once committed.

The job is marked done in the catalog's transaction that saves the song. A job whose worker is
asked to stop before that goes back on the queue, to be done again from the start; one whose
task failed without the job ending (its worker killed) is reported failed as interrupted, once
what its commit left in the store is settled, and the file kept for it goes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import capfirst
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks.signals import task_finished

from kazoom_site.jobs import JobInterrupted, enqueue, unfinished_jobs_of_failed_task
from kazoom_site.worker import STOPPING
from recognition.duplicate_search import shared_audio_notes

from .indexing import AnalysedFile, FileReport, Indexer
from .models import IndexingJob, Song
from .storage_errors import describe
from .tags import SongTags
from .uploads import discard_kept

Kind, Status = IndexingJob.Kind, IndexingJob.Status

INTERRUPTED_MESSAGE = (
    "The worker stopped before the song was indexed (it was killed, or it failed); "
    "nothing was saved."
)


def queue_file(song: Song, path: Path, file_name: str) -> IndexingJob:
    """Queue the kept file ``path`` (``file_name``: the browser's name for it) as the new
    file of ``song``, a song being added (unsaved) or one replacing its file; the title,
    artist and album entered on ``song`` are kept for the job, to win over the file's tags."""
    album = song.album
    job = IndexingJob(
        kind=Kind.ADD if song.pk is None else Kind.REPLACE,
        song_id=song.pk,  # as it is stored, not as the form changed it
        path=str(path),
        file_name=file_name[:255],
        title=song.title,
        artist=song.artist.name if song.artist_id is not None else "",
        album=album.title if album is not None else "",
        album_artist=album.artist.name if album is not None else "",
    )
    return _queued(job)


def queue_reindex(song: Song) -> IndexingJob:
    """Queue ``song`` to be fingerprinted again from the file on record; it keeps its
    metadata."""
    return _queued(IndexingJob(kind=Kind.REINDEX, song=song, path=song.source_path))


def _queued(job: IndexingJob) -> IndexingJob:
    with transaction.atomic():
        job.save()
        enqueue(job, indexing_task)
    return job


@task()
def indexing_task(job_pk: int) -> None:
    """The queue's task: the job, with the site's store and config."""
    indexer = Indexer.from_settings(shared_audio=shared_audio_notes)
    run_indexing_job(job_pk, indexer=indexer, stopping=STOPPING.is_set)


def run_indexing_job(job_pk: int, *, indexer: Indexer, stopping: Callable[[], bool]) -> None:
    """Analyse and commit the queued job's file, or record why it cannot be; a job no longer
    queued is left as it is. Raises JobInterrupted, the job back on the queue and nothing
    saved, when ``stopping()`` as the song is about to be committed; raises what failed to
    store it, the job failed."""
    job = _start(job_pk)
    if job is None:
        return
    try:
        notes = _index(job, indexer, stopping)
    except JobInterrupted:
        _requeue(job)
        raise
    except Exception as error:
        _fail(job, f"It could not be stored ({describe(error)}).")
        raise
    if notes:
        IndexingJob.objects.filter(pk=job.pk).update(notes="\n".join(notes))


def _start(job_pk: int) -> IndexingJob | None:
    with transaction.atomic():
        job = IndexingJob.objects.filter(pk=job_pk, status=Status.QUEUED).first()
        if job is None:
            return None
        job.status, job.started_at = Status.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


def _index(job: IndexingJob, indexer: Indexer, stopping: Callable[[], bool]) -> list[str]:
    """Index the job's file, or fail the job saying why; what the worker noticed of a file
    indexed (its tags unread, other songs that hold its audio)."""
    song = Song() if job.kind == Kind.ADD else job.song
    if song is None:
        _fail(job, "The song was deleted before its file was indexed.")
        return []
    analysed = indexer.analyse_for(song, Path(job.path), job.file_name or None)
    if isinstance(analysed, FileReport):
        _fail(job, f"{capfirst(analysed.message)}.")
        return []
    tags = None if job.kind == Kind.REINDEX else _entered_over(job, analysed.tags)
    done = partial(_done, job, song.source_path, stopping)
    report = indexer.commit(song, analysed, tags, with_song=done)
    return [*_tag_warning(analysed), *(f"{capfirst(note)}." for note in report.shared)]


def _entered_over(job: IndexingJob, tags: SongTags) -> SongTags:
    """The file's ``tags`` with what was entered in the form in their place; an album entered
    comes with its album artist."""
    return SongTags(
        title=job.title or tags.title,
        artist=job.artist or tags.artist,
        album=job.album or tags.album,
        album_artist=job.album_artist if job.album else tags.album_artist,
        warning=tags.warning,
    )


def _tag_warning(analysed: AnalysedFile) -> list[str]:
    warning = analysed.tags.warning
    return [f"{capfirst(warning)}."] if warning else []


def _done(job: IndexingJob, previous_file: str, stopping: Callable[[], bool], song: Song) -> None:
    """Record, in the transaction that saves ``song``, that ``job`` made it; the file the song
    had before goes once that commits, if the admin kept it. Raises JobInterrupted, which
    rolls the song back, once ``stopping()``: the last moment the job can still be put back."""
    if stopping():
        raise JobInterrupted
    job.song, job.status, job.finished_at = song, Status.DONE, timezone.now()
    job.save(update_fields=["song", "status", "finished_at"])
    if previous_file and previous_file != song.source_path:
        transaction.on_commit(partial(discard_kept, previous_file), using=DEFAULT_DB_ALIAS)


def _requeue(job: IndexingJob) -> None:
    """Put ``job`` back on the queue, from the start, under a new task."""
    with transaction.atomic():
        job.status, job.started_at = Status.QUEUED, None
        job.save(update_fields=["status", "started_at"])
        enqueue(job, indexing_task)


def _fail(job: IndexingJob, message: str) -> None:
    """Record why ``job`` failed, and let the file kept for it go (a re-index's file is the
    song's own, and stays) before the failure is seen; a job the catalog has recorded done
    (its song committed, whatever failed after) is left done."""
    with transaction.atomic():
        failed = (
            IndexingJob.objects.filter(pk=job.pk)
            .exclude(status=Status.DONE)
            .update(status=Status.FAILED, finished_at=timezone.now(), error_message=message)
        )
        if failed and job.kind != Kind.REINDEX:
            discard_kept(job.path)


@receiver(task_finished)
def _report_failed_task(sender: type, task_result: TaskResult[Any], **kwargs: Any) -> None:
    """A failed task of indexing jobs: what its commit left in the store is settled (a kill
    after the catalog switched, or before), and its job, if it has not ended, reported
    failed: nothing else will end it."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    if not IndexingJob.objects.filter(task_id=str(task_result.id)).exists():
        return
    Indexer.from_settings().settle()
    for job in unfinished_jobs_of_failed_task(IndexingJob, task_result):
        _fail(job, INTERRUPTED_MESSAGE)
