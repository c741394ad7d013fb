"""The catalog admin: songs are added by uploading their audio, which is checked on save and
fingerprinted on the task queue (``catalog.indexing_jobs``), as are songs given a new file or
re-indexed; the list of indexing jobs follows them.

Deleting songs here (one, in bulk, or through their artist) removes their fingerprints too:
``catalog.signals`` does that for every deletion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict
from weakref import WeakKeyDictionary

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count, ForeignKey, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from kazoom_site.jobs import UNFINISHED
from kazoom_site.worker import report_dead_workers_tasks

from .duplicates_admin import DuplicateAdmin
from .forms import SongForm
from .indexing_jobs import queue_reindex
from .indexing_jobs_admin import IndexingJobAdmin
from .models import Album, Artist, Duplicate, IndexingJob, Song
from .timecodes import clock

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


#: The indexing job the song form of a request queued, for its response to say so.
_queued_by: WeakKeyDictionary[HttpRequest, IndexingJob] = WeakKeyDictionary()


def _jobs_url() -> str:
    return reverse("admin:catalog_indexingjob_changelist")


def _and_where_to_follow(said: str, jobs: str = "it") -> SafeString:
    """``said``, then where to follow the ``jobs`` it is about."""
    return format_html(
        '{} Follow {} on <a href="{}">the indexing jobs page</a>.', said, jobs, _jobs_url()
    )


class FromTagsSelect(AutocompleteSelect):
    """The admin's search-as-you-type picker, saying what an empty choice means, and named for
    screen readers by its label (select2's box is not, while empty)."""

    class Media:
        # After the scripts that draw the pickers: Django orders media by these lists.
        js = ["admin/js/jquery.init.js", "admin/js/autocomplete.js", "kazoom/admin-pickers.js"]

    def build_attrs(self, base_attrs: Any, extra_attrs: Any = None) -> dict[str, Any]:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = "From the file's tags"
        return attrs


class _SongCount(TypedDict):
    song_count: int


class _AlbumCount(TypedDict):
    album_count: int


class SongDurationColumn:
    """The ``duration`` column, shared by the song admin and the song lists of artists and
    albums."""

    @admin.display(description="duration", ordering="duration_seconds")
    def duration(self, song: Song) -> str:
        """The song's length as m:ss (3:07)."""
        if song.duration_seconds is None:
            return admin.site.empty_value_display
        return clock(song.duration_seconds)


class SongCountColumn:
    """The ``songs`` column of artists and albums; their admin's queryset annotates it."""

    @admin.display(description="songs", ordering="song_count")
    def song_count(
        self, owner: WithAnnotations[Artist, _SongCount] | WithAnnotations[Album, _SongCount]
    ) -> int:
        return owner.song_count


class IndexedListFilter(admin.SimpleListFilter):
    title = "indexed"
    parameter_name = "indexed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Song]) -> QuerySet[Song]:
        if self.value() not in ("yes", "no"):
            return queryset
        return queryset.filter(indexed_at__isnull=self.value() == "no")


class SongInline(SongDurationColumn, admin.TabularInline):
    """An artist's or album's songs, to look at: a song is added and edited on its own page,
    where its file is."""

    model = Song
    readonly_fields = ("title", "artist", "album", "duration", "fingerprint_count", "indexed_at")
    fields = readonly_fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Artist | Album | None = None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj: Artist | Album | None = None) -> list[Any]:
        """Leave out the column that would repeat the page's own artist or album."""
        return [f for f in self.readonly_fields if f != self.parent_model._meta.model_name]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Song]:
        return super().get_queryset(request).select_related("artist", "album__artist")


@admin.register(Artist)
class ArtistAdmin(SongCountColumn, admin.ModelAdmin):
    list_display = ["name", "album_count", "song_count"]
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
    def album_count(self, artist: WithAnnotations[Artist, _AlbumCount]) -> int:
        return artist.album_count


@admin.register(Album)
class AlbumAdmin(SongCountColumn, admin.ModelAdmin):
    list_display = ["title", "artist", "song_count"]
    list_select_related = ["artist"]
    search_fields = ["title", "artist__name"]
    autocomplete_fields = ["artist"]
    inlines = [SongInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Album]:
        songs = super().get_queryset(request).annotate(song_count=Count("songs"))
        return songs.order_by("artist__name", "title")  # Meta.ordering is dropped by aggregates


@admin.register(Song)
class SongAdmin(SongDurationColumn, admin.ModelAdmin):
    form = SongForm
    list_display = ["title", "artist", "album", "duration", "fingerprint_count", "indexed_at"]
    list_filter = ["artist", "album", IndexedListFilter]
    list_select_related = ["artist", "album__artist"]
    search_fields = ["title", "artist__name", "album__title"]
    autocomplete_fields = ["artist", "album"]
    readonly_fields = (
        "duration",
        "source_path",
        "content_sha256",
        "indexed_at",
        "fingerprint_count",
    )
    fieldsets = [
        (None, {"fields": ["title", "artist", "album", "audio_file", "kept_file"]}),
        ("Fingerprints", {"fields": readonly_fields}),
    ]
    actions = ["reindex_selected"]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        """Artist and album left blank come from the file's tags (``SongForm``)."""
        kwargs.setdefault("widget", FromTagsSelect(db_field, self.admin_site))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Song | None = None) -> list[Any]:
        """A song being added has no fingerprints to show yet."""
        return self.fieldsets if obj is not None else self.fieldsets[:1]

    def save_model(self, request: HttpRequest, obj: Song, form: SongForm, change: bool) -> None:
        """Save the metadata, or, with a new file, queue it: the song is saved with the file's
        fingerprints by the worker."""
        job = form.save_song()
        if job is None:
            return
        _queued_by[request] = job
        said = f"{capfirst(job.subject())} is queued for indexing; the song is saved once it is."
        self.message_user(request, _and_where_to_follow(said))

    def log_addition(self, request: HttpRequest, obj: Song, message: Any) -> LogEntry:
        """A song being added is not saved yet: what is logged is its indexing job."""
        return super().log_addition(request, _queued_by.get(request, obj), message)

    def response_add(
        self, request: HttpRequest, obj: Song, post_url_continue: str | None = None
    ) -> HttpResponse:
        """A song added is queued (the only way to add one): on to the jobs that follow it."""
        _queued_by.pop(request, None)
        return HttpResponseRedirect(_jobs_url())

    def response_change(self, request: HttpRequest, obj: Song) -> HttpResponse:
        """A new file queued: back to the song's page, which says its job is pending."""
        if _queued_by.pop(request, None) is not None:
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The song's page says when a job for it is queued or running (not one whose worker
        on this host has died: that is reported failed first)."""
        report_dead_workers_tasks()
        pending = IndexingJob.objects.filter(song_id=object_id, status__in=UNFINISHED)
        context = {
            **(extra_context or {}),
            "indexing_jobs": list(pending.order_by("created_at")),
            "indexing_jobs_url": f"{_jobs_url()}?song__id__exact={object_id}",
        }
        return super().change_view(request, object_id, form_url, context)

    @admin.action(description="Re-index selected songs")
    def reindex_selected(self, request: HttpRequest, queryset: QuerySet[Song]) -> None:
        """Queue each song to be fingerprinted again from the file it was indexed from."""
        jobs = [queue_reindex(song) for song in queryset]
        said = f"{len(jobs)} song(s) queued for re-indexing from their files."
        self.message_user(request, _and_where_to_follow(said, "them"))


admin.site.register(Duplicate, DuplicateAdmin)
admin.site.register(IndexingJob, IndexingJobAdmin)
