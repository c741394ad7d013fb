"""The admin's list of indexing jobs, newest first: what each indexes, how it stands, why it
failed or what the worker noticed, and the song once it is done. Jobs are facts of the task
queue's: nobody adds, edits or deletes them here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from kazoom_site.jobs import UNFINISHED
from kazoom_site.read_only_admin import ReadOnlyAdmin
from kazoom_site.worker import report_dead_workers_tasks

from .models import IndexingJob


class IndexingJobAdmin(ReadOnlyAdmin):
    list_display = ["queued_at", "status", "what", "song_link", "message", "ran"]
    list_display_links = None
    list_filter = ["status", "kind"]
    list_select_related = ["song__artist"]
    list_per_page = 50

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The jobs, a job whose worker on this host has died reported failed first."""
        report_dead_workers_tasks()
        unfinished = IndexingJob.objects.filter(status__in=UNFINISHED).count()
        context = {"title": "Indexing jobs", "unfinished": unfinished, **(extra_context or {})}
        return super().changelist_view(request, context)

    def has_delete_permission(self, request: HttpRequest, obj: IndexingJob | None = None) -> bool:
        return False

    @admin.display(description="queued", ordering="created_at")
    def queued_at(self, job: IndexingJob) -> str:
        return f"{job.created_at:%Y-%m-%d %H:%M:%S}"

    @admin.display(description="ran")
    def ran(self, job: IndexingJob) -> str:
        """From when to when the worker ran it (UTC), and for how long."""
        if job.started_at is None:
            return admin.site.empty_value_display
        if job.finished_at is None:
            return f"since {job.started_at:%H:%M:%S}"
        seconds = (job.finished_at - job.started_at).total_seconds()
        return f"{job.started_at:%H:%M:%S}–{job.finished_at:%H:%M:%S} ({seconds:.1f} s)"

    @admin.display(description="indexing")
    def what(self, job: IndexingJob) -> str:
        return job.subject()

    @admin.display(description="song", ordering="song__title")
    def song_link(self, job: IndexingJob) -> SafeString | str:
        """The song's admin page, once the job has made or re-indexed it."""
        if job.song is None or job.status != IndexingJob.Status.DONE:
            return admin.site.empty_value_display
        url = reverse("admin:catalog_song_change", args=[job.song.pk])
        return format_html('<a href="{}">{}</a>', url, str(job.song))

    @admin.display(description="message")
    def message(self, job: IndexingJob) -> SafeString:
        """Why it failed, or what the worker noticed of the file indexed, a line each."""
        lines = (job.error_message or job.notes).splitlines()
        return format_html_join("", "<div>{}</div>", ((line,) for line in lines))
