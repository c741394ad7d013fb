"""A log of every recognition attempt, whatever its front end and outcome."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models, transaction

from catalog.models import Song


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
        """Delete the attempts logged before ``before``, oldest first, ``batch_size`` at a time,
        each batch in a transaction of its own (the site's writers wait for one batch, never
        for the whole prune); how many were deleted."""
        deleted = 0
        while True:
            with transaction.atomic():
                batch = list(
                    cls.objects.filter(created_at__lt=before)
                    .order_by("created_at")
                    .values_list("pk", flat=True)[:batch_size]
                )
                if not batch:
                    return deleted
                deleted += cls.objects.filter(pk__in=batch).delete()[0]

    def __str__(self) -> str:
        when = f"{self.created_at:%Y-%m-%d %H:%M:%S}"
        return f"{self.get_source_display()}: {self.get_outcome_display()} at {when}"
