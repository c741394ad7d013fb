from django.contrib import admin
from django.http import HttpRequest

from .models import RecognitionAttempt


@admin.register(RecognitionAttempt)
class RecognitionAttemptAdmin(admin.ModelAdmin):
    """Read-only: attempts are facts that happened."""

    list_display = [
        "created_at",
        "source",
        "outcome",
        "song",
        "confidence",
        "clip_seconds",
        "elapsed_ms",
        "error_code",
    ]
    list_filter = ["source", "outcome", "created_at"]
    list_select_related = ["song", "song__artist"]
    date_hierarchy = "created_at"
    search_fields = ["song__title", "song__artist__name", "error_code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: RecognitionAttempt | None = None
    ) -> bool:
        return False
