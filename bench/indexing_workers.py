"""How indexing speeds up with a second worker process, and how close one comes to the decoder.

``index_songs --workers 1`` (pinned to one core) and ``--workers 2`` (free to use both) each
index one set of files into a fresh data directory of their own; then the files are decoded
alone, as indexing decodes them (``bench.kazoom_data.time_decoding``). The two ratios are of
speeds (audio seconds per wall second): workers 2 over workers 1, and workers 1 over the
decoder. The fresh directories' fingerprints are SQLite files: ``bench.scale`` measures
these figures only for runs on that backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.children import MIB, ChildRun
from bench.common import progress
from bench.kazoom_data import IndexedSong, manage_argv, migrate, run_manage, time_decoding
from bench.split import Track
from bench.systems.base import summarised_command
from fingerprints.config import EngineConfig

#: About this much audio is indexed by each worker count: enough for a minute or so of work.
WORKERS_SAMPLE_HOURS = 2.0
WORKER_COUNTS = (1, 2)


def first_hours(tracks: Sequence[Track], hours: float) -> list[Track]:
    """The first of ``tracks`` adding up to at least ``hours`` (all of them if they fall short)."""
    chosen: list[Track] = []
    seconds = 0.0
    for track in tracks:
        if seconds >= hours * 3600:
            break
        chosen.append(track)
        seconds += track.duration_seconds
    return chosen


def workers_figures(tracks: Sequence[Track], work: Path, config: EngineConfig) -> dict[str, Any]:
    """Index ``tracks`` with each of ``WORKER_COUNTS`` into fresh data directories under
    ``work``, decode them alone, and the speeds and their ratios."""
    audio_seconds = sum(track.duration_seconds for track in tracks)
    runs = []
    commands = []
    for workers in WORKER_COUNTS:
        progress(f"indexing {len(tracks)} files with --workers {workers} into a fresh directory")
        args = ["index_songs", "--workers", str(workers), *(track.key for track in tracks)]
        commands.append(summarised_command(manage_argv(args), len(tracks)))
        run = _index_fresh(args, work / f"workers-{workers}", pinned=workers == 1)
        runs.append(
            {
                "workers": workers,
                "wall_seconds": run.wall_seconds,
                "cpu_seconds": run.cpu_seconds,
                "realtime": audio_seconds / run.wall_seconds,
                "peak_memory_mib": run.peak_rss_bytes / MIB,
            }
        )
    progress(f"decoding the {len(tracks)} files alone")
    songs = [IndexedSong(track.path, track.duration_seconds) for track in tracks]
    decode_seconds = time_decoding(songs, config)
    one, two = runs
    return {
        "files": len(tracks),
        "audio_hours": audio_seconds / 3600,
        "runs": runs,
        "decode_seconds": decode_seconds,
        "decode_realtime": audio_seconds / decode_seconds,
        "workers2_over_workers1": two["realtime"] / one["realtime"],
        "workers1_over_decoder": one["realtime"] / (audio_seconds / decode_seconds),
        "commands": commands,
    }


def _index_fresh(args: Sequence[str], data_dir: Path, *, pinned: bool) -> ChildRun:
    """``manage.py ARGS`` in a fresh data directory, migrated first."""
    env = {"KAZOOM_DATA_DIR": str(data_dir)}
    log_path = data_dir.with_suffix(".log")
    with log_path.open("ab") as log:
        migrate(log, log_path, env)
        run = run_manage(args, log, one_core=pinned, env=env)
    if run.returncode != 0:
        raise RuntimeError(f"index_songs failed; see {log_path}")
    return run
