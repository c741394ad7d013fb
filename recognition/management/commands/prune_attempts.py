"""``manage.py prune_attempts [--days N]``: delete the recognition attempts older than N days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from recognition.models import RecognitionAttempt


class Command(BaseCommand):
    help = (
        "Delete the log's recognition attempts older than --days (KAZOOM_ATTEMPT_RETENTION_DAYS "
        "by default), in batches."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"keep this many days (default {settings.KAZOOM_ATTEMPT_RETENTION_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = settings.KAZOOM_ATTEMPT_RETENTION_DAYS
        if days < 0:
            raise CommandError(f"the days to keep must be 0 or more, not {days}")
        before = timezone.now() - timedelta(days=days)
        deleted = RecognitionAttempt.prune(before)
        kept = RecognitionAttempt.objects.count()
        self.stdout.write(
            f"deleted {deleted:,} recognition attempt(s) logged before "
            f"{before:%Y-%m-%d %H:%M} UTC ({days} days ago); {kept:,} kept"
        )
