"""A folder of synthetic songs with known duplicates among them, and the songs that merely
share a sample: what the duplicates finder must find, and must not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soxr

from catalog.models import Song

from .codecs import write_audio
from .excerpts import cut
from .music import SAMPLE_RATE, synth_song

SONG_SECONDS = 60.0
SPEED = 1.03


@dataclass(frozen=True)
class Shared:
    """Files ``a`` and ``b`` (names in the folder) share ``ranges``: seconds (a_from, a_to,
    b_from, b_to); B plays A ``speed`` times as fast."""

    a: str
    b: str
    ranges: tuple[tuple[float, float, float, float], ...]
    speed: float = 1.0


@dataclass(frozen=True)
class DuplicateFolders:
    #: The songs as they were made (one file each), and the copies, excerpts and edits of
    #: them, in a folder of their own, to index after them.
    originals: Path
    copies: Path
    duplicates: tuple[Shared, ...]
    #: Pairs of files that share a 4 s sample and nothing more.
    sample_sharers: tuple[tuple[str, str], ...]


def write_duplicate_folders(folder: Path) -> DuplicateFolders:
    """Songs of seeds 41–46 of ``SONG_SECONDS``; an MP3 copy of the first, an excerpt of the
    second, a radio edit of the third (15 s cut from its middle), a copy of the fourth 3 %
    fast; the fifth and sixth with a 4 s sample of a seventh song pasted into each, twice."""
    originals, copies = folder / "originals", folder / "copies"
    originals.mkdir()
    copies.mkdir()
    songs = [synth_song(seed, SONG_SECONDS) for seed in range(41, 48)]
    for number, samples in enumerate(songs[:4], start=1):
        write_audio(originals / f"song{number}.flac", samples, SAMPLE_RATE)
    write_audio(copies / "song1-copy.mp3", songs[0], SAMPLE_RATE, bitrate=128_000)
    write_audio(copies / "song2-excerpt.flac", cut(songs[1], 20.0, 25.0), SAMPLE_RATE)
    edit = np.concatenate([cut(songs[2], 0.0, 25.0), cut(songs[2], 40.0, 20.0)])
    write_audio(copies / "song3-edit.flac", edit, SAMPLE_RATE)
    fast = soxr.resample(songs[3], SAMPLE_RATE * SPEED, SAMPLE_RATE).astype(np.float32)
    write_audio(copies / "song4-fast.flac", fast, SAMPLE_RATE)
    sample = cut(songs[6], 12.0, 4.0)
    for name, samples, places in (
        ("sharer-a", songs[4], (8.0, 30.0)),
        ("sharer-b", songs[5], (14.0, 45.0)),
    ):
        pasted = samples.copy()
        for at in places:
            start = int(at * SAMPLE_RATE)
            pasted[start : start + len(sample)] = sample
        write_audio(originals / f"{name}.flac", pasted, SAMPLE_RATE)
    write_audio(originals / "sample-source.flac", songs[6], SAMPLE_RATE)
    whole = SONG_SECONDS
    return DuplicateFolders(
        originals,
        copies,
        (
            Shared("song1.flac", "song1-copy.mp3", ((0.0, whole, 0.0, whole),)),
            Shared("song2.flac", "song2-excerpt.flac", ((20.0, 45.0, 0.0, 25.0),)),
            Shared(
                "song3.flac", "song3-edit.flac", ((0.0, 25.0, 0.0, 25.0), (40.0, 60.0, 25.0, 45.0))
            ),
            Shared("song4.flac", "song4-fast.flac", ((0.0, whole, 0.0, whole / SPEED),), SPEED),
        ),
        (
            ("sharer-a.flac", "sharer-b.flac"),
            ("sharer-a.flac", "sample-source.flac"),
            ("sharer-b.flac", "sample-source.flac"),
        ),
    )


def song_named(file_name: str) -> Song:
    """The catalog song indexed from the file ``file_name`` (a name in the folders)."""
    return next(s for s in Song.objects.all() if Path(s.source_path).name == file_name)
