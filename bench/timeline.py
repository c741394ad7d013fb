"""Kazoom's timelines of long recordings beside audfprint's time ranges: segments found and
right, boundaries, unknown audio named, speed and memory.

Usage (from the repository root)::

    .venv/bin/python -m bench.timeline MUSIC_DIR [--systems kazoom,audfprint] [--mixes 4]
        [--seed 0] [--long-hours 3] [--excerpts 20,40] [--excerpt-seconds 20,90]
        [--out-dir bench/results] [--keep DIR]

1. Splits MUSIC_DIR as ``bench.run`` does (``bench.split``).
2. Plans ``--mixes`` seeded DJ mixes (``bench.timeline_mixes``): 20–40 excerpts of 20–90 s in
   a row, crossfades of 2–8 s, a crowd talking over a quarter of them (espeak-ng voices, 5 dB),
   held-out tracks as unknown jingles, a fifth at ±2–8 % speed, a track played twice; each
   written as MP3 at 128 kbit/s and as Opus at 32 kbit/s in WebM; and a recording of
   ``--long-hours`` (the MP3 mixes played over and over, as one MP3).
3. Each of ``--systems`` (``bench.timeline_systems``) indexes the indexed tracks, then names
   the segments of every mix file in one child and of the long recording in another, each
   pinned to one core, for their speed and peak memory. audfprint is installed from PyPI into
   ``~/.cache/kazoom-bench/audfprint-venv`` on first use and needs ``ffmpeg``; when it cannot
   run, the run says why and goes on without it.
4. Judges every system's segments alike (``bench.timeline_scoring``), prints the figures and
   writes ``timeline.json`` and ``timeline.md`` to ``--out-dir``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from bench.common import (
    RESULTS_DIR,
    empty_or_new_folder,
    existing_folder,
    name_list,
    progress,
    revision,
    workspace,
    write_results,
)
from bench.kazoom_data import setup_django
from bench.split import Split
from bench.systems.base import Unavailable
from bench.timeline_mixes import MIX_SAMPLE_RATE, MixSettings, plan_mix, render_mix
from bench.timeline_scoring import Judgement, judge
from bench.timeline_systems import SYSTEMS, Recording, TimelineRun, make_timeline_system
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
    parser.add_argument("--systems", type=name_list(SYSTEMS), default=list(SYSTEMS))
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
    from bench.workload import split_folder  # needs django.setup()

    settings = MixSettings(excerpts=args.excerpts, excerpt_seconds=args.excerpt_seconds)
    notes: list[str] = []
    split, _ = split_folder(args.music_dir)
    mixes = _mixes(split, settings, args.mixes, args.seed, work, notes)
    long = None
    if args.long_hours > 0:
        mp3s = [mix for mix in mixes if mix.format == FORMATS[0][0]]
        long = _long_recording(mp3s, args.long_hours, work / "long.mp3")
    return {
        "revision": revision(),
        "music_dir": str(args.music_dir),
        "seed": args.seed,
        "settings": asdict(settings),
        "split": {"indexed": len(split.indexed), "held_out": len(split.held_out)},
        "notes": notes,
        "recordings": {
            "mixes": _recorded(mixes),
            "long": None if long is None else _recorded([long]),
        },
        "systems": {name: _run_system(name, work, split, mixes, long) for name in args.systems},
    }


def _mixes(
    split: Split, settings: MixSettings, count: int, seed: int, work: Path, notes: list[str]
) -> list[Recording]:
    """``count`` seeded mixes of ``split``, each written in every format."""
    from bench.workload import babble_voices  # needs django.setup()

    utterances = babble_voices(work, notes, MIX_SAMPLE_RATE)
    rng = np.random.default_rng(seed)
    recordings = []
    for number in range(count):
        plan = plan_mix(split, settings, rng)
        samples, truth = render_mix(plan, utterances, settings, rng)
        seconds = len(samples) / MIX_SAMPLE_RATE
        progress(f"mix {number}: {len(plan)} excerpts, {seconds:.0f} s")
        for name, suffix, bitrate in FORMATS:
            path = work / f"mix{number}{suffix}"
            write_audio(path, samples, MIX_SAMPLE_RATE, bitrate=bitrate)
            recordings.append(Recording(name, path, truth, seconds))
    return recordings


def _long_recording(mixes: Sequence[Recording], hours: float, path: Path) -> Recording:
    """The MP3 mixes played over and over until ``hours``, written as one MP3 block by block,
    and what played when."""
    progress(f"writing a {hours:g} h recording")
    truth: list[Played] = []
    written = 0
    with sf.SoundFile(path, "w", MIX_SAMPLE_RATE, 1, format="MP3", subtype="MPEG_LAYER_III") as out:
        while written < hours * 3600 * MIX_SAMPLE_RATE:
            for mix in mixes:
                samples = decode_audio(mix.path, sample_rate=MIX_SAMPLE_RATE).samples
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
                    for p in mix.truth
                ]
                out.write(samples)
                written += len(samples)
    return Recording(mixes[0].format, path, truth, written / MIX_SAMPLE_RATE)


def _recorded(recordings: Sequence[Recording]) -> dict[str, Any]:
    return {
        "files": len(recordings),
        "audio_hours": sum(r.seconds for r in recordings) / 3600,
        "details": [
            {"format": r.format, "path": str(r.path), "truth": [asdict(p) for p in r.truth]}
            for r in recordings
        ],
    }


def _run_system(
    name: str, work: Path, split: Split, mixes: Sequence[Recording], long: Recording | None
) -> dict[str, Any]:
    """Every figure of system ``name`` on the mixes and the long recording, or why it did not
    run."""
    try:
        system = make_timeline_system(name, work)
    except Unavailable as error:
        progress(f"{name}: skipped: {error}")
        return {"status": "skipped", "note": str(error)}
    try:
        progress(f"{name}: indexing {len(split.indexed)} tracks")
        indexing = system.index(split.indexed)
        progress(f"{name}: timelines of {len(mixes)} mix files")
        judged_mixes = _judged(mixes, system.timelines(mixes))
        judged_long = None
        if long is not None:
            progress(f"{name}: timeline of the {long.seconds / 3600:.1f} h recording")
            judged_long = _judged([long], system.timelines([long]))
    except RuntimeError as error:
        progress(f"{name}: failed: {error}")
        return {"status": "failed", "note": str(error)}
    return {
        "status": "ran",
        "commands": system.commands,
        "notes": system.notes,
        "indexing": indexing.figures(),
        "mixes": judged_mixes,
        "long": judged_long,
    }


def _judged(recordings: Sequence[Recording], run: TimelineRun) -> dict[str, Any]:
    """``run``'s segments judged by format and over all, and the child's speed and memory."""
    judged: dict[str, list[Judgement]] = {}
    for recording, named in zip(recordings, run.segments, strict=True):
        judged.setdefault(recording.format, []).append(judge(recording.truth, named))
    every = [j for parts in judged.values() for j in parts]
    return {
        "segments": [[asdict(n) for n in named] for named in run.segments],
        "child": run.child.figures(),
        "realtime_one_core": sum(r.seconds for r in recordings) / run.child.cpu_seconds,
        "overall": Judgement.total(every).figures(),
        "by_format": {name: Judgement.total(parts).figures() for name, parts in judged.items()},
    }


def _markdown(results: dict[str, Any]) -> str:
    rows = [
        "| recording | system | excerpts found | segments right "
        "| median / p90 boundary error | unknown audio named (by wrong segments) "
        "| × real time (1 core) | peak memory |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ran = {name: run for name, run in results["systems"].items() if run["status"] == "ran"}
    recordings = results["recordings"]
    formats = [d["format"] for d in recordings["mixes"]["details"]]
    for fmt in dict.fromkeys(formats):
        for name, system in ran.items():
            rows.append(
                _row(f"mixes, {fmt}", name, system["mixes"]["by_format"][fmt], system["mixes"])
            )
    if recordings["long"] is not None:
        label = f"{recordings['long']['audio_hours']:.1f} h, {FORMATS[0][0]}"
        for name, system in ran.items():
            rows.append(_row(label, name, system["long"]["overall"], system["long"]))
    head = (
        f"Timeline benchmark, {results['music_dir']}, seed {results['seed']}, "
        f"commit {results['revision']['commit']}: {recordings['mixes']['files']} mix files "
        f"({recordings['mixes']['audio_hours']:.2f} h); {results['split']['indexed']} tracks "
        f"indexed, {results['split']['held_out']} held out.\n\n"
    )
    notes = [
        *results["notes"],
        *(
            f"{name} {run['status']}: {run['note']}"
            for name, run in results["systems"].items()
            if run["status"] != "ran"
        ),
        *(note for run in ran.values() for note in run["notes"]),
    ]
    return head + "\n".join(rows) + "\n" + "".join(f"\n- {note}" for note in notes)


def _row(label: str, name: str, fig: dict[str, Any], run: dict[str, Any]) -> str:
    return (
        f"| {label} | {name} | {fig['found']}/{fig['excerpts']} ({_percent(fig['recall'])}); "
        f"{fig['off_speed_found']}/{fig['off_speed_excerpts']} off speed "
        f"| {fig['right']}/{fig['segments']} ({_percent(fig['precision'])}) "
        f"| {_seconds(fig['median_boundary_error_seconds'])} / "
        f"{_seconds(fig['p90_boundary_error_seconds'])} "
        f"| {fig['unknown_named_seconds']:.1f} of {fig['unknown_seconds']:.0f} s "
        f"({_percent(fig['unknown_named_share'])}; "
        f"{fig['unknown_named_wrongly_seconds']:.1f} s) "
        f"| {run['realtime_one_core']:.0f}× | {run['child']['peak_memory_mib']:.0f} MiB |"
    )


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.1f} %"


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


if __name__ == "__main__":
    sys.exit(main())
