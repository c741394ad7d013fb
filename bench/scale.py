"""Kazoom as its catalog grows: accuracy, false matches, latency, memory and storage per size.

Usage (from the repository root)::

    .venv/bin/python -m bench.scale MUSIC_DIR [--sizes 1,10,150h] [--per-cell 20] [--seed 2]
        [--unknown-per-size 1000] [--workers-figures] [--also JSON]
        [--conditions clean,white5,...] [--durations 2,3,5,10]
        [--distractor-cache DIR] [--out-dir bench/results] [--keep DIR]

1. Splits MUSIC_DIR as ``bench.run`` does and plans its whole grid of clips at ``--seed``
   (``--per-cell`` known clips a cell), plus unknown clips (held-out tracks, noise, silence)
   from further seeds until there are ``--unknown-per-size`` of them (``bench.scale_clips``).
   They are written once; no clip comes from a distractor.
2. Sizes are multiples of the indexed tracks' hours, or hours ("150h": the smallest whole
   multiple reaching them; ``bench.catalog_sizes``). Size 1 is the indexed tracks alone; each
   larger size adds the distractors that take the catalog to N times their hours
   (``bench.distractors``, rendered once into ``--distractor-cache``) to the same data
   directory with ``index_songs``, so each file is indexed once.
3. After each size is indexed, one ``recognize --json`` child pinned to one core answers every
   clip (``bench.systems.kazoom``); the answers are judged as ``bench.run`` judges them.
4. ``--workers-figures`` then times ``index_songs --workers 1`` and ``--workers 2`` on about
   2 h of the top size's distractors (its indexed tracks if it has none), each into a fresh
   data directory, and the decoder alone on them (``bench.indexing_workers``).
5. Writes ``scale.json``, ``scale.md`` and ``scale.png`` to ``--out-dir`` and prints the tables
   (``bench.scale_report``). The plot draws each ``--also JSON`` (an earlier run's
   ``scale.json``, another fingerprint backend's say) beside this run.

The fingerprints go where ``KAZOOM_FINGERPRINTS_URL`` says (its fingerprint tables emptied
first), else into the data directory's SQLite file; the catalog is always that directory's
SQLite file. The backend (the fingerprint connection's vendor) is recorded and labels the
plot's lines, so that ``--also`` draws a run on the other backend beside this one, and storage
is ``FingerprintStore.size_bytes`` on either. Progress goes to stderr; the work folder (clips,
databases, logs) is temporary unless ``--keep DIR``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.db import connections

from bench import scale_report
from bench.catalog_sizes import DEFAULT_SIZES, CatalogSize, increments, parse_sizes, plan_sizes
from bench.children import SINGLE_THREAD_ENV
from bench.common import (
    add_run_arguments,
    existing_folder,
    name_list,
    progress,
    revision,
    seconds_list,
    workspace,
)
from bench.distractors import DEFAULT_CACHE_DIR, distractor_tracks
from bench.grid import CONDITIONS_BY_NAME, DURATIONS_SECONDS, ClipSpec
from bench.indexing_workers import WORKERS_SAMPLE_HOURS, first_hours, workers_figures
from bench.kazoom_data import (
    empty_fingerprint_store,
    fingerprint_backend,
    indexed_songs,
    measure_storage,
    setup_django,
)
from bench.repeats import decode_track, same_passage_judge
from bench.scale_clips import plan_scale_clips
from bench.scoring import SamePassage
from bench.split import Track
from bench.systems.base import QueryClip
from bench.systems.kazoom import Kazoom
from bench.workload import (
    babble_voices,
    grid_settings,
    kazoom_settings,
    playable_conditions,
    playable_noise_kinds,
    split_folder,
    split_record,
    write_clip_files,
)
from fingerprints.wiring import engine_config, fingerprint_store


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale", description=__doc__.splitlines()[0]
    )
    parser.add_argument("music_dir", type=existing_folder, metavar="MUSIC_DIR")
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=parse_sizes(DEFAULT_SIZES),
        help=f"multiples of the indexed hours, or hours such as 150h (default {DEFAULT_SIZES})",
    )
    parser.add_argument("--per-cell", type=int, default=20, help="known clips per cell")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument(
        "--unknown-per-size",
        type=int,
        default=1000,
        metavar="N",
        help="at least N clips of unknown audio (held-out tracks, noise, silence)",
    )
    conditions = name_list(tuple(CONDITIONS_BY_NAME))
    parser.add_argument("--conditions", type=conditions, default=list(CONDITIONS_BY_NAME))
    parser.add_argument("--durations", type=seconds_list, default=list(DURATIONS_SECONDS))
    parser.add_argument(
        "--workers-figures",
        action="store_true",
        help="at the top size, also time index_songs --workers 1 and 2 and the decoder alone",
    )
    parser.add_argument(
        "--also",
        type=Path,
        action="append",
        default=[],
        metavar="JSON",
        help="an earlier run's scale.json, drawn beside this run (may be repeated)",
    )
    add_run_arguments(parser, DEFAULT_CACHE_DIR)
    args = parser.parse_args(argv)
    if args.per_cell < 1:
        parser.error("--per-cell must be at least 1")
    if args.unknown_per_size < 0:
        parser.error("--unknown-per-size must not be negative")
    for path in args.also:
        if not path.is_file():
            parser.error(f"no such file: {path}")
    # Songs are stored under their absolute paths, and distractors are told apart by them.
    args.distractor_cache = args.distractor_cache.absolute()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Every child inherits this: "one core" must not mean one core plus a BLAS thread pool.
    os.environ.update(SINGLE_THREAD_ENV)
    earlier = [json.loads(path.read_text()) for path in args.also]
    with workspace(args.keep) as work:
        setup_django(work / "kazoom-data", keep_fingerprints_url=True)
        empty_fingerprint_store()
        results = benchmark(args, work)
    write_outputs(results, earlier, args.out_dir)
    print(scale_report.render_text(results))
    return 0


def benchmark(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    started = time.perf_counter()
    kazoom_revision = revision()
    notes: list[str] = []
    split, versions = split_folder(args.music_dir)
    sizes = plan_sizes(args.sizes, split.indexed_seconds / 3600)
    progress("catalog sizes: " + ", ".join(f"{s.label} ({s.hours:.3g} h)" for s in sizes))
    utterances = babble_voices(work, notes)
    conditions = playable_conditions(args.conditions, utterances)
    specs, extra_seeds = plan_scale_clips(
        split,
        conditions,
        args.durations,
        args.per_cell,
        args.seed,
        playable_noise_kinds(utterances),
        args.unknown_per_size,
    )
    clips = write_clip_files(specs, work, utterances)
    clips_seconds = time.perf_counter() - started
    kazoom = Kazoom(work / "kazoom-data", work / "kazoom.log")
    measured, distractors = _grow_and_measure(
        kazoom, split.indexed, sizes, specs, clips, args.distractor_cache
    )
    workers = None
    if args.workers_figures:
        workers = workers_figures(
            first_hours(distractors or split.indexed, WORKERS_SAMPLE_HOURS), work, engine_config()
        )
    return {
        "settings": {
            "music_dir": str(args.music_dir),
            "sizes": [size.multiple for size in sizes],
            **grid_settings(conditions, args.durations, args.per_cell, args.seed),
            "unknown_per_size": args.unknown_per_size,
            "unknown_extra_seeds": extra_seeds,
            "fingerprint_backend": fingerprint_backend(),
            **kazoom_settings(kazoom_revision),
        },
        "split": split_record(split, versions),
        "clip_counts": dict(Counter(spec.kind for spec in specs)),
        "notes": notes,
        "commands": kazoom.commands,
        "timings": {"clips_seconds": clips_seconds, "total_seconds": time.perf_counter() - started},
        "sizes": measured,
        "workers": workers,
        "clips": [{**asdict(spec), "file_name": spec.file_name} for spec in specs],
    }


def _grow_and_measure(
    kazoom: Kazoom,
    indexed: Sequence[Track],
    sizes: Sequence[CatalogSize],
    specs: Sequence[ClipSpec],
    clips: Sequence[QueryClip],
    distractor_cache: Path,
) -> tuple[list[dict[str, Any]], list[Track]]:
    """Index each size onto the last in Kazoom's data directory and ask it every clip: the
    figures of every size, and the distractors of the top one."""
    same = same_passage_judge(decode_track)
    kazoom.migrate()
    measured: list[dict[str, Any]] = []
    distractors: list[Track] = []

    def distractors_for(hours: float) -> list[Track]:
        return distractor_tracks(indexed, hours, distractor_cache)

    ready = time.perf_counter()
    for size, added in increments(sizes, distractors_for):
        # The generator rendered (or found in the cache) this size's distractors just now.
        distractor_seconds = time.perf_counter() - ready
        new_tracks = added if measured else [*indexed, *added]
        distractors += added
        keys = {track.key for track in distractors}
        figures = _measure_size(kazoom, size, new_tracks, specs, clips, same, keys)
        figures["seconds"]["distractors"] = distractor_seconds
        measured.append(figures)
        ready = time.perf_counter()
    return measured, distractors


def _measure_size(
    kazoom: Kazoom,
    size: CatalogSize,
    new_tracks: Sequence[Track],
    specs: Sequence[ClipSpec],
    clips: Sequence[QueryClip],
    same_passage: SamePassage,
    distractor_keys: set[str],
) -> dict[str, Any]:
    """Add ``new_tracks`` to Kazoom's catalog, then ask it every clip: the size's figures."""
    songs_before = len(indexed_songs())
    progress(f"{size.label}: indexing {len(new_tracks)} more tracks")
    index_run = kazoom.add(new_tracks)
    songs = indexed_songs()
    hours = sum(song.duration_seconds for song in songs) / 3600
    storage = measure_storage(fingerprint_store(), hours)
    connections.close_all()  # no connection of this process stays open beside the children
    progress(f"{size.label}: {len(songs)} songs, {hours:.2f} h; answering {len(clips)} clips")
    query = kazoom.query(clips)
    figures = scale_report.size_report(
        size,
        songs,
        songs[songs_before:],
        index_run,
        storage,
        query,
        specs,
        same_passage,
        distractor_keys,
    )
    figures["seconds"] = {"indexing": index_run.wall_seconds, "querying": query.wall_seconds}
    return figures


def write_outputs(
    results: dict[str, Any], earlier: Sequence[dict[str, Any]], out_dir: Path
) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "scale.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    (out_dir / "scale.md").write_text(scale_report.render_markdown(results), encoding="utf-8")
    scale_report.draw_plot([results, *earlier], out_dir / "scale.png")
    progress(f"wrote {out_dir}/scale.json, scale.md and scale.png")


if __name__ == "__main__":
    sys.exit(main())
