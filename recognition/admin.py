from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kazoom_site.read_only_admin import ReadOnlyAdmin

from .models import RecognitionAttempt, TimelineJob


@admin.register(RecognitionAttempt)
class RecognitionAttemptAdmin(ReadOnlyAdmin):
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


@admin.register(TimelineJob)
class TimelineJobAdmin(ReadOnlyAdmin):
    """Read-only, newest first: jobs are the worker's to change. Deleting one, or many at
    once, deletes its kept recording too (``TimelineJob``'s ``post_delete``)."""

    list_display = [
        "file_name",
        "status",
        "progress_percent",
        "created_at",
        "finished_at",
        "error",
        "public_page",
    ]
    list_filter = ["status"]
    search_fields = ["file_name", "public_id"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    exclude = ["result"]

    @admin.display(description="progress", ordering="done_seconds")
    def progress_percent(self, job: TimelineJob) -> str | None:
        if job.status == TimelineJob.Status.DONE:
            return "100%"
        return None if not job.total_seconds else f"{job.done_seconds / job.total_seconds:.0%}"

    @admin.display(description="error", ordering="error_code")
    def error(self, job: TimelineJob) -> str:
        return f"{job.error_code}: {job.error_message}" if job.error_code else ""

    @admin.display(description="page")
    def public_page(self, job: TimelineJob) -> SafeString:
        url = reverse("timeline-job", args=[job.public_id])
        return format_html('<a href="{}">Its page</a>', url)
