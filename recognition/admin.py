from django.contrib import admin
from django.http import HttpRequest

from .models import RecognitionAttempt


@admin.register(RecognitionAttempt)
class RecognitionAttemptAdmin(admin.ModelAdmin):
    """Read-only: attempts are facts that happened. A listen with the microphone is its
    interim checks ("Still listening") and then its outcome; filter by outcome to see only
    outcomes."""

    list_display = [
        "created_at",
        "source",
        "outcome",
        "song",
        "confidence_percent",
        "clip_length",
        "time_taken",
        "error_code",
    ]
    list_filter = ["source", "outcome", "created_at"]
    list_select_related = ["song", "song__artist"]
    date_hierarchy = "created_at"
    search_fields = ["song__title", "song__artist__name", "error_code"]

    @admin.display(description="confidence", ordering="confidence")
    def confidence_percent(self, attempt: RecognitionAttempt) -> str | None:
        return None if attempt.confidence is None else f"{attempt.confidence:.0%}"

    @admin.display(description="clip", ordering="clip_seconds")
    def clip_length(self, attempt: RecognitionAttempt) -> str | None:
        return None if attempt.clip_seconds is None else f"{attempt.clip_seconds:.1f} s"

    @admin.display(description="took", ordering="elapsed_ms")
    def time_taken(self, attempt: RecognitionAttempt) -> str | None:
        return None if attempt.elapsed_ms is None else f"{attempt.elapsed_ms:.0f} ms"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: RecognitionAttempt | None = None
    ) -> bool:
        return False
