"""Fixtures shared by every app's tests: synthetic songs on disk, the engine's collaborators."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import mutagen.flac
import numpy as np
import pytest

from fingerprints.config import EngineConfig
from fingerprints.store import FingerprintStore
from fingerprints.wiring import engine_config, fingerprint_store
from testsupport.codecs import write_audio
from testsupport.commands import run_command
from testsupport.music import SAMPLE_RATE, synth_song

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


@pytest.fixture(scope="session")
def song_library(tmp_path_factory: pytest.TempPathFactory) -> SongLibrary:
    """Five tagged 30 s FLAC songs in a folder, plus one song that stays out of the catalog."""
    folder = tmp_path_factory.mktemp("library")
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


@pytest.fixture
def indexed(song_library: SongLibrary) -> SongLibrary:
    """The song library, indexed (the test must allow both databases, transactionally)."""
    run = run_command("index_songs", str(song_library.folder))
    assert run.exit_code == 0, run.stderr
    return song_library


@pytest.fixture
def config() -> EngineConfig:
    return engine_config()


@pytest.fixture
def store() -> FingerprintStore:
    return fingerprint_store()
