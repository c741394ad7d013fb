"""Kazoom through its own commands: ``index_songs`` into a fresh data directory, then one
``recognize --json`` process over every clip.

The data directory is the one ``bench.kazoom_data.setup_django`` pointed this process (and so
its children) at; the figures are read back by ``bench.kazoom_data``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.db import connections

from bench import kazoom_data
from bench.children import ChildRun, run_child_lines
from bench.common import REPO_ROOT
from bench.split import Track
from bench.systems.base import Answer, IndexStats, QueryClip, QueryRun, summarised_command
from fingerprints.wiring import engine_config, fingerprint_store


class Kazoom:
    name = "kazoom"

    def __init__(self, data_dir: Path, log_path: Path) -> None:
        if os.environ.get("KAZOOM_DATA_DIR") != str(data_dir):
            raise ValueError("call bench.kazoom_data.setup_django(data_dir) first")
        self.data_dir = data_dir
        self.log_path = log_path
        self.commands: list[str] = []

    def index(self, tracks: Sequence[Track]) -> IndexStats:
        self.migrate()
        return self._index_stats(self.add(tracks))

    def migrate(self) -> None:
        """Create both databases of the data directory (a no-op where they are up to date)."""
        with self.log_path.open("ab") as log:
            kazoom_data.migrate(log, self.log_path)

    def add(self, tracks: Sequence[Track]) -> ChildRun:
        """Index ``tracks`` beside what the (migrated) data directory already holds, with
        ``index_songs --workers 1`` pinned to one core."""
        args = ["index_songs", "--workers", "1", *(t.key for t in tracks)]
        self.commands.append(summarised_command(kazoom_data.manage_argv(args), len(tracks)))
        with self.log_path.open("ab") as log:
            run = kazoom_data.run_manage(args, log, one_core=True)
        if run.returncode != 0:
            raise RuntimeError(f"index_songs failed; see {self.log_path}")
        return run

    def _index_stats(self, run: ChildRun) -> IndexStats:
        config = engine_config()
        songs = kazoom_data.indexed_songs()
        audio_seconds = sum(song.duration_seconds for song in songs)
        storage = kazoom_data.measure_storage(fingerprint_store(), audio_seconds / 3600)
        connections.close_all()
        return IndexStats(
            tracks=len(songs),
            audio_seconds=audio_seconds,
            wall_seconds=run.wall_seconds,
            cpu_seconds=run.cpu_seconds,
            peak_rss_bytes=run.peak_rss_bytes,
            storage_bytes=storage.bytes,
            decode_seconds=kazoom_data.time_decoding(songs, config),
            notes=[f"fingerprint database after a WAL checkpoint, {storage.rows:,} rows"],
        )

    def query(self, clips: Sequence[QueryClip]) -> QueryRun:
        argv = kazoom_data.manage_argv(["recognize", "--json", *(str(clip.path) for clip in clips)])
        self.commands.append(summarised_command(argv, len(clips)))
        run, lines = run_child_lines(argv, cwd=REPO_ROOT, one_core=True)
        by_path = {str(clip.path): clip.clip_id for clip in clips}
        answers = [_answer(by_path, json.loads(line.text)) for line in lines if _is_json(line.text)]
        if run.returncode not in (0, 1) or len(answers) != len(clips):
            tail = "\n".join(line.text for line in lines[-10:])
            raise RuntimeError(f"recognize exited with {run.returncode}:\n{tail}")
        return QueryRun(
            answers,
            run.wall_seconds,
            run.peak_rss_bytes,
            ["latency: elapsed_ms that recognize --json reports per clip (decoding included)"],
        )


def _is_json(text: str) -> bool:
    return text.startswith("{")


def _answer(by_path: dict[str, str], line: dict[str, Any]) -> Answer:
    clip_id = by_path[line["path"]]
    elapsed_ms = line.get("elapsed_ms")
    if "error" in line:
        return Answer(clip_id, None, None, None, elapsed_ms, error=line["error"]["code"])
    match = line["match"]
    if match is None:
        return Answer(clip_id, None, None, None, elapsed_ms)
    return Answer(
        clip_id,
        match["source_path"],
        match["offset_seconds"],
        match["aligned_matches"],
        elapsed_ms,
    )
