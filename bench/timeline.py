"""Kazoom's timelines of long recordings: segments found and right, boundaries, unknown audio
named, speed and memory.

Usage (from the repository root)::

    .venv/bin/python -m bench.timeline MUSIC_DIR [--mixes 4] [--seed 0] [--long-hours 3]
        [--excerpts 20,40] [--excerpt-seconds 20,90] [--out-dir bench/results] [--keep DIR]

1. Splits MUSIC_DIR as ``bench.run`` does (``bench.split``) and indexes the indexed tracks into
   a fresh data directory (``index_songs --workers 1``).
2. Plans ``--mixes`` seeded DJ mixes (``bench.timeline_mixes``): 20–40 excerpts of 20–90 s in
   a row, crossfades of 2–8 s, a crowd talking over a quarter of them (espeak-ng voices, 5 dB),
   held-out tracks as unknown jingles, a fifth at ±2–8 % speed, a track played twice; each
   written as MP3 at 128 kbit/s and as Opus at 32 kbit/s in WebM.
3. Runs one ``timeline --json`` child over every mix file, pinned to one core, and a second
   over a recording of ``--long-hours`` (the MP3 mixes played over and over, as one MP3), for
   its speed and peak memory.
4. Judges the segments (``bench.timeline_scoring``), prints the figures and writes
   ``timeline.json`` and ``timeline.md`` to ``--out-dir``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

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
from bench.kazoom_data import log_tail, manage_argv, migrate, run_manage, setup_django
from bench.timeline_mixes import MIX_SAMPLE_RATE, MixSettings, plan_mix, render_mix
from bench.timeline_scoring import Judgement, Named, judge
from fingerprints.audio import decode_audio
from testsupport.codecs import write_audio
from testsupport.mixes import Played

#: (name, suffix, bitrate in bit/s) of the formats every mix is written in.
FORMATS = (("mp3-128k", ".mp3", 128_000), ("opus-32k", ".webm", 32_000))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with workspace(args.keep) as work:
        setup_django(work / "kazoom-data")
        results = _run(args, work)
    write_results(args.out_dir, "timeline", results, _markdown(results))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.timeline", description=__doc__)
    parser.add_argument("music_dir", type=existing_folder, metavar="MUSIC_DIR")
    parser.add_argument("--mixes", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--long-hours", type=float, default=3.0, help="0: no long recording")
    parser.add_argument("--excerpts", type=_pair(int), default=(20, 40), metavar="MIN,MAX")
    parser.add_argument(
        "--excerpt-seconds", type=_pair(float), default=(20.0, 90.0), metavar="MIN,MAX"
    )
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    keep = "work in DIR (empty or new) and keep it"
    parser.add_argument("--keep", type=empty_or_new_folder, metavar="DIR", help=keep)
    return parser


def _pair(kind: type) -> Any:
    def parse(text: str) -> tuple[Any, Any]:
        low, high = (kind(part) for part in text.split(","))
        return low, high

    return parse


def _run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from bench.workload import babble_voices, split_folder  # needs django.setup()

    log_path = work / "kazoom.log"
    settings = MixSettings(excerpts=args.excerpts, excerpt_seconds=args.excerpt_seconds)
    notes: list[str] = []
    with log_path.open("ab") as log:
        migrate(log, log_path)
        split, _ = split_folder(args.music_dir)
        progress(f"indexing {len(split.indexed)} tracks")
        indexing = run_manage(
            ["index_songs", "--workers", "1", *(t.key for t in split.indexed)], log, one_core=True
        )
        if indexing.returncode != 0:
            raise SystemExit(f"index_songs failed; see {log_path}:\n{log_tail(log_path)}")
        utterances = babble_voices(work, notes, MIX_SAMPLE_RATE)
        rng = np.random.default_rng(args.seed)
        files: list[tuple[str, Path, list[Played]]] = []
        mp3s = []
        for number in range(args.mixes):
            plan = plan_mix(split, settings, rng)
            samples, truth = render_mix(plan, utterances, settings, rng)
            progress(f"mix {number}: {len(plan)} excerpts, {len(samples) / MIX_SAMPLE_RATE:.0f} s")
            for name, suffix, bitrate in FORMATS:
                path = write_audio(
                    work / f"mix{number}{suffix}", samples, MIX_SAMPLE_RATE, bitrate=bitrate
                )
                files.append((name, path, truth))
            mp3s.append((files[-len(FORMATS)][1], truth))
        mixes = _timelines(files, work, log_path)
        long = None
        if args.long_hours > 0:
            path, truth = _long_recording(mp3s, args.long_hours, work / "long.mp3")
            long = _timelines([("mp3-128k", path, truth)], work, log_path)
    return {
        "revision": revision(),
        "music_dir": str(args.music_dir),
        "seed": args.seed,
        "settings": asdict(settings),
        "split": {"indexed": len(split.indexed), "held_out": len(split.held_out)},
        "indexing": indexing.figures(),
        "notes": notes,
        "mixes": mixes,
        "long": long,
    }


def _timelines(
    files: Sequence[tuple[str, Path, list[Played]]], work: Path, log_path: Path
) -> dict[str, Any]:
    """One ``timeline --json`` child over ``files``, judged by format and over all."""
    from catalog.models import Song  # needs django.setup()

    output = work / "timeline-output.txt"
    progress(f"timeline of {len(files)} file(s)")
    with output.open("wb") as out:
        run = run_child(
            manage_argv(["timeline", "--json", *(str(path) for _, path, _ in files)]),
            out,
            cwd=REPO_ROOT,
            one_core=True,
        )
    if run.returncode != 0:
        raise SystemExit(f"timeline failed; see {output}:\n{log_tail(output)}")
    answers = _answers(output)
    tracks = dict(Song.objects.values_list("pk", "source_path"))
    judged: dict[str, list[Judgement]] = {}
    audio_seconds = 0.0
    details = []
    for name, path, truth in files:
        answer = answers[str(path)]
        audio_seconds += answer["duration_seconds"]
        named = [
            Named(tracks[s["song_id"]], s["from_seconds"], s["to_seconds"])
            for s in answer["segments"]
        ]
        judged.setdefault(name, []).append(judge(truth, named))
        details.append(
            {
                "format": name,
                "path": str(path),
                "truth": [asdict(p) for p in truth],
                "segments": [asdict(n) for n in named],
            }
        )
    every = [j for parts in judged.values() for j in parts]
    return {
        "details": details,
        "files": len(files),
        "audio_hours": audio_seconds / 3600,
        "child": run.figures(),
        "realtime_one_core": audio_seconds / run.cpu_seconds,
        "overall": Judgement.total(every).figures(),
        "by_format": {name: Judgement.total(parts).figures() for name, parts in judged.items()},
    }


def _answers(output: Path) -> dict[str, dict[str, Any]]:
    """The JSON objects ``timeline --json`` printed, by path (a progress bar's carriage
    returns may precede one on its line)."""
    answers = {}
    for line in output.read_text(errors="replace").splitlines():
        start = line.find('{"path"')
        if start >= 0:
            answer = json.loads(line[start:])
            answers[answer["path"]] = answer
    return answers


def _long_recording(
    mixes: Sequence[tuple[Path, list[Played]]], hours: float, path: Path
) -> tuple[Path, list[Played]]:
    """The MP3 mixes played over and over until ``hours``, written as one MP3 block by block,
    and what played when."""
    progress(f"writing a {hours:g} h recording")
    truth: list[Played] = []
    written = 0
    with sf.SoundFile(path, "w", MIX_SAMPLE_RATE, 1, format="MP3", subtype="MPEG_LAYER_III") as out:
        while written < hours * 3600 * MIX_SAMPLE_RATE:
            for mix_path, played in mixes:
                samples = decode_audio(mix_path, sample_rate=MIX_SAMPLE_RATE).samples
                shift = written / MIX_SAMPLE_RATE
                truth += [
                    Played(
                        p.label,
                        p.from_seconds + shift,
                        p.to_seconds + shift,
                        p.song_from_seconds,
                        p.song_to_seconds,
                        p.speed,
                    )
                    for p in played
                ]
                out.write(samples)
                written += len(samples)
    return path, truth


def _markdown(results: dict[str, Any]) -> str:
    rows = [
        "| recording | segments found | named right | median / p90 boundary error "
        "| unknown audio named (by wrong segments) | × real time (1 core) | peak memory |",
        "|---|---|---|---|---|---|---|",
    ]
    groups = [
        (f"mixes, {name}", fig, results["mixes"])
        for name, fig in results["mixes"]["by_format"].items()
    ]
    if results["long"] is not None:
        groups.append(
            (
                f"{results['long']['audio_hours']:.1f} h, mp3-128k",
                results["long"]["overall"],
                results["long"],
            )
        )
    for label, fig, run in groups:
        rows.append(
            f"| {label} | {fig['found']}/{fig['excerpts']} ({_percent(fig['recall'])}) "
            f"| {fig['right']}/{fig['segments']} ({_percent(fig['precision'])}) "
            f"| {_seconds(fig['median_boundary_error_seconds'])} / "
            f"{_seconds(fig['p90_boundary_error_seconds'])} "
            f"| {fig['unknown_named_seconds']:.1f} of {fig['unknown_seconds']:.0f} s "
            f"({_percent(fig['unknown_named_share'])}; "
            f"{fig['unknown_named_wrongly_seconds']:.1f} s) "
            f"| {run['realtime_one_core']:.0f}× | {run['child']['peak_memory_mib']:.0f} MiB |"
        )
    head = (
        f"Timeline benchmark, {results['music_dir']}, seed {results['seed']}, "
        f"commit {results['revision']['commit']}: {results['mixes']['files']} mix files "
        f"({results['mixes']['audio_hours']:.2f} h); {results['split']['indexed']} tracks "
        f"indexed, {results['split']['held_out']} held out.\n\n"
    )
    notes = "".join(f"\n- {note}" for note in results["notes"])
    return head + "\n".join(rows) + "\n" + notes


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.1f} %"


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


if __name__ == "__main__":
    sys.exit(main())
