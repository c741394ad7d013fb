"""Kazoom in a fresh data directory, as both scripts measure it: Django pointed there, its
``manage.py`` commands run as children, and the figures read back from its databases.

``setup_django(data_dir)`` comes first; the rest needs the app registry it loads.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import django
from django.db import connections

from bench.children import ChildRun, run_child
from bench.common import REPO_ROOT
from fingerprints.audio import decode_audio
from fingerprints.config import EngineConfig
from fingerprints.routers import FINGERPRINTS_DB
from fingerprints.store import FingerprintStore
from testsupport.production import production_env

MANAGE_PY = REPO_ROOT / "manage.py"


@dataclass(frozen=True)
class IndexedSong:
    path: Path
    duration_seconds: float


@dataclass(frozen=True)
class Storage:
    bytes: int
    rows: int
    mb_per_hour: float
    bytes_per_row: float


def setup_django(data_dir: Path, *, keep_fingerprints_url: bool = False) -> None:
    """Point this process, and the children it starts, at ``data_dir``: both databases are
    SQLite files there, but for the fingerprints where ``keep_fingerprints_url`` is set and
    KAZOOM_FINGERPRINTS_URL names a PostgreSQL database."""
    os.environ["KAZOOM_DATA_DIR"] = str(data_dir)
    if not keep_fingerprints_url:
        os.environ.pop("KAZOOM_FINGERPRINTS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kazoom_site.settings"
    # Measure what a deployment runs, not the development default (which logs every query).
    os.environ.update(production_env())
    django.setup()
    # Load all the code the run needs now, as the indexing child does when it starts, so that
    # both run the same source even if it is edited during the run.
    importlib.import_module("recognition.services")


def fingerprint_backend() -> str:
    """The vendor of the fingerprint database this process and its children use."""
    return connections[FINGERPRINTS_DB].vendor


def empty_fingerprint_store() -> None:
    """The fingerprint tables dropped and made again, empty, whatever they held."""
    from django.core.management import call_command

    call_command("migrate", "fingerprints", "zero", database=FINGERPRINTS_DB, verbosity=0)
    call_command("migrate", "fingerprints", database=FINGERPRINTS_DB, verbosity=0)


def manage_argv(args: Sequence[str]) -> list[str]:
    """The command line of ``manage.py ARGS`` in this interpreter."""
    return [sys.executable, str(MANAGE_PY), *args]


def run_manage(
    args: Sequence[str],
    log: IO[bytes],
    *,
    one_core: bool = False,
    env: Mapping[str, str] | None = None,
) -> ChildRun:
    """Run ``manage.py ARGS`` from the repository root, its output going to ``log``; ``env``
    is added to this process's environment (another ``KAZOOM_DATA_DIR``, say)."""
    return run_child(manage_argv(args), log, cwd=REPO_ROOT, env=env, one_core=one_core)


def migrate(log: IO[bytes], log_path: Path, env: Mapping[str, str] | None = None) -> None:
    """Migrate both databases; a failure stops the run with the end of ``log_path``."""
    for database in ("default", FINGERPRINTS_DB):
        run = run_manage(["migrate", "--database", database, "--verbosity", "0"], log, env=env)
        if run.returncode != 0:
            raise SystemExit(f"migrating {database} failed; see {log_path}:\n{log_tail(log_path)}")


def log_tail(log_path: Path, lines: int = 20) -> str:
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


def indexed_songs() -> list[IndexedSong]:
    """Every song whose indexing finished, in the order it was added.

    Indexing sets a song's duration before it marks it indexed, so no indexed song is left out.
    """
    from catalog.models import Song  # the app registry is ready only after django.setup()

    rows = Song.objects.exclude(indexed_at=None).order_by("pk")
    return [
        IndexedSong(Path(path), duration)
        for path, duration in rows.values_list("source_path", "duration_seconds")
        if duration is not None
    ]


def time_decoding(songs: Sequence[IndexedSong], config: EngineConfig) -> float:
    """Seconds to decode every song as indexing does, and nothing more."""
    started = time.perf_counter()
    for song in songs:
        decode_audio(
            song.path, sample_rate=config.sample_rate, max_seconds=config.max_index_seconds
        )
    return time.perf_counter() - started


def measure_storage(store: FingerprintStore, audio_hours: float) -> Storage:
    """What the fingerprint store takes, on either backend (``FingerprintStore.size_bytes``)."""
    size = store.size_bytes()
    rows = store.count()
    return Storage(size, rows, size / 1e6 / audio_hours, size / rows if rows else 0.0)
