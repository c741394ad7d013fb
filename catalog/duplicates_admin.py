"""The admin's list of songs that share audio: the pairs the last ``manage.py
find_duplicates`` found, with when it ran. Searching the catalog is long work, so this page
only reads what that search recorded; it never fingerprints or compares songs itself."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from kazoom_site.read_only_admin import ReadOnlyAdmin

from .models import Duplicate, DuplicateSearch, Song


class DuplicateAdmin(ReadOnlyAdmin):
    list_display = ["first_song", "second_song", "shared_ranges", "speed_shown", "strength_shown"]
    list_display_links = None
    list_select_related = ["song_a__artist", "song_b__artist"]
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Duplicate]:
        """The last search's pairs only (a search replaces the one before it)."""
        return super().get_queryset(request).filter(search=DuplicateSearch.objects.first())

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {**(extra_context or {}), "last_search": DuplicateSearch.objects.first()}
        return super().changelist_view(request, context)

    def has_delete_permission(self, request: HttpRequest, obj: Duplicate | None = None) -> bool:
        """A pair goes with either of its songs, for whoever may delete songs; it is never
        deleted on its own (``delete_view``), and the list has no bulk delete."""
        return obj is not None and request.user.has_perm("catalog.delete_song")

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        raise PermissionDenied

    @admin.display(description="song A", ordering="song_a__title")
    def first_song(self, pair: Duplicate) -> SafeString:
        return _song_links(pair.song_a)

    @admin.display(description="song B", ordering="song_b__title")
    def second_song(self, pair: Duplicate) -> SafeString:
        return _song_links(pair.song_b)

    @admin.display(description="shared ranges")
    def shared_ranges(self, pair: Duplicate) -> SafeString:
        return format_html_join("", "<div>{}</div>", ((line,) for line in pair.range_texts()))

    @admin.display(description="speed of B", ordering="speed")
    def speed_shown(self, pair: Duplicate) -> str:
        """How many times as fast B plays A: ``1.03×``, or ``as A``."""
        return "as A" if pair.speed == 1.0 else f"{pair.speed:.2f}×"

    @admin.display(description="strength", ordering="strength")
    def strength_shown(self, pair: Duplicate) -> str:
        return f"{pair.strength:.0%}"


def _song_links(song: Song) -> SafeString:
    """The song's admin page under its name, then its page on the site."""
    return format_html(
        '<a href="{}">song {}: {}</a> (<a href="{}">its page</a>)',
        reverse("admin:catalog_song_change", args=[song.pk]),
        song.pk,
        str(song),
        reverse("song", args=[song.pk]),
    )
