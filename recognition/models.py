"""A log of every recognition attempt, whatever its front end and outcome, and the timeline
jobs of long recordings."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from catalog.models import Song
from kazoom_site.jobs import ENDED, JobStatus, ended_before
from kazoom_site.retention import delete_in_batches


class RecognitionAttempt(models.Model):
    class Source(models.TextChoices):
        UPLOAD = "upload", "Upload"
        MICROPHONE = "microphone", "Microphone"
        API = "api", "API"

    class Outcome(models.TextChoices):
        MATCH = "match", "Match"
        NO_MATCH = "no_match", "No match"
        #: An interim microphone check that matched nothing: the microphone went on listening,
        #: and the listen's outcome is the attempt after it.
        PENDING = "pending", "Still listening"
        ERROR = "error", "Error"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    #: Seconds of audio analysed (None when the clip could not be decoded).
    clip_seconds = models.FloatField(null=True, blank=True)
    song = models.ForeignKey(Song, on_delete=models.SET_NULL, null=True, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    offset_seconds = models.FloatField(null=True, blank=True)
    aligned_matches = models.PositiveIntegerField(null=True, blank=True)
    #: A match's permalink is ``/r/<share_token>/``: random (``recognition.sharing``), so that
    #: nobody can walk through other people's results.
    share_token = models.CharField(
        max_length=32, unique=True, null=True, blank=True, editable=False
    )
    #: What a match's shared card shows beside what the fields above say
    #: (``recognition.sharing``): its *why this match* pictures, compressed (None when it was
    #: not drawn: an API match, or one logged before they were kept), and its runners-up as
    #: ``[[song id, votes], ...]``.
    card_pictures = models.BinaryField(null=True, blank=True, editable=False)
    runners_up = models.JSONField(default=list, blank=True, editable=False)
    #: For errors: the machine-readable code, e.g. ``not_audio`` or ``too_big``.
    error_code = models.CharField(max_length=32, blank=True)
    elapsed_ms = models.FloatField(null=True, blank=True)
    #: Whose find it is, for their history (``recognition.finds``): the browser's random id
    #: ("" for the API, or once cleared) and the signed-in user.
    browser_id = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at"]

    @classmethod
    def prune(cls, before: datetime, *, batch_size: int = 10_000) -> int:
        """Delete the attempts logged before ``before`` (``delete_in_batches``); how many were
        deleted."""
        return delete_in_batches(
            cls.objects.filter(created_at__lt=before), "created_at", batch_size
        )

    def __str__(self) -> str:
        when = f"{self.created_at:%Y-%m-%d %H:%M:%S}"
        return f"{self.get_source_display()}: {self.get_outcome_display()} at {when}"


def new_job_id() -> str:
    """A timeline job's id in its URL: 128 random bits in 22 URL-safe characters, so that
    nobody can walk through other people's recordings."""
    return secrets.token_urlsafe(16)


class TimelineJob(models.Model):
    """A long recording uploaded for its timeline, worked through by the task queue's worker
    (``recognition.timeline_jobs``). Its file waits in ``KAZOOM_TIMELINE_UPLOADS_DIR`` under
    the job's id, and goes once the job ends or is deleted."""

    Status = JobStatus

    #: The job's id in its URLs; the integer key never leaves the server.
    public_id = models.CharField(max_length=32, unique=True, default=new_job_id, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    #: The name the client gave its file, shown to it and never used for a path.
    file_name = models.CharField(max_length=255, blank=True)
    #: Seconds of the recording worked through, of the seconds it declares (None when its
    #: header does not say).
    done_seconds = models.FloatField(default=0.0)
    total_seconds = models.FloatField(null=True, blank=True)
    #: For failures: the machine-readable code (``not_audio``, ``interrupted`` …) and message.
    error_code = models.CharField(max_length=32, blank=True)
    error_message = models.TextField(blank=True)
    #: The object ``manage.py timeline --json`` prints for a file, once done.
    result = models.JSONField(null=True, blank=True)
    #: The queue's task that runs it now (a job put back on the queue gets another).
    task_id = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    #: When the worker running it last wrote its progress: a running job whose worker has been
    #: silent for ``KAZOOM_TIMELINE_STALE_SECONDS`` is taken for one whose worker is gone.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    #: The recording's windows matched so far (``recognition.timeline_checkpoints``), written
    #: with its progress, which is how far they reach: a run goes on after them.
    checkpoint = models.JSONField(default=list, blank=True, editable=False)
    #: Runs of it that workers started, the one under way included; a run stopped on request
    #: gives its attempt back, one whose worker was lost (killed) does not.
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @classmethod
    def prune(cls, before: datetime, *, batch_size: int = 10_000) -> int:
        """Delete the jobs that ended before ``before``, results and all
        (``delete_in_batches``); how many were deleted."""
        return delete_in_batches(ended_before(cls, before), "finished_at", batch_size)

    @property
    def finished(self) -> bool:
        return self.status in ENDED

    def upload_path(self) -> Path:
        """Where its recording waits: named by the server, never by the client."""
        return Path(settings.KAZOOM_TIMELINE_UPLOADS_DIR) / f"{self.public_id}.upload"

    def __str__(self) -> str:
        return f"Timeline of {self.file_name or 'a recording'}: {self.get_status_display()}"


@receiver(post_delete, sender=TimelineJob)
def _delete_kept_recording(
    sender: type[TimelineJob], instance: TimelineJob, **kwargs: object
) -> None:
    """A job deleted (alone, or with others in one query) takes its kept recording with it,
    once the deletion is committed."""
    path = instance.upload_path()
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
