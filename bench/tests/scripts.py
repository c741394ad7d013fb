"""Running a bench script as its user does, on a folder of synthetic songs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.common import REPO_ROOT
from testsupport.codecs import write_audio
from testsupport.music import SAMPLE_RATE, synth_song


def write_songs(folder: Path, seeds: Sequence[int], seconds: float) -> Path:
    """``folder`` holding ``song_SEED.flac``, a synthetic song of ``seconds``, per seed."""
    for seed in seeds:
        write_audio(folder / f"song_{seed}.flac", synth_song(seed, seconds=seconds), SAMPLE_RATE)
    return folder


def run_script(
    module: str, args: Sequence[str], timeout_seconds: float
) -> subprocess.CompletedProcess[str]:
    """``python -m MODULE ARGS`` from the repository root, its output captured as text; its
    fingerprints on SQLite (the suite's PostgreSQL test database is never written from
    outside)."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO_ROOT,
        env={k: v for k, v in os.environ.items() if k != "KAZOOM_FINGERPRINTS_URL"},
        capture_output=True,
        text=True,
        timeout=timeout_seconds,
    )
