"""What the task queue's jobs share (timelines, indexing): a job is a row of its own, with its
status and the id of the task that runs it now, and its task's one argument is the row's key.

A job whose worker is asked to stop raises ``JobInterrupted`` once it has put itself back on
the queue under a new task; the jobs of a task that failed without ending them (their worker
killed, or a failure outside their own) are for their module's ``task_finished`` receiver to
report failed (``unfinished_jobs_of_failed_task``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol, TypeVar

from django.db import models
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.base import Task


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


#: The statuses of a job that has not ended, and of one that has.
UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)
ENDED = (JobStatus.DONE, JobStatus.FAILED)

JobModel = TypeVar("JobModel", bound=models.Model)


class JobInterrupted(BaseException):
    """The worker was asked to stop: not an ``Exception``, so that, as KeyboardInterrupt, it
    passes through the handlers of a job's own failures."""


class QueuedJob(Protocol):
    pk: Any
    task_id: str

    def save(self, *, update_fields: list[str]) -> None: ...


def enqueue(job: QueuedJob, task: Task[[int], None]) -> None:
    """Put ``job`` on the queue as a new run of ``task``, and record that task as its own."""
    job.task_id = str(task.enqueue(job.pk).id)
    job.save(update_fields=["task_id"])


def unfinished_jobs_of_failed_task(
    model: type[JobModel], task_result: TaskResult[Any]
) -> models.QuerySet[JobModel]:
    """The jobs of ``model`` that ``task_result``'s task runs and that have not ended, if it
    failed; none otherwise."""
    jobs = model._default_manager.filter(task_id=str(task_result.id), status__in=UNFINISHED)
    return jobs if task_result.status == TaskResultStatus.FAILED else jobs.none()


def ended_before(model: type[JobModel], before: datetime) -> models.QuerySet[JobModel]:
    """The jobs of ``model`` that ended, done or failed, before ``before``."""
    return model._default_manager.filter(status__in=ENDED, finished_at__lt=before)
