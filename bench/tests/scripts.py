"""Running a bench script as its user does, on a folder of synthetic songs."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from bench.common import REPO_ROOT
from testsupport.codecs import write_audio
from testsupport.music import SAMPLE_RATE, synth_song

FINGERPRINTS_URL = "KAZOOM_FINGERPRINTS_URL"


def write_songs(folder: Path, seeds: Sequence[int], seconds: float) -> Path:
    """``folder`` holding ``song_SEED.flac``, a synthetic song of ``seconds``, per seed."""
    for seed in seeds:
        write_audio(folder / f"song_{seed}.flac", synth_song(seed, seconds=seconds), SAMPLE_RATE)
    return folder


def run_script(
    module: str,
    args: Sequence[str],
    timeout_seconds: float,
    fingerprints_url: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m MODULE ARGS`` from the repository root, its output captured as text; its
    fingerprints in ``fingerprints_url`` if given (see ``scratch_fingerprints_url``), else on
    SQLite (the suite's PostgreSQL test database is never written from outside)."""
    env = {k: v for k, v in os.environ.items() if k != FINGERPRINTS_URL}
    if fingerprints_url is not None:
        env[FINGERPRINTS_URL] = fingerprints_url
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_seconds,
    )


@contextmanager
def scratch_fingerprints_url() -> Iterator[str | None]:
    """Where a bench script a test runs keeps its fingerprints, on the backend the suite runs
    on: None (SQLite) unless KAZOOM_FINGERPRINTS_URL names a PostgreSQL server, else a new
    database on that server, dropped afterwards."""
    url = os.environ.get(FINGERPRINTS_URL, "").strip()
    if not url:
        yield None
        return
    name = f"bench_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as server:
        server.execute(f"CREATE DATABASE {name}")
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(url, autocommit=True) as server:
            server.execute(f"DROP DATABASE {name} WITH (FORCE)")
