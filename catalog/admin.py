"""The catalog admin: songs are added by uploading their audio, which is fingerprinted on save.

Deleting songs here (one, in bulk, or through their artist) removes their fingerprints too:
``catalog.signals`` does that for every deletion.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from .forms import SongForm
from .indexing import Indexer, Status
from .models import Album, Artist, Song


@admin.display(description="duration", ordering="duration_seconds")
def duration(song: Song) -> str:
    """The song's length as m:ss (3:07)."""
    if song.duration_seconds is None:
        return admin.site.empty_value_display
    minutes, seconds = divmod(round(song.duration_seconds), 60)
    return f"{minutes}:{seconds:02d}"


@admin.display(description="songs", ordering="song_count")
def song_count(owner: Artist | Album) -> int:
    """Needs the ``song_count`` annotation of the admin's queryset."""
    return owner.song_count  # type: ignore[union-attr]


class IndexedListFilter(admin.SimpleListFilter):
    title = "indexed"
    parameter_name = "indexed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Song]) -> QuerySet[Song]:
        if self.value() not in ("yes", "no"):
            return queryset
        return queryset.filter(indexed_at__isnull=self.value() == "no")


class SongInline(admin.TabularInline):
    """An artist's or album's songs, to look at: a song is added and edited on its own page,
    where its file is."""

    model = Song
    fields = ["title", "artist", "album", duration, "fingerprint_count", "indexed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Artist | Album | None = None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj: Artist | Album | None = None) -> list[Any]:
        """Leave out the column that would repeat the page's own artist or album."""
        return [field for field in self.fields if field != self.parent_model._meta.model_name]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Song]:
        return super().get_queryset(request).select_related("artist", "album__artist")


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    list_display = ["name", "album_count", song_count]
    search_fields = ["name"]
    inlines = [SongInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Artist]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                album_count=Count("albums", distinct=True),
                song_count=Count("songs", distinct=True),
            )
            .order_by("name")  # Meta.ordering is dropped from aggregate queries
        )

    @admin.display(description="albums", ordering="album_count")
    def album_count(self, artist: Artist) -> int:
        return artist.album_count  # type: ignore[attr-defined]


@admin.register(Album)
class AlbumAdmin(admin.ModelAdmin):
    list_display = ["title", "artist", song_count]
    list_select_related = ["artist"]
    search_fields = ["title", "artist__name"]
    autocomplete_fields = ["artist"]
    inlines = [SongInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Album]:
        songs = super().get_queryset(request).annotate(song_count=Count("songs"))
        return songs.order_by("artist__name", "title")  # Meta.ordering is dropped by aggregates


@admin.register(Song)
class SongAdmin(admin.ModelAdmin):
    form = SongForm
    list_display = ["title", "artist", "album", duration, "fingerprint_count", "indexed_at"]
    list_filter = ["artist", "album", IndexedListFilter]
    list_select_related = ["artist", "album__artist"]
    search_fields = ["title", "artist__name", "album__title"]
    autocomplete_fields = ["artist", "album"]
    readonly_fields = [duration, "source_path", "content_sha256", "indexed_at", "fingerprint_count"]
    fieldsets = [
        (None, {"fields": ["title", "artist", "album", "audio_file"]}),
        ("Fingerprints", {"fields": readonly_fields}),
    ]
    actions = ["reindex_selected"]

    def get_fieldsets(self, request: HttpRequest, obj: Song | None = None) -> list[Any]:
        """A song being added has no fingerprints to show yet."""
        return self.fieldsets if obj is not None else self.fieldsets[:1]

    def save_model(self, request: HttpRequest, obj: Song, form: SongForm, change: bool) -> None:
        form.save_song()
        if form.analysed is not None:
            self.message_user(
                request,
                f"“{obj}”: {obj.fingerprint_count:,} fingerprints from {duration(obj)} of audio.",
            )

    @admin.action(description="Re-index selected songs")
    def reindex_selected(self, request: HttpRequest, queryset: QuerySet[Song]) -> None:
        """Fingerprint each song again from the file it was indexed from."""
        indexer = Indexer.from_settings()
        songs = list(queryset.select_related("artist"))
        reindexed = 0
        for song in songs:
            outcome = indexer.index_into(song, Path(song.source_path))
            if outcome.status is Status.INDEXED:
                reindexed += 1
            else:
                where = song.source_path or "no file on record"
                self.message_user(
                    request,
                    f"“{song}” was not re-indexed: {outcome.message} ({where}).",
                    messages.ERROR,
                )
        level = messages.SUCCESS if reindexed == len(songs) else messages.WARNING
        self.message_user(request, f"{reindexed} of {len(songs)} song(s) re-indexed.", level)
