"""The admin's indexing jobs worked through in the test's own process, as the worker does:
for tests of the admin, whose requests only queue them."""

from __future__ import annotations

from catalog.indexing_jobs import indexing_task
from catalog.models import IndexingJob


def run_queued_jobs() -> list[IndexingJob]:
    """Run every queued indexing job, oldest first, through the queue's task; the jobs, as
    they ended."""
    queued = list(IndexingJob.objects.filter(status=IndexingJob.Status.QUEUED).order_by("pk"))
    for job in queued:
        indexing_task.call(job.pk)
        job.refresh_from_db()
    return queued
