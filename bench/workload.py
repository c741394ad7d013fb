"""What a benchmark run indexes and queries, as ``bench.run`` and ``bench.scale`` prepare and
record it: the music folder split, the babble voices, the conditions this machine can render,
the clip files, and the settings and split their JSON records.

``split_folder`` and ``kazoom_settings`` need Django set up
(``bench.kazoom_data.setup_django``): the audio file suffixes and the engine config are
Kazoom's own.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from bench.babble import BabbleUnavailable, speech_utterances
from bench.clip_files import write_clips
from bench.common import CLIP_SAMPLE_RATE, progress
from bench.grid import CONDITIONS, NOISE_KINDS, ClipSpec, Condition
from bench.split import HELD_OUT_SHARE, Split, find_tracks, split_tracks
from bench.systems.base import QueryClip
from bench.versions import VersionPair, find_versions


def split_folder(music_dir: Path) -> tuple[Split, list[VersionPair]]:
    """The folder's tracks split into indexed and held-out ones, and the pairs of versions of
    one piece found among them (never held out)."""
    from catalog.indexing import AUDIO_EXTENSIONS  # needs django.setup()

    tracks = find_tracks(music_dir, AUDIO_EXTENSIONS)
    progress(f"looking for versions of one piece among {len(tracks)} tracks")
    versions = find_versions(tracks)
    split = split_tracks(
        tracks, never_held_out={key for p in versions for key in (p.first, p.second)}
    )
    progress(f"{len(split.indexed)} tracks to index, {len(split.held_out)} held out")
    return split, versions


def babble_voices(
    work: Path, notes: list[str], sample_rate: int = CLIP_SAMPLE_RATE
) -> list[np.ndarray] | None:
    """The babble voices at ``sample_rate``, or None (and a note saying why) when espeak-ng
    is missing."""
    try:
        return speech_utterances(work / "voices", sample_rate)
    except BabbleUnavailable as error:
        notes.append(f"babble skipped: {error}")
        return None


def playable_conditions(
    names: Collection[str], utterances: Sequence[np.ndarray] | None
) -> list[Condition]:
    """The conditions named, in the grid's order, less babble when there are no voices."""
    return [c for c in CONDITIONS if c.name in names and (utterances or c.family != "babble")]


def playable_noise_kinds(utterances: Sequence[np.ndarray] | None) -> tuple[str, ...]:
    """The kinds of noise clip, less babble when there are no voices."""
    return NOISE_KINDS if utterances else tuple(k for k in NOISE_KINDS if k != "babble")


def write_clip_files(
    specs: Sequence[ClipSpec], work: Path, utterances: Sequence[np.ndarray] | None
) -> list[QueryClip]:
    """Write every clip into ``work/clips``; the clips as the systems are asked them."""
    progress(f"writing {len(specs)} clips")
    write_clips(specs, work / "clips", utterances)
    return [QueryClip(spec.clip_id, work / "clips" / spec.file_name) for spec in specs]


def grid_settings(
    conditions: Sequence[Condition], durations_seconds: Sequence[float], per_cell: int, seed: int
) -> dict[str, Any]:
    """How the grid of clips was planned and written, for the results' settings."""
    return {
        "per_cell": per_cell,
        "seed": seed,
        "conditions": [c.name for c in conditions],
        "durations_seconds": list(durations_seconds),
        "held_out_share": HELD_OUT_SHARE,
        "clip_sample_rate": CLIP_SAMPLE_RATE,
    }


def kazoom_settings(kazoom_revision: dict[str, Any]) -> dict[str, Any]:
    """The engine config and the revision Kazoom ran with, for the results' settings."""
    from fingerprints.wiring import engine_config  # needs django.setup()

    return {"kazoom_engine": asdict(engine_config()), "kazoom_revision": kazoom_revision}


def split_record(split: Split, versions: Sequence[VersionPair]) -> dict[str, Any]:
    """The split as the results record it: track keys, indexed hours and versions."""
    return {
        "indexed": [t.key for t in split.indexed],
        "held_out": [t.key for t in split.held_out],
        "indexed_hours": split.indexed_seconds / 3600,
        "versions": [asdict(pair) for pair in versions],
    }
