"""Kazoom against its open peers (audfprint, Olaf): accuracy, false matches and speed.

Usage (from the repository root)::

    .venv/bin/python -m bench.run MUSIC_DIR [--systems kazoom,audfprint,audfprint-dense,olaf]
        [--per-cell 10] [--seed 0] [--conditions clean,white5,...] [--durations 2,3,5,10]
        [--distractor-hours 0] [--distractor-cache DIR] [--out-dir bench/results] [--keep DIR]
    .venv/bin/python -m bench.run --rescore bench/results/latest.json [--out-dir bench/results]

1. Splits MUSIC_DIR once and for all (by file name) into indexed tracks (about 85 %) and
   held-out tracks, which no system indexes (``bench.split``); a track that is a version of
   another is never held out (``bench.versions``).
2. Plans a seeded grid of clips: every condition × duration gets ``--per-cell`` clips from
   indexed tracks and a fifth as many from held-out ones; each duration also gets noise and
   silence clips (``bench.grid``). They are written once (``bench.clip_files``).
3. Each system indexes the indexed tracks, and ``--distractor-hours`` of distractor songs made
   from them (``bench.distractors``: a larger catalog whose added songs no clip comes from),
   and answers every clip through its own command line, one after the other, each child
   pinned to one core (``bench.systems``).
4. Judges the answers, as given and at each system's zero-false-match threshold
   (``bench.scoring``; a wrong offset where the track repeats itself counts as right,
   ``bench.repeats``), prints the tables and writes ``latest.json``, ``latest.md`` and
   ``latest.png`` to ``--out-dir`` (``bench.report``).

Olaf runs when ``OLAF_DIR`` names an Olaf checkout; audfprint is installed from PyPI into
``~/.cache/kazoom-bench/audfprint-venv`` on first use and needs ``ffmpeg``; babble needs
``espeak-ng``. Whatever is missing is skipped with a note. Progress goes to stderr; the work
folder (clips, databases, logs) is temporary unless ``--keep DIR``. ``--rescore`` judges the
answers of an earlier run's JSON again (after a change to the scoring) without running anything.
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

from bench import report
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
from bench.grid import CONDITIONS_BY_NAME, DURATIONS_SECONDS, ClipSpec, plan_clips
from bench.kazoom_data import setup_django
from bench.repeats import decode_track, same_passage_judge
from bench.scoring import SamePassage
from bench.split import Track
from bench.systems import audfprint, olaf
from bench.systems.base import QueryClip, System, Unavailable
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

SYSTEMS = ("kazoom", "audfprint", "audfprint-dense", "olaf")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument("music_dir", type=existing_folder, metavar="MUSIC_DIR", nargs="?")
    parser.add_argument("--systems", type=name_list(SYSTEMS), default=list(SYSTEMS))
    parser.add_argument("--per-cell", type=int, default=10, help="known clips per cell")
    parser.add_argument("--seed", type=int, default=0)
    conditions = name_list(tuple(CONDITIONS_BY_NAME))
    parser.add_argument("--conditions", type=conditions, default=list(CONDITIONS_BY_NAME))
    parser.add_argument("--durations", type=seconds_list, default=list(DURATIONS_SECONDS))
    parser.add_argument(
        "--distractor-hours",
        type=float,
        default=0.0,
        metavar="H",
        help="also index H hours of distractor songs made from the indexed tracks",
    )
    add_run_arguments(parser, DEFAULT_CACHE_DIR)
    parser.add_argument("--rescore", type=Path, metavar="JSON", help="judge JSON's answers again")
    args = parser.parse_args(argv)
    if args.rescore is not None:
        if not args.rescore.is_file():
            parser.error(f"no such file: {args.rescore}")
        return args
    if args.music_dir is None:
        parser.error("MUSIC_DIR is needed, unless --rescore JSON")
    if args.per_cell < 1:
        parser.error("--per-cell must be at least 1")
    if args.distractor_hours < 0:
        parser.error("--distractor-hours must not be negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Every child inherits this: "one core" must not mean one core plus a BLAS thread pool.
    os.environ.update(SINGLE_THREAD_ENV)
    if args.rescore is not None:
        results = json.loads(args.rescore.read_text())
        report.rescore(results, same_passage_judge(decode_track))
        write_outputs(results, args.out_dir)
        print(report.render_text(results))
        return 0
    with workspace(args.keep) as work:
        setup_django(work / "kazoom-data")
        results = benchmark(args, work)
    write_outputs(results, args.out_dir)
    print(report.render_text(results))
    return 0


def benchmark(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    started = time.perf_counter()
    kazoom_revision = revision()
    notes: list[str] = []
    split, versions = split_folder(args.music_dir)
    distractors = distractor_tracks(split.indexed, args.distractor_hours, args.distractor_cache)
    catalog = [*split.indexed, *distractors]
    utterances = babble_voices(work, notes)
    conditions = playable_conditions(args.conditions, utterances)
    noise_kinds = playable_noise_kinds(utterances)
    specs = plan_clips(split, conditions, args.durations, args.per_cell, args.seed, noise_kinds)
    clips = write_clip_files(specs, work, utterances)
    timings = {"clips_seconds": time.perf_counter() - started}
    same = same_passage_judge(decode_track)
    systems = {
        name: _run_system(name, work, catalog, specs, clips, timings, same) for name in args.systems
    }
    return {
        "settings": {
            "music_dir": str(args.music_dir),
            "systems": args.systems,
            **grid_settings(conditions, args.durations, args.per_cell, args.seed),
            **kazoom_settings(kazoom_revision),
        },
        "split": {
            **split_record(split, versions),
            "distractors": len(distractors),
            "distractor_hours": sum(t.duration_seconds for t in distractors) / 3600,
        },
        "clip_counts": dict(Counter(spec.kind for spec in specs)),
        "notes": notes,
        "timings": {**timings, "total_seconds": time.perf_counter() - started},
        "systems": systems,
        "clips": [{**asdict(spec), "file_name": spec.file_name} for spec in specs],
    }


def _run_system(
    name: str,
    work: Path,
    catalog: Sequence[Track],
    specs: Sequence[ClipSpec],
    clips: Sequence[QueryClip],
    timings: dict[str, float],
    same_passage: SamePassage,
) -> dict[str, Any]:
    try:
        system = make_system(name, work)
    except Unavailable as error:
        progress(f"{name}: skipped: {error}")
        return report.skipped_report(str(error))
    try:
        progress(f"{name}: indexing {len(catalog)} tracks")
        started = time.perf_counter()
        stats = system.index(catalog)
        progress(f"{name}: answering {len(clips)} clips")
        run = system.query(clips)
        timings[f"{name}_seconds"] = time.perf_counter() - started
    except RuntimeError as error:
        progress(f"{name}: failed: {error}")
        return report.skipped_report(str(error), status="failed")
    return report.system_report(specs, stats, run, system.commands, same_passage)


def make_system(name: str, work: Path) -> System:
    """The system called ``name``, ready to index; ``Unavailable`` says why it cannot run."""
    if name == "kazoom":
        from bench.systems.kazoom import Kazoom

        return Kazoom(work / "kazoom-data", work / "kazoom.log")
    if name == "olaf":
        olaf_dir = os.environ.get("OLAF_DIR")
        if not olaf_dir:
            raise Unavailable("OLAF_DIR is not set (a checkout of github.com/JorenSix/Olaf)")
        return olaf.Olaf(olaf.build(Path(olaf_dir), work / "olaf-build.log"), work)
    executable = audfprint.install()
    if name == "audfprint-dense":
        options, match_options = audfprint.DENSE_OPTIONS, audfprint.DENSE_MATCH_OPTIONS
        return audfprint.Audfprint(name, executable, work, options, match_options)
    return audfprint.Audfprint(name, executable, work)


def write_outputs(results: dict[str, Any], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    (out_dir / "latest.md").write_text(report.render_markdown(results), encoding="utf-8")
    report.draw_plot(results, out_dir / "latest.png")
    progress(f"wrote {out_dir}/latest.json, latest.md and latest.png")


if __name__ == "__main__":
    sys.exit(main())
