"""Kazoom's performance benchmark on a folder of real music.

Usage (from the repository root)::

    .venv/bin/python -m bench.perf MUSIC_DIR [--clips 100] [--seed 0] [--workers 1]
                                             [--keep DIR] [--json] [--out PATH]

What it measures, in a fresh data directory:

1. Indexing: ``manage.py index_songs MUSIC_DIR`` in a child process (both databases migrated
   first): hours of audio, wall and CPU seconds, × real time per core (decoding included) and
   the child's peak memory (max RSS). Then ``decode_audio`` alone over the same files, in this
   process, to show how close indexing comes to the decoding limit.
2. Storage: bytes of the fingerprint database (after a WAL checkpoint) and its rows, per hour of
   audio and per row.
3. Recognition: ``--clips`` random 5 s clips (seeded) cut from the indexed files and written as
   the grid's clean clips are (``bench.clip_files``), each recognised once in this warm
   process: median and p95 milliseconds per call, and the share named as the right song at
   the right offset, judged as the grid's answers are (``bench.scoring``).

It prints a table of these figures beside Kazoom's targets. ``--json`` prints the same figures
as JSON instead of the table; ``--out PATH`` also writes the JSON to PATH. Progress goes to
stderr. ``--keep DIR`` works in DIR (which must be empty or absent) and leaves the databases,
the clips and the indexing log there; otherwise all of it goes in a temporary directory.

Times are wall-clock and share the machine with whatever else runs: compare runs made on one
quiet machine, and read the CPU seconds beside the wall seconds.
"""

from __future__ import annotations

import argparse
import json
import operator
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
from django.db import connections

from bench.children import MIB, ChildRun
from bench.clip_files import write_clips
from bench.common import empty_or_new_folder, existing_folder, progress, workspace
from bench.grid import CONDITIONS_BY_NAME, ClipSpec, excerpt_clip
from bench.kazoom_data import (
    IndexedSong,
    indexed_songs,
    log_tail,
    measure_storage,
    migrate,
    run_manage,
    setup_django,
    time_decoding,
)
from bench.scoring import outcome
from bench.systems.base import Answer
from fingerprints.config import EngineConfig
from fingerprints.store import FingerprintStore
from fingerprints.wiring import engine_config, fingerprint_store

if TYPE_CHECKING:
    from recognition.services import SongMatch

CLIP_SECONDS = 5.0
CLEAN = CONDITIONS_BY_NAME["clean"]


@dataclass(frozen=True)
class Indexing:
    files: int
    audio_hours: float
    wall_seconds: float
    cpu_seconds: float
    workers: int
    realtime_per_core: float
    peak_memory_mib: float
    decode_seconds: float
    decode_realtime: float
    #: Indexing speed per core over decode-only speed: 1.0 would mean decoding is all it does.
    share_of_decode_speed: float


@dataclass(frozen=True)
class ClipResult:
    #: The clip's track and start, as its ``ClipSpec`` has them.
    source: str | None
    start_seconds: float | None
    elapsed_ms: float
    #: "correct", "wrong offset", "wrong song" or "no match".
    outcome: str
    matched_source: str | None
    matched_offset_seconds: float | None


@dataclass(frozen=True)
class QueryFigures:
    """How long the clips' queries took, and how their answers were judged."""

    clips: int
    median_ms: float
    p95_ms: float
    correct_share: float
    wrong_offset: int
    wrong_song: int
    no_match: int
    results: list[ClipResult]


@dataclass(frozen=True)
class Target:
    label: str
    section: str
    figure: str
    comparison: str
    limit: float
    unit: str


TARGETS = (
    Target("indexing speed (per core)", "indexing", "realtime_per_core", ">=", 200, "× real time"),
    Target("5 s query, median", "recognition", "median_ms", "<=", 30, "ms"),
    Target("fingerprint storage", "storage", "mb_per_hour", "<=", 4, "MB/h"),
    Target("indexing peak memory", "indexing", "peak_memory_mib", "<", 500, "MiB"),
)
_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "<": operator.lt,
}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.perf", description=__doc__.splitlines()[0]
    )
    parser.add_argument("music_dir", type=existing_folder, metavar="MUSIC_DIR")
    parser.add_argument("--clips", type=int, default=100, help="5 s clips to recognise")
    parser.add_argument("--seed", type=int, default=0, help="seed for choosing the clips")
    parser.add_argument("--workers", type=int, default=1, help="index_songs --workers")
    keep = "work in DIR (empty or new) and keep it"
    parser.add_argument("--keep", type=empty_or_new_folder, metavar="DIR", help=keep)
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--out", type=Path, metavar="PATH", help="also write the JSON here")
    args = parser.parse_args(argv)
    if args.clips < 1 or args.workers < 1:
        parser.error("--clips and --workers must be at least 1")
    return args


def index(music_dir: Path, workers: int, log: IO[bytes], log_path: Path) -> ChildRun:
    run = run_manage(["index_songs", str(music_dir), "--workers", str(workers)], log)
    if run.returncode != 0:
        progress(f"index_songs exited with {run.returncode}; its log ends:\n{log_tail(log_path)}")
    return run


def indexing_figures(
    songs: Sequence[IndexedSong], run: ChildRun, workers: int, decode_seconds: float
) -> Indexing:
    audio_seconds = sum(song.duration_seconds for song in songs)
    realtime_per_core = audio_seconds / run.wall_seconds / workers
    decode_realtime = audio_seconds / decode_seconds
    return Indexing(
        files=len(songs),
        audio_hours=audio_seconds / 3600,
        wall_seconds=run.wall_seconds,
        cpu_seconds=run.cpu_seconds,
        workers=workers,
        realtime_per_core=realtime_per_core,
        peak_memory_mib=run.peak_rss_bytes / MIB,
        decode_seconds=decode_seconds,
        decode_realtime=decode_realtime,
        share_of_decode_speed=realtime_per_core / decode_realtime,
    )


def pick_clips(songs: Sequence[IndexedSong], count: int, seed: int) -> list[ClipSpec]:
    """``count`` clean clips: a song drawn uniformly, then a start drawn uniformly within it."""
    eligible = [song for song in songs if song.duration_seconds >= CLIP_SECONDS]
    if not eligible:
        raise SystemExit(f"no indexed song is {CLIP_SECONDS:g} s long or more")
    rng = np.random.default_rng(seed)
    clips = []
    for number in range(count):
        song = eligible[rng.integers(len(eligible))]
        start = round(float(rng.uniform(0, song.duration_seconds - CLIP_SECONDS)), 3)
        clip_id = f"clip_{number:04d}"
        clips.append(excerpt_clip(clip_id, "known", CLEAN, CLIP_SECONDS, str(song.path), start, 0))
    return clips


def time_queries(
    clips: Sequence[ClipSpec], folder: Path, store: FingerprintStore, config: EngineConfig
) -> QueryFigures:
    """Recognise every clip written in ``folder`` once, in this process, after one warm-up."""
    from recognition.services import recognize  # needs the app registry (django.setup())

    paths = [folder / clip.file_name for clip in clips]
    recognize(paths[0], store=store, config=config)  # warm-up: imports, connection, caches
    results = []
    for clip, path in zip(clips, paths):
        started = time.perf_counter()
        match = recognize(path, store=store, config=config).match
        elapsed_ms = (time.perf_counter() - started) * 1000
        results.append(_clip_result(clip, _answer(clip, match, elapsed_ms), elapsed_ms))
    return query_figures(results)


def _answer(clip: ClipSpec, match: SongMatch | None, elapsed_ms: float) -> Answer:
    if match is None:
        return Answer(clip.clip_id, None, None, None, elapsed_ms)
    song = match.song.source_path
    return Answer(clip.clip_id, song, match.offset_seconds, match.aligned_matches, elapsed_ms)


def _clip_result(clip: ClipSpec, answer: Answer, elapsed_ms: float) -> ClipResult:
    return ClipResult(
        source=clip.track,
        start_seconds=clip.start_seconds,
        elapsed_ms=elapsed_ms,
        outcome=outcome(clip, answer),
        matched_source=answer.song,
        matched_offset_seconds=answer.offset_seconds,
    )


def query_figures(results: list[ClipResult]) -> QueryFigures:
    times = np.array([result.elapsed_ms for result in results])
    outcomes = [result.outcome for result in results]
    return QueryFigures(
        clips=len(results),
        median_ms=float(np.median(times)),
        p95_ms=float(np.percentile(times, 95)),
        correct_share=outcomes.count("correct") / len(results),
        wrong_offset=outcomes.count("wrong offset"),
        wrong_song=outcomes.count("wrong song"),
        no_match=outcomes.count("no match"),
        results=results,
    )


def check_targets(figures: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    checked = []
    for target in TARGETS:
        value = figures[target.section][target.figure]
        met = _COMPARISONS[target.comparison](value, target.limit)
        checked.append({**asdict(target), "value": value, "met": met})
    return checked


def benchmark(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    data_dir, clip_dir, log_path = work / "data", work / "clips", work / "index.log"
    setup_django(data_dir)
    config = engine_config()
    store = fingerprint_store()
    with log_path.open("wb") as log:
        progress("migrating both databases")
        migrate(log, log_path)
        progress(f"indexing {args.music_dir} (index_songs --workers {args.workers})")
        run = index(args.music_dir.resolve(), args.workers, log, log_path)
    songs = indexed_songs()
    if not songs:
        raise SystemExit(f"nothing was indexed; see the log:\n{log_tail(log_path)}")
    progress(f"decoding {len(songs)} files alone")
    indexing = indexing_figures(songs, run, args.workers, time_decoding(songs, config))
    storage = measure_storage(store, indexing.audio_hours)
    progress(f"writing {args.clips} clips")
    clips = pick_clips(songs, args.clips, args.seed)
    write_clips(clips, clip_dir, utterances=None)
    progress("recognising the clips")
    queries = time_queries(clips, clip_dir, store, config)
    connections.close_all()
    figures = {
        "indexing": asdict(indexing),
        "storage": asdict(storage),
        "recognition": asdict(queries),
    }
    settings_used = _settings_used(args, config)
    return {"settings": settings_used, **figures, "targets": check_targets(figures)}


def _settings_used(args: argparse.Namespace, config: EngineConfig) -> dict[str, Any]:
    """The run's options and the engine config, so runs with different tunings stay apart."""
    return {
        "music_dir": str(args.music_dir),
        "clips": args.clips,
        "seed": args.seed,
        "workers": args.workers,
        "engine": asdict(config),
    }


def render_table(report: dict[str, Any]) -> str:
    indexing, storage, recognition = report["indexing"], report["storage"], report["recognition"]
    rows = [
        ("Indexing", ""),
        ("  files", f"{indexing['files']}"),
        ("  audio", f"{indexing['audio_hours']:.2f} h"),
        ("  wall time", f"{indexing['wall_seconds']:.1f} s ({indexing['cpu_seconds']:.1f} s CPU)"),
        ("  speed per core", f"{indexing['realtime_per_core']:.0f}× real time"),
        ("  peak memory (max RSS)", f"{indexing['peak_memory_mib']:.0f} MiB"),
        ("  decoding alone", _decoding(indexing)),
        ("  indexing / decoding speed", f"{indexing['share_of_decode_speed']:.2f}"),
        ("Storage", ""),
        ("  fingerprint database", f"{storage['bytes'] / 1e6:.1f} MB, {storage['rows']:,} rows"),
        ("  per hour of audio", f"{storage['mb_per_hour']:.2f} MB/h"),
        ("  per row", f"{storage['bytes_per_row']:.1f} bytes"),
        ("Recognition", ""),
        ("  clips", f"{recognition['clips']} × {CLIP_SECONDS:g} s"),
        ("  time per query", _query_times(recognition)),
        ("  right song and offset", f"{recognition['correct_share']:.1%}"),
        ("  misses", _misses(recognition)),
        ("Targets", ""),
        *[_target_row(target) for target in report["targets"]],
    ]
    width = max(len(label) for label, _ in rows) + 2
    return "\n".join(f"{label:<{width}}{value}".rstrip() for label, value in rows)


def _decoding(indexing: dict[str, Any]) -> str:
    return f"{indexing['decode_seconds']:.1f} s, {indexing['decode_realtime']:.0f}× real time"


def _query_times(recognition: dict[str, Any]) -> str:
    return f"median {recognition['median_ms']:.1f} ms, p95 {recognition['p95_ms']:.1f} ms"


def _misses(recognition: dict[str, Any]) -> str:
    return (
        f"{recognition['no_match']} no match, {recognition['wrong_song']} wrong song, "
        f"{recognition['wrong_offset']} wrong offset"
    )


def _target_row(target: dict[str, Any]) -> tuple[str, str]:
    verdict = "met" if target["met"] else "MISSED"
    figure = f"{target['value']:.2f} {target['unit']}"
    limit = f"(target {target['comparison']} {target['limit']:g})"
    return f"  {target['label']}", f"{figure}  {limit}  {verdict}"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with workspace(args.keep) as work:
        report = benchmark(args, work)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text if args.json else render_table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
