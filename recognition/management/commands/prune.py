"""``manage.py prune [--days N] [--timeline-days N]``: delete the recognition attempts older
than N days, the timeline jobs that ended longer ago, and the recordings no job keeps."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from recognition.models import RecognitionAttempt, TimelineJob
from recognition.timeline_jobs import remove_unkept_uploads


class Command(BaseCommand):
    help = (
        "Delete the log's recognition attempts older than --days "
        "(KAZOOM_ATTEMPT_RETENTION_DAYS by default) and the timeline jobs that ended longer "
        "ago than --timeline-days (KAZOOM_TIMELINE_RETENTION_DAYS), in batches, and the "
        "recordings no timeline job keeps."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=(
                "keep this many days of recognition attempts "
                f"(default {settings.KAZOOM_ATTEMPT_RETENTION_DAYS})"
            ),
        )
        parser.add_argument(
            "--timeline-days",
            type=int,
            default=None,
            help=(
                "keep the timeline jobs that ended this many days ago or less "
                f"(default {settings.KAZOOM_TIMELINE_RETENTION_DAYS})"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        attempt_days = _days(options["days"], settings.KAZOOM_ATTEMPT_RETENTION_DAYS)
        job_days = _days(options["timeline_days"], settings.KAZOOM_TIMELINE_RETENTION_DAYS)
        before = timezone.now() - timedelta(days=attempt_days)
        deleted = RecognitionAttempt.prune(before)
        self.stdout.write(
            f"deleted {deleted:,} recognition attempt(s) logged before "
            f"{_when(before, attempt_days)}; {RecognitionAttempt.objects.count():,} kept"
        )
        before = timezone.now() - timedelta(days=job_days)
        deleted = TimelineJob.prune(before)
        self.stdout.write(
            f"deleted {deleted:,} timeline job(s) that ended before {_when(before, job_days)}; "
            f"{TimelineJob.objects.count():,} kept"
        )
        removed = remove_unkept_uploads()
        self.stdout.write(f"removed {removed:,} recording(s) that no timeline job keeps")


def _days(given: int | None, default: int) -> int:
    days = default if given is None else given
    if days < 0:
        raise CommandError(f"the days to keep must be 0 or more, not {days}")
    return days


def _when(moment: datetime, days: int) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC ({days} days ago)"
