"""The task queue's worker: django-tasks' database backend's, which also reports the tasks a
dead worker left running as failed, and lets the task it runs stop at a signal.

A worker is named after its host and process id, so that a worker starting on the same host
can tell which running tasks belong to a worker that no longer exists (killed, or crashed):
those are marked failed, and ``django_tasks.signals.task_finished`` is sent for each, as for
any task that failed.
"""

from __future__ import annotations

import os
import socket
import threading
from types import FrameType

from django_tasks.signals import task_finished
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult

#: Set once the worker has been asked to stop (SIGTERM, SIGINT): the task it runs should
#: stop at its next step, leaving its work to be done again.
STOPPING = threading.Event()

#: The longest worker id the queue stores.
_WORKER_ID_CHARACTERS = 64


class WorkerDied(Exception):
    """What a task whose worker died is reported as failing with."""


def worker_id(pid: int | None = None) -> str:
    """``host:pid`` of this process, or of ``pid`` on this host."""
    pid = os.getpid() if pid is None else pid
    suffix = f":{pid}"
    return socket.gethostname()[: _WORKER_ID_CHARACTERS - len(suffix)] + suffix


def report_dead_workers_tasks() -> int:
    """Mark the running tasks of this host's workers that no longer exist as failed, and
    send ``task_finished`` for each; how many there were."""
    reported = 0
    for result in DBTaskResult.objects.running():
        last_worker = result.worker_ids[-1] if result.worker_ids else ""
        pid = last_worker.rpartition(":")[2]
        if not pid.isdigit() or last_worker != worker_id(int(pid)) or _alive(int(pid)):
            continue
        result.set_failed(WorkerDied(f"worker {last_worker} stopped before the task finished"))
        task_finished.send(type(result.task.get_backend()), task_result=result.task_result)
        reported += 1
    return reported


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


class Worker(DatabaseWorker):
    """django-tasks-db's worker of the default queue, which first reports the tasks of dead
    workers, and sets ``STOPPING`` when asked to stop: idle, it exits at once; running a task,
    once the task has returned (a second signal exits at once)."""

    def __init__(self, *, interval: float) -> None:
        super().__init__(
            queue_names=["default"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id(),
            excluded_queue_names=[],
        )

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        STOPPING.set()
        super().shutdown(signum, frame)
