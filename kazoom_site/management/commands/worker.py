"""``manage.py worker``: run the task queue's tasks (timelines of uploaded recordings, the
admin's songs to index) as they come, until stopped."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kazoom_site.worker import Worker, report_dead_workers_tasks


class Command(BaseCommand):
    help = "Run the task queue's tasks as they are queued, until stopped (SIGTERM or Ctrl-C)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=0.5,
            help="seconds between looks at an empty queue (default: 0.5)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(interval=options["interval"])
        reported = report_dead_workers_tasks()
        self.stdout.write(
            f"worker {worker.worker_id} started; {reported} task(s) of dead workers reported failed"
        )
        # Out at once: a worker killed later keeps nothing buffered, and its log says it began.
        self.stdout.flush()
        worker.configure_signals()
        worker.run()
