"""The synthetic song library the tests index: tagged FLAC files of generated music."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import mutagen.flac
import numpy as np

from .codecs import write_audio
from .music import SAMPLE_RATE, synth_song

#: For ``pytest.mark.django_db(databases=...)``: a test that touches songs touches both.
BOTH_DATABASES = ["default", "fingerprints"]


@dataclass(frozen=True)
class LibrarySong:
    path: Path
    title: str
    artist: str
    album: str
    samples: np.ndarray


@dataclass(frozen=True)
class SongLibrary:
    folder: Path
    songs: list[LibrarySong]
    #: A song in the same style that is never indexed.
    stranger: np.ndarray
    sample_rate: int = SAMPLE_RATE


def write_library(folder: Path) -> SongLibrary:
    """Five tagged 30 s FLAC songs in ``folder``, plus one song that stays out of the catalog."""
    songs = []
    for seed in range(1, 6):
        samples = synth_song(seed)
        song = LibrarySong(
            folder / f"song_{seed}.flac", f"Song {seed}", f"Artist {seed % 2}", "Synthetic", samples
        )
        write_audio(song.path, samples, SAMPLE_RATE)
        tags = mutagen.flac.FLAC(song.path)
        tags.update({"title": song.title, "artist": song.artist, "album": song.album})
        tags.save()
        songs.append(song)
    return SongLibrary(folder, songs, synth_song(99))
