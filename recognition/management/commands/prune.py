"""``manage.py prune [--days N] [--timeline-days N] [--indexing-days N]``: delete the
recognition attempts older than N days, the timeline and indexing jobs that ended longer ago,
the queue's record of the tasks that ran them, and the recordings no job keeps."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from catalog.models import IndexingJob
from kazoom_site.retention import delete_in_batches
from recognition.models import RecognitionAttempt, TimelineJob
from recognition.timeline_jobs import remove_unkept_uploads


class Command(BaseCommand):
    help = (
        "Delete the log's recognition attempts older than --days "
        "(KAZOOM_ATTEMPT_RETENTION_DAYS by default), the timeline jobs that ended longer "
        "ago than --timeline-days (KAZOOM_TIMELINE_RETENTION_DAYS) and the indexing jobs "
        "that ended longer ago than --indexing-days (KAZOOM_INDEXING_RETENTION_DAYS), in "
        "batches, the queue's records of tasks that ended longer ago than the fewer of those "
        "two, and the recordings no timeline job keeps."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        for option, kept, default in (
            ("--days", "recognition attempts", settings.KAZOOM_ATTEMPT_RETENTION_DAYS),
            ("--timeline-days", "ended timeline jobs", settings.KAZOOM_TIMELINE_RETENTION_DAYS),
            ("--indexing-days", "ended indexing jobs", settings.KAZOOM_INDEXING_RETENTION_DAYS),
        ):
            parser.add_argument(
                option,
                type=int,
                default=None,
                help=f"keep this many days of {kept} (default {default})",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        attempt_days = _days(options["days"], settings.KAZOOM_ATTEMPT_RETENTION_DAYS)
        timeline_days = _days(options["timeline_days"], settings.KAZOOM_TIMELINE_RETENTION_DAYS)
        indexing_days = _days(options["indexing_days"], settings.KAZOOM_INDEXING_RETENTION_DAYS)
        for what, days, prune, kept in (
            (
                "recognition attempt(s) logged",
                attempt_days,
                RecognitionAttempt.prune,
                RecognitionAttempt.objects.count,
            ),
            (
                "timeline job(s) that ended",
                timeline_days,
                TimelineJob.prune,
                TimelineJob.objects.count,
            ),
            (
                "indexing job(s) that ended",
                indexing_days,
                IndexingJob.prune,
                IndexingJob.objects.count,
            ),
            (
                "queued task(s) that ended",
                min(timeline_days, indexing_days),
                _prune_tasks,
                DBTaskResult.objects.count,
            ),
        ):
            before = timezone.now() - timedelta(days=days)
            deleted = prune(before)
            when = f"{before:%Y-%m-%d %H:%M} UTC ({days} days ago)"
            self.stdout.write(f"deleted {deleted:,} {what} before {when}; {kept():,} kept")
        removed = remove_unkept_uploads()
        self.stdout.write(f"removed {removed:,} recording(s) that no timeline job keeps")


def _prune_tasks(before: datetime) -> int:
    """Delete the queue's rows of the tasks that ended before ``before``: only the queue's
    record once a task has ended, since its job keeps its own status, error and result."""
    ended = DBTaskResult.objects.finished().filter(finished_at__lt=before)
    return delete_in_batches(ended, "finished_at", 10_000)


def _days(given: int | None, default: int) -> int:
    days = default if given is None else given
    if days < 0:
        raise CommandError(f"the days to keep must be 0 or more, not {days}")
    return days
