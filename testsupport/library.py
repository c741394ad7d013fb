"""The synthetic song library the tests index: tagged FLAC files of generated music."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import mutagen.flac
import numpy as np

from .codecs import write_audio
from .covers import embed_cover, picture
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
    #: The colour of its embedded cover art; None for a song without any.
    cover_colour: tuple[int, int, int] | None


#: The cover colours of songs 2 to 5; song 1 has no cover art.
COVER_COLOURS = [(200, 40, 40), (40, 160, 60), (40, 70, 200), (220, 170, 20)]


@dataclass(frozen=True)
class SongLibrary:
    folder: Path
    songs: list[LibrarySong]
    #: A song in the same style that is never indexed.
    stranger: np.ndarray
    sample_rate: int = SAMPLE_RATE


def write_library(folder: Path) -> SongLibrary:
    """Five tagged 30 s FLAC songs in ``folder``, all but the first with cover art, plus one song
    that stays out of the catalog."""
    songs = []
    for seed in range(1, 6):
        samples = synth_song(seed)
        colour = COVER_COLOURS[seed - 2] if seed > 1 else None
        song = LibrarySong(
            folder / f"song_{seed}.flac",
            f"Song {seed}",
            f"Artist {seed % 2}",
            "Synthetic",
            samples,
            colour,
        )
        write_audio(song.path, samples, SAMPLE_RATE)
        tags = mutagen.flac.FLAC(song.path)
        tags.update({"title": song.title, "artist": song.artist, "album": song.album})
        tags.save()
        if colour is not None:
            embed_cover(song.path, picture(colour))
        songs.append(song)
    return SongLibrary(folder, songs, synth_song(99))
