"""``manage.py runserver``, Django's (with the static files), which also starts the task
queue's worker (``manage.py worker``) as a child process that dies with the server.

Under the autoreloader, the worker is the child of the process that serves, so a reload, which
replaces that process, replaces the worker too, with the new code. ``--no-worker`` leaves it
out.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.management.commands.runserver import Command as StaticRunserver
from django.core.management.base import CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from catalog.worker_pool import die_with_parent

MANAGE_PY = Path(__file__).resolve().parents[3] / "manage.py"


class Command(StaticRunserver):
    help = StaticRunserver.help + ", with the task queue's worker beside it"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-worker",
            action="store_false",
            dest="with_worker",
            help="do not start the task queue's worker (manage.py worker)",
        )

    def run(self, **options: Any) -> None:
        # The autoreloader's first process only watches the one that serves: no worker there.
        serving = not options["use_reloader"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if options["with_worker"] and serving:
            _start_worker()
        super().run(**options)


def _start_worker() -> subprocess.Popen[bytes]:
    """``manage.py worker``, asked to stop (SIGTERM) by the kernel when this process ends,
    however it ends. Its output is the server's."""
    parent = os.getpid()
    return subprocess.Popen(
        [sys.executable, str(MANAGE_PY), "worker"],
        preexec_fn=lambda: die_with_parent(parent, signal.SIGTERM),
    )
