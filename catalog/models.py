"""Song metadata: artists, albums and songs (default database)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


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
