"""Fixtures shared by every app's tests: synthetic songs on disk, the engine's collaborators."""

from __future__ import annotations

import pytest

from fingerprints.config import EngineConfig
from fingerprints.store import FingerprintStore
from fingerprints.wiring import engine_config, fingerprint_store
from testsupport.commands import run_command
from testsupport.library import SongLibrary, write_library


@pytest.fixture(scope="session")
def song_library(tmp_path_factory: pytest.TempPathFactory) -> SongLibrary:
    """Five tagged 30 s FLAC songs in a folder, plus one song that stays out of the catalog."""
    return write_library(tmp_path_factory.mktemp("library"))


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
