"""Kazoom's duplicates finder on a catalog seeded with known duplicates and non-duplicates.

Usage (from the repository root)::

    .venv/bin/python -m bench.duplicates MUSIC_DIR [--seed 0] [--loop-pairs 2]
        [--distractor-hours 0] [--distractor-cache DIR] [--out-dir bench/results] [--keep DIR]

1. Seeds a catalog from MUSIC_DIR (``bench.duplicate_seeds``): the folder's tracks, re-encoded
   copies, excerpts, radio edits, a medley, copies at +3 % speed, and pairs of songs that
   share a 4 s sample; with ``--distractor-hours``, that many hours of songs besides that are
   no duplicate of any other (``bench.distractors``: the tracks played 12 % or more off
   speed, 10 % apart, rendered once into ``--distractor-cache``), for a library of hundreds
   of songs; indexes it into a fresh data directory (``index_songs --workers 1``).
2. Runs ``find_duplicates --json`` as a child pinned to one core, and times the check each
   song gets at index time (against all the others) in this process.
3. Scores it: a seeded duplicate is *found* when its two songs are reported as a pair with
   every seeded range matched by a reported range whose four ends are within 2 s, at the
   seeded speed (within 0.01); every other pair reported is a *false pair*, counted apart
   when it joins two of the folder's own tracks; two mixes of one piece in the folder
   (``bench.versions``, which share their stems) are counted apart, and no track of them is
   seeded from. Prints the figures and writes
   ``duplicates.json`` and ``duplicates.md`` to ``--out-dir``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from bench.children import run_child
from bench.common import (
    REPO_ROOT,
    RESULTS_DIR,
    empty_or_new_folder,
    existing_folder,
    progress,
    revision,
    workspace,
    write_results,
)
from bench.distractors import DEFAULT_CACHE_DIR, distractor_tracks
from bench.duplicate_scoring import Reported, score
from bench.duplicate_seeds import seed_catalog
from bench.kazoom_data import log_tail, manage_argv, migrate, run_manage, setup_django
from bench.split import find_tracks
from bench.versions import find_versions

#: A track's distractors are this far apart in speed (1.12, 1.22, … and 0.88, 0.78, …): a
#: copy at a speed ``find_duplicates`` searches (+1 … +5 %) of another would be a duplicate.
#: They play forwards only: a track and its reversal at one speed share the pairs of held
#: notes and a steady beat (one bin, one gap, either way round), which line up for tens of
#: seconds in a looped piece, and nothing in a real library is a song played backwards.
DISTRACTOR_SPEED_STEP = 0.10


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with workspace(args.keep) as work:
        setup_django(work / "kazoom-data")
        results = _run(args, work)
    write_results(args.out_dir, "duplicates", results, _markdown(results))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.duplicates", description=__doc__)
    parser.add_argument("music_dir", type=existing_folder, metavar="MUSIC_DIR")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--loop-pairs", type=int, default=2)
    parser.add_argument("--distractor-hours", type=float, default=0.0)
    parser.add_argument("--distractor-cache", type=Path, default=DEFAULT_CACHE_DIR)
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    keep = "work in DIR (empty or new) and keep it"
    parser.add_argument("--keep", type=empty_or_new_folder, metavar="DIR", help=keep)
    return parser


def _run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from catalog.indexing import AUDIO_EXTENSIONS  # needs django.setup()
    from catalog.models import Song

    log_path = work / "kazoom.log"
    tracks = find_tracks(args.music_dir, AUDIO_EXTENSIONS)
    progress(f"seeding a catalog from {len(tracks)} tracks")
    (work / "seeded").mkdir()
    progress("finding versions of one piece among the tracks")
    versions = find_versions(tracks)
    versioned = {key for pair in versions for key in (pair.first, pair.second)}
    rng = np.random.default_rng(args.seed)
    seeded = seed_catalog(
        tracks, work / "seeded", rng, loop_pairs=args.loop_pairs, versioned=versioned
    )
    progress(f"{args.distractor_hours:g} h of distractors")
    distractors = distractor_tracks(
        [track for track in tracks if track.key not in versioned],
        args.distractor_hours,
        args.distractor_cache,
        speed_step=DISTRACTOR_SPEED_STEP,
        backwards=False,
    )
    files = [*seeded.files, *(track.key for track in distractors)]
    with log_path.open("ab") as log:
        migrate(log, log_path)
        progress(f"indexing {len(files)} files")
        indexing = run_manage(["index_songs", "--workers", "1", *files], log, one_core=True)
        if indexing.returncode != 0:
            raise SystemExit(f"index_songs failed; see {log_path}:\n{log_tail(log_path)}")
    output = work / "find-duplicates.json"
    progress("find_duplicates")
    with output.open("wb") as out:
        run = run_child(
            manage_argv(["find_duplicates", "--json"]), out, cwd=REPO_ROOT, one_core=True
        )
    if run.returncode != 0:
        raise SystemExit(f"find_duplicates failed; see {output}:\n{log_tail(output)}")
    answer = json.loads(output.read_text().splitlines()[-1])
    paths = dict(Song.objects.values_list("pk", "source_path"))
    reported = [
        Reported(
            paths[pair["song_a"]["id"]],
            paths[pair["song_b"]["id"]],
            pair["speed"],
            pair["strength"],
            tuple(tuple(r.values()) for r in pair["ranges"]),
        )
        for pair in answer["pairs"]
    ]
    folder_tracks = {track.key for track in tracks}
    version_pairs = [(pair.first, pair.second) for pair in versions]
    figures = score(
        seeded.duplicates, seeded.non_duplicates, reported, folder_tracks, version_pairs
    )
    return {
        "revision": revision(),
        "music_dir": str(args.music_dir),
        "seed": args.seed,
        "catalog_songs": len(files),
        "distractor_songs": len(distractors),
        "catalog_hours": sum(
            d or 0.0 for d in Song.objects.values_list("duration_seconds", flat=True)
        )
        / 3600,
        "indexing": indexing.figures(),
        "find_duplicates": run.figures(),
        "songs_searched": answer["songs_searched"],
        "index_time_check": _index_time_check(),
        "versions": [asdict(pair) for pair in versions],
        "figures": figures,
        "seeded": {
            "duplicates": [asdict(s) for s in seeded.duplicates],
            "non_duplicates": [asdict(s) for s in seeded.non_duplicates],
        },
        "reported": [asdict(r) for r in reported],
    }


def _index_time_check() -> dict[str, float]:
    """Each song searched against all the others as indexing checks a file (speeds either
    way), in this process: milliseconds per song, and how many songs it names others for."""
    from fingerprints.wiring import engine_config, fingerprint_store  # needs django.setup()
    from recognition.duplicates import both_ways, shared_audio

    progress("the index-time check of every song")
    store, config = fingerprint_store(), engine_config()
    milliseconds, sharing = [], 0
    for song_id in sorted(store.fingerprinted()):
        started = time.perf_counter()
        sharing += bool(shared_audio(song_id, store, config, speeds=both_ways(config)))
        milliseconds.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(float(np.median(milliseconds)), 1),
        "p95_ms": round(float(np.percentile(milliseconds, 95)), 1),
        "total_seconds": round(sum(milliseconds) / 1000, 1),
        "songs_sharing": sharing,
    }


def _markdown(results: dict[str, Any]) -> str:
    figures = results["figures"]
    search = results["find_duplicates"]
    check = results["index_time_check"]
    rows = [
        "| seeded duplicate | found | worst range error |",
        "|---|---|---|",
        *(
            f"| {row['kind']}: {Path(row['a']).name} / {Path(row['b']).name} "
            f"| {'yes' if row['found'] else 'NO'} "
            f"| {_worst_error(row)} |"
            for row in figures["duplicates"]
        ),
    ]
    false_rows = [
        f"- false pair ({row['why']}): {Path(row['a']).name} / {Path(row['b']).name}, "
        f"strength {row['strength']:.2f}"
        for row in figures["false_pairs"]
    ]
    head = (
        f"Duplicates benchmark, {results['music_dir']}, seed {results['seed']}, commit "
        f"{results['revision']['commit']}: {results['catalog_songs']} songs "
        f"({results['catalog_hours']:.2f} h), {results['distractor_songs']} of them "
        "distractors.\n\n"
        f"- seeded duplicates found with every range within 2 s: {figures['found']} of "
        f"{figures['seeded']}\n"
        f"- seeded non-duplicates reported: {figures['seeded_non_duplicates_reported']} of "
        f"{figures['seeded_non_duplicates']}\n"
        f"- other pairs reported: {figures['other_false_pairs']} (of them between the "
        f"folder's own tracks: {figures['folder_pairs']})\n"
        f"- versions of one piece in the folder (``bench.versions``) reported: "
        f"{figures['versions_reported']} of {figures['versions']}\n"
        f"- find_duplicates: {search['wall_seconds']} s wall, {search['cpu_seconds']} s CPU "
        f"on one core, {search['peak_memory_mib']} MiB peak, "
        f"{results['songs_searched']} songs searched\n"
        f"- the index-time check (each song against all the others, speeds either way): "
        f"{check['median_ms']} ms per song median, {check['p95_ms']} ms p95, "
        f"{check['total_seconds']} s for all; {check['songs_sharing']} songs name another; "
        f"index_songs took {results['indexing']['cpu_seconds']} s of CPU\n\n"
    )
    return head + "\n".join(rows) + "\n" + "".join(f"\n{line}" for line in false_rows) + "\n"


def _worst_error(row: dict[str, Any]) -> str:
    """A seeded duplicate's worst range error, or a dash where its pair was not reported."""
    error = row["worst_error_seconds"]
    return "–" if error is None else f"{error:.2f} s"


if __name__ == "__main__":
    sys.exit(main())
