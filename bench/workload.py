"""What a benchmark run indexes and queries, as ``bench.run`` and ``bench.scale`` prepare it:
the music folder split, the babble voices, the conditions this machine can render and the
clip files.

``split_folder`` needs Django set up (``bench.kazoom_data.setup_django``): the audio file
suffixes are the catalog's.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np

from bench.babble import BabbleUnavailable, speech_utterances
from bench.clip_files import write_clips
from bench.common import CLIP_SAMPLE_RATE, progress
from bench.grid import CONDITIONS, NOISE_KINDS, ClipSpec, Condition
from bench.split import Split, find_tracks, split_tracks
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


def babble_voices(work: Path, notes: list[str]) -> list[np.ndarray] | None:
    """The babble voices, or None (and a note saying why) when espeak-ng is missing."""
    try:
        return speech_utterances(work / "voices", CLIP_SAMPLE_RATE)
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
