"""``manage.py prune [--days N] [--timeline-days N] [--indexing-days N]`` (or by its old name,
``prune_attempts``): the log of recognition attempts keeps KAZOOM_ATTEMPT_RETENTION_DAYS days
(90), the timeline jobs that ended KAZOOM_TIMELINE_RETENTION_DAYS (30), the indexing jobs
that ended KAZOOM_INDEXING_RETENTION_DAYS (30) and the queue's ended tasks the fewer of the
two, deleted in batches, the counts printed; recordings of no job go once an hour old."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from catalog.indexing_jobs import indexing_task
from catalog.models import Artist, IndexingJob, Song
from recognition.models import RecognitionAttempt, TimelineJob
from testsupport.commands import run_command

pytestmark = pytest.mark.django_db(transaction=True)


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

    run = run_command("prune")

    assert run.exit_code == 0, run.stderr
    assert "deleted 3 recognition attempt(s) logged before" in run.stdout
    assert "(90 days ago); 4 kept" in run.stdout
    oldest = RecognitionAttempt.objects.order_by("created_at").first()
    assert oldest is not None and oldest.created_at > timezone.now() - timedelta(days=90)


def test_zero_days_deletes_everything_logged_so_far() -> None:
    _logged(days_ago=0.01, count=2)

    assert "deleted 2 recognition" in run_command("prune", "--days", "0").stdout
    assert not RecognitionAttempt.objects.exists()


def test_the_attempts_go_a_batch_at_a_time() -> None:
    _logged(days_ago=300, count=5)
    _logged(days_ago=1)

    with CaptureQueriesContext(connection) as queries:
        deleted = RecognitionAttempt.prune(timezone.now() - timedelta(days=2), batch_size=2)

    deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE")]
    assert deleted == 5 and len(deletes) == 3
    assert RecognitionAttempt.objects.count() == 1


def test_the_old_name_prunes_as_the_new_one_does() -> None:
    _logged(days_ago=100)
    _ended(days_ago=40)

    run = run_command("prune_attempts")

    assert "deleted 1 recognition attempt(s)" in run.stdout
    assert "deleted 1 timeline job(s)" in run.stdout
    assert not RecognitionAttempt.objects.exists() and not TimelineJob.objects.exists()


def _ended(days_ago: float, status: str = "done") -> TimelineJob:
    """A timeline job that ended ``days_ago`` days ago, with its result."""
    when = timezone.now() - timedelta(days=days_ago)
    return TimelineJob.objects.create(status=status, finished_at=when, result={"segments": []})


def test_timeline_jobs_that_ended_before_the_retention_are_deleted_and_running_ones_kept() -> None:
    _ended(days_ago=31)
    _ended(days_ago=45, status="failed")
    recent = _ended(days_ago=29)
    old_but_running = TimelineJob.objects.create(status="running")
    TimelineJob.objects.filter(pk=old_but_running.pk).update(
        created_at=timezone.now() - timedelta(days=90)
    )
    queued = TimelineJob.objects.create(status="queued")

    run = run_command("prune")

    assert run.exit_code == 0, run.stderr
    assert "deleted 2 timeline job(s) that ended before" in run.stdout
    assert "(30 days ago); 3 kept" in run.stdout
    assert set(TimelineJob.objects.all()) == {recent, old_but_running, queued}


def test_the_jobs_go_a_batch_at_a_time() -> None:
    for _ in range(5):
        _ended(days_ago=60)

    with CaptureQueriesContext(connection) as queries:
        deleted = TimelineJob.prune(timezone.now() - timedelta(days=30), batch_size=2)

    deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE")]
    assert deleted == 5 and len(deletes) == 3


def _indexing_ended(days_ago: float, status: str = "done", song: Song | None = None) -> IndexingJob:
    """An indexing job that ended ``days_ago`` days ago."""
    when = timezone.now() - timedelta(days=days_ago)
    return IndexingJob.objects.create(
        kind="reindex", status=status, song=song, path="/library/a.flac", finished_at=when
    )


def test_indexing_jobs_that_ended_before_the_retention_are_deleted_and_their_songs_kept() -> None:
    song = Song.objects.create(title="Kept", artist=Artist.objects.create(name="Someone"))
    _indexing_ended(days_ago=31, song=song)
    _indexing_ended(days_ago=60, status="failed")
    recent = _indexing_ended(days_ago=29, song=song)
    running = IndexingJob.objects.create(kind="add", status="running", path="/library/b.flac")
    IndexingJob.objects.filter(pk=running.pk).update(created_at=timezone.now() - timedelta(days=90))

    run = run_command("prune")

    assert run.exit_code == 0, run.stderr
    assert "deleted 2 indexing job(s) that ended before" in run.stdout
    assert set(IndexingJob.objects.all()) == {recent, running}
    assert Song.objects.filter(pk=song.pk).exists()


#: Each kind pruned by its days: what makes one of them that many days old, its model, its
#: setting, its option and what the command's line calls them.
KINDS = [
    (_logged, RecognitionAttempt, "KAZOOM_ATTEMPT_RETENTION_DAYS", "--days", "recognition attempt"),
    (_ended, TimelineJob, "KAZOOM_TIMELINE_RETENTION_DAYS", "--timeline-days", "timeline job"),
    (
        _indexing_ended,
        IndexingJob,
        "KAZOOM_INDEXING_RETENTION_DAYS",
        "--indexing-days",
        "indexing job",
    ),
]
KIND_FIELDS = ("aged", "model", "setting", "option", "what")


@pytest.mark.parametrize(KIND_FIELDS, KINDS)
def test_the_days_kept_come_from_the_setting_or_the_option(
    settings,  # noqa: ANN001
    aged: Callable[..., object],
    model: type[Model],
    setting: str,
    option: str,
    what: str,
) -> None:
    aged(days_ago=8)
    aged(days_ago=3)
    setattr(settings, setting, 10)
    assert f"deleted 0 {what}(s)" in run_command("prune").stdout

    run = run_command("prune", option, "5")

    assert f"deleted 1 {what}(s)" in run.stdout
    assert re.search(f"deleted 1 {re.escape(what)}.*\\(5 days ago\\); 1 kept", run.stdout)
    assert f"deleted 1 {what}(s)" in run_command("prune", option, "0").stdout
    assert not model._default_manager.exists()


@pytest.mark.parametrize(KIND_FIELDS, KINDS)
def test_negative_days_are_refused(
    aged: Callable[..., object], model: type[Model], setting: str, option: str, what: str
) -> None:
    aged(days_ago=400)

    run = run_command("prune", option, "-3")

    assert run.exit_code == 1
    assert "the days to keep must be 0 or more, not -3" in run.stderr
    assert model._default_manager.count() == 1


def _task(status: TaskResultStatus, days_ago: float | None) -> str:
    """A task on the queue with ``status``, ended ``days_ago`` days ago (None: not ended)."""
    task_id = str(indexing_task.enqueue(1).id)
    finished_at = None if days_ago is None else timezone.now() - timedelta(days=days_ago)
    DBTaskResult.objects.filter(pk=task_id).update(status=status, finished_at=finished_at)
    return task_id


def test_the_queues_ended_tasks_go_after_the_fewer_days_of_the_two_jobs() -> None:
    _task(TaskResultStatus.SUCCESSFUL, days_ago=12)
    _task(TaskResultStatus.FAILED, days_ago=40)
    recent = _task(TaskResultStatus.SUCCESSFUL, days_ago=8)
    waiting = _task(TaskResultStatus.READY, days_ago=None)

    run = run_command("prune", "--timeline-days", "20", "--indexing-days", "10")

    assert run.exit_code == 0, run.stderr
    assert "deleted 2 queued task(s) that ended before" in run.stdout
    assert "(10 days ago); 2 kept" in run.stdout
    kept = DBTaskResult.objects.values_list("pk", flat=True)
    assert {str(pk) for pk in kept} == {recent, waiting}


def _file(path: Path, hours_ago: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"a recording")
    written = time.time() - hours_ago * 3600
    os.utime(path, (written, written))
    return path


def test_recordings_no_job_keeps_go_once_an_hour_old_and_those_of_jobs_stay(
    settings,  # noqa: ANN001
) -> None:
    folder = Path(settings.KAZOOM_TIMELINE_UPLOADS_DIR)
    queued = TimelineJob.objects.create(status="queued")
    kept = _file(queued.upload_path(), hours_ago=5)
    left_by_a_crash = _file(folder / "XsOy2lCPv4v8QmHkWJfM0A.upload", hours_ago=1.1)
    being_saved = _file(folder / "Z9bYx7lCPv4v8QmHkWJfM0A.upload", hours_ago=0.9)

    run = run_command("prune")

    assert "removed 1 recording(s) that no timeline job keeps" in run.stdout
    assert kept.exists() and being_saved.exists() and not left_by_a_crash.exists()
