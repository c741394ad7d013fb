"""Running management commands in tests the way a person's shell would see them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from catalog.models import Album, Artist, Song


@dataclass(frozen=True)
class CommandRun:
    exit_code: int
    stdout: str
    stderr: str


def run_command(name: str, *args: str) -> CommandRun:
    """Run ``manage.py name args``; a CommandError counts as exit status 1, as on the shell."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"CommandError: {error}\n")
        return CommandRun(1, out.getvalue(), err.getvalue())
    return CommandRun(0, out.getvalue(), err.getvalue())


REPO = Path(__file__).resolve().parent.parent


def run_manage(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``manage.py args`` in a fresh process with its own data directory and ``env``, its
    fingerprints there too unless ``env`` says otherwise (the suite's PostgreSQL test database
    is never migrated or written from outside)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=manage_env(data_dir, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def started_manage(
    *args: str, data_dir: Path, env: Mapping[str, str] | None = None, log: IO[str] | None = None
) -> subprocess.Popen[str]:
    """``manage.py args`` started in a process of its own, as ``run_manage`` runs it: its
    output to pipes, or both streams to ``log``."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=manage_env(data_dir, **(env or {})),
        stdout=subprocess.PIPE if log is None else log,
        stderr=subprocess.PIPE if log is None else subprocess.STDOUT,
        text=True,
    )


def migrated_data_dir(data_dir: Path) -> Path:
    """``data_dir`` as scripts/setup.sh leaves it: both of its databases migrated and the
    cache's table made, by ``manage.py`` children."""
    for args in (["migrate"], ["migrate", "--database", "fingerprints"], ["createcachetable"]):
        run = run_manage(*args, data_dir=data_dir)
        assert run.returncode == 0, run.stderr
    return data_dir


def manage_env(data_dir: Path, **env: str) -> dict[str, str]:
    """The environment of a ``manage.py`` child: this one's, with its own data directory."""
    inherited = {k: v for k, v in os.environ.items() if k != "KAZOOM_FINGERPRINTS_URL"}
    return {**inherited, "KAZOOM_DATA_DIR": str(data_dir), **env}


#: Mounts a tmpfs of "$1" bytes on "$2", copies the data directory "$3" onto it, then runs the
#: rest of its arguments: in a mount namespace of its own, so the mount goes with the process.
_ON_SMALL_DISK = (
    'mount -t tmpfs -o size="$1" kazoom-small "$2" && cp -a "$3"/. "$2" && shift 3 && exec "$@"'
)


def run_manage_on_small_disk(
    *args: str, data_dir: Path, disk_bytes: int, mount_point: Path
) -> subprocess.CompletedProcess[str]:
    """``manage.py args`` with a copy of ``data_dir`` on a real filesystem of ``disk_bytes``
    (a tmpfs at the empty folder ``mount_point``, seen by this child alone: ``unshare -m``)."""
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", _ON_SMALL_DISK, "sh"]
        + [str(disk_bytes), str(mount_point), str(data_dir), sys.executable, "manage.py", *args],
        cwd=REPO,
        env=manage_env(mount_point),
        capture_output=True,
        text=True,
        timeout=300,
    )


@dataclass(frozen=True)
class MeasuredRun:
    exit_code: int
    stderr: str
    peak_rss_mib: float


#: Runs the command given as its arguments and prints that child's peak resident memory in
#: KiB. Linux carries a process's peak over ``exec`` from the one that started it, so the
#: command is started from this small process, never from the test's large one.
_MEASURE = """
import resource, subprocess, sys
child = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(child.returncode)
"""


def run_manage_measured(*args: str, data_dir: Path) -> MeasuredRun:
    """``run_manage``, and the child's own peak resident memory as the kernel counted it."""
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "manage.py", *args],
        cwd=REPO,
        env=manage_env(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return MeasuredRun(run.returncode, run.stderr, int(run.stdout) / 1024)


def database_snapshot() -> dict[str, object]:
    """Everything both databases hold that indexing could change."""
    with connections["fingerprints"].cursor() as cursor:
        cursor.execute("SELECT hash, song_id, frames FROM song_hash ORDER BY hash, song_id")
        fingerprints = cursor.fetchall()
        cursor.execute("SELECT song_id, hash_count FROM fingerprinted_song ORDER BY song_id")
        fingerprinted = cursor.fetchall()
    return {
        "songs": list(Song.objects.values_list("pk", "title", "fingerprint_count", "indexed_at")),
        "artists": list(Artist.objects.values_list("pk", "name")),
        "albums": list(Album.objects.values_list("pk", "title")),
        "fingerprints": fingerprints,
        "fingerprinted": fingerprinted,
    }


def logged_sql_characters() -> int:
    """How much SQL text Django's query log (kept with DEBUG on) holds over every database."""
    return sum(len(query["sql"]) for each in connections.all() for query in each.queries)
