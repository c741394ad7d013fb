"""``manage.py prune_attempts [--days N]``: the log of recognition attempts keeps
KAZOOM_ATTEMPT_RETENTION_DAYS days (90), deleted in batches, the count printed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recognition.models import RecognitionAttempt
from testsupport.commands import run_command

pytestmark = pytest.mark.django_db


def _logged(days_ago: float, count: int = 1) -> None:
    """``count`` attempts logged ``days_ago`` days ago."""
    for _ in range(count):
        attempt = RecognitionAttempt.objects.create(source="api", outcome="no_match")
        when = timezone.now() - timedelta(days=days_ago)
        RecognitionAttempt.objects.filter(pk=attempt.pk).update(created_at=when)


def test_attempts_older_than_the_retention_are_deleted() -> None:
    _logged(days_ago=400, count=2)
    _logged(days_ago=91)
    _logged(days_ago=89, count=3)
    _logged(days_ago=0)

    run = run_command("prune_attempts")

    assert run.exit_code == 0, run.stderr
    assert "deleted 3 recognition attempt(s) logged before" in run.stdout
    assert "(90 days ago); 4 kept" in run.stdout
    oldest = RecognitionAttempt.objects.order_by("created_at").first()
    assert oldest is not None and oldest.created_at > timezone.now() - timedelta(days=90)


def test_days_come_from_the_setting_or_the_option(settings) -> None:  # noqa: ANN001
    _logged(days_ago=20)
    _logged(days_ago=5)
    settings.KAZOOM_ATTEMPT_RETENTION_DAYS = 30
    assert "deleted 0 recognition" in run_command("prune_attempts").stdout

    run = run_command("prune_attempts", "--days", "10")

    assert "deleted 1 recognition attempt(s)" in run.stdout and "; 1 kept" in run.stdout


def test_zero_days_deletes_everything_logged_so_far() -> None:
    _logged(days_ago=0.01, count=2)

    assert "deleted 2 recognition" in run_command("prune_attempts", "--days", "0").stdout
    assert not RecognitionAttempt.objects.exists()


def test_negative_days_are_refused() -> None:
    _logged(days_ago=400)

    run = run_command("prune_attempts", "--days", "-1")

    assert run.exit_code == 1
    assert "the days to keep must be 0 or more, not -1" in run.stderr
    assert RecognitionAttempt.objects.count() == 1


def test_the_attempts_go_a_batch_at_a_time() -> None:
    _logged(days_ago=300, count=5)
    _logged(days_ago=1)

    with CaptureQueriesContext(connection) as queries:
        deleted = RecognitionAttempt.prune(timezone.now() - timedelta(days=2), batch_size=2)

    deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE")]
    assert deleted == 5 and len(deletes) == 3
    assert RecognitionAttempt.objects.count() == 1
