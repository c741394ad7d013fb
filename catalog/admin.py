from django.contrib import admin

from .models import Album, Artist, Song


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Album)
class AlbumAdmin(admin.ModelAdmin):
    list_display = ["title", "artist"]
    search_fields = ["title", "artist__name"]


@admin.register(Song)
class SongAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "artist",
        "album",
        "duration_seconds",
        "fingerprint_count",
        "indexed_at",
    ]
    list_filter = ["artist"]
    search_fields = ["title", "artist__name", "album__title"]
    readonly_fields = [
        "duration_seconds",
        "source_path",
        "content_sha256",
        "indexed_at",
        "fingerprint_count",
    ]
