"""Song metadata: artists, albums and songs (default database)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import models
from django.db.models import Q

from kazoom_site.jobs import JobStatus, ended_before
from kazoom_site.retention import delete_in_batches

from .timecodes import clock


class Artist(models.Model):
    name = models.CharField(max_length=255, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Album(models.Model):
    """A titled record by its album artist; its songs each have their own artist (a
    soundtrack's composers, a compilation's bands)."""

    title = models.CharField(max_length=255)
    artist = models.ForeignKey(
        Artist,
        on_delete=models.CASCADE,
        related_name="albums",
        verbose_name="album artist",
        help_text="Who the album is by (“Various Artists” for a compilation).",
    )

    class Meta:
        ordering = ["artist__name", "title"]
        constraints = [
            models.UniqueConstraint(fields=["artist", "title"], name="unique_album_per_artist")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.artist})"


class Song(models.Model):
    """A recording in the catalog; its fingerprints live in the fingerprint database."""

    title = models.CharField(max_length=255)
    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="songs")
    album = models.ForeignKey(
        Album, on_delete=models.SET_NULL, null=True, blank=True, related_name="songs"
    )
    duration_seconds = models.FloatField(null=True, blank=True, editable=False)
    source_path = models.CharField(
        max_length=1024, blank=True, editable=False, help_text="The file it was indexed from."
    )
    content_sha256 = models.CharField(
        max_length=64, blank=True, editable=False, help_text="SHA-256 of the indexed file."
    )
    indexed_at = models.DateTimeField(null=True, blank=True, editable=False)
    fingerprint_count = models.PositiveIntegerField(default=0, editable=False)
    #: The fingerprint store's generation this song's fingerprints are (see
    #: ``catalog.indexing.Indexer.commit``); None for songs indexed before generations.
    fingerprint_generation = models.PositiveBigIntegerField(
        null=True, blank=True, unique=True, editable=False
    )
    #: The file name of its cover art in the covers folder (``catalog.covers``); "" for none.
    cover = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["artist__name", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_sha256"],
                condition=~Q(content_sha256=""),
                name="unique_song_content",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.artist}"

    def cover_version(self) -> str:
        """What names this song's current cover in its URL; "" without one."""
        return self.cover.removesuffix(".jpg")


class DuplicateSearch(models.Model):
    """A search of the whole catalog for songs that share audio (``manage.py
    find_duplicates``); only the last one is kept, and the admin lists its pairs."""

    finished_at = models.DateTimeField()
    songs_searched = models.PositiveIntegerField()
    elapsed_seconds = models.FloatField()

    class Meta:
        ordering = ["-finished_at"]
        verbose_name_plural = "duplicate searches"

    def __str__(self) -> str:
        return f"search of {self.songs_searched} song(s) finished {self.finished_at:%Y-%m-%d %H:%M}"


class Duplicate(models.Model):
    """Two songs that hold the same audio, as the last ``DuplicateSearch`` found them."""

    search = models.ForeignKey(DuplicateSearch, on_delete=models.CASCADE, related_name="pairs")
    song_a = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="+")
    song_b = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="+")
    #: How many times as fast B plays A (1.03: 3 % fast).
    speed = models.FloatField(default=1.0)
    #: The share of A's fingerprints over the ranges that line up in B, from 0 to 1.
    strength = models.FloatField()
    shared_seconds = models.FloatField()
    #: ``[{"a_from_seconds", "a_to_seconds", "b_from_seconds", "b_to_seconds"}, ...]``.
    ranges = models.JSONField()

    class Meta:
        ordering = ["-strength", "pk"]

    def __str__(self) -> str:
        return f"{self.song_a} and {self.song_b}"

    def range_texts(self) -> list[str]:
        """A line per range, as ``range_text`` says it, A and B this pair's songs' ids."""
        a, b = f"song {self.song_a_id}", f"song {self.song_b_id}"
        return [range_text(shared, a, b) for shared in self.ranges]


def range_text(shared: Mapping[str, float], a: str = "A", b: str = "B") -> str:
    """``0:12–1:30 of A is 0:00–1:18 of B``, from a range of ``Duplicate.ranges``."""
    return (
        f"{clock(shared['a_from_seconds'])}–{clock(shared['a_to_seconds'])} of {a} is "
        f"{clock(shared['b_from_seconds'])}–{clock(shared['b_to_seconds'])} of {b}"
    )


class IndexingJob(models.Model):
    """A song file to fingerprint on the task queue's worker (``catalog.indexing_jobs``): a
    song added from a file uploaded in the admin, a song's file replaced there, or a song
    re-indexed from the file on record. The song is saved, with its fingerprints, only by the
    job; its kept file (under a name the server made) goes if the job fails."""

    class Kind(models.TextChoices):
        ADD = "add", "Add a song"
        REPLACE = "replace", "Replace a song's file"
        REINDEX = "reindex", "Re-index a song"

    Status = JobStatus

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    #: The song replaced or re-indexed, or, once done, the song added.
    song = models.ForeignKey(
        Song, on_delete=models.SET_NULL, null=True, blank=True, related_name="indexing_jobs"
    )
    #: The file to fingerprint: one the admin kept, or the song's own for a re-index.
    path = models.CharField(max_length=1024)
    #: The name the browser gave an upload, shown and used as a title without tags; never part
    #: of a path.
    file_name = models.CharField(max_length=255, blank=True)
    #: What was entered in the form, over the file's tags ("" for what was left blank); a
    #: re-index keeps the song's metadata.
    title = models.CharField(max_length=255, blank=True)
    artist = models.CharField(max_length=255, blank=True)
    album = models.CharField(max_length=255, blank=True)
    album_artist = models.CharField(max_length=255, blank=True)
    #: Why it failed, in words for a person; or, once done, what the worker noticed (a line
    #: each: the other songs that hold its audio).
    error_message = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    #: The queue's task that runs it now (a job put back on the queue gets another).
    task_id = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    @classmethod
    def prune(cls, before: datetime, *, batch_size: int = 10_000) -> int:
        """Delete the jobs that ended before ``before`` (``delete_in_batches``): their songs and
        files stay; how many were deleted."""
        return delete_in_batches(ended_before(cls, before), "finished_at", batch_size)

    def __str__(self) -> str:
        return f"Indexing {self.subject()}: {self.get_status_display()}"

    def subject(self) -> str:
        """What it indexes, in words: ``the new song from take.flac``."""
        if self.kind == self.Kind.ADD:
            return f"the new song from {self.file_name or 'an uploaded file'}"
        song = f"“{self.song}”" if self.song is not None else "a song since deleted"
        if self.kind == self.Kind.REPLACE:
            return f"the new file of {song} ({self.file_name or 'an uploaded file'})"
        return f"the re-index of {song}"
