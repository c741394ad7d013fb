"""Fixtures shared by every app's tests: synthetic songs on disk, the engine's collaborators."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from fingerprints.config import EngineConfig
from fingerprints.store import FingerprintStore
from fingerprints.wiring import engine_config, fingerprint_store
from testsupport.commands import run_command
from testsupport.duplicates import DuplicateFolders, write_duplicate_folders
from testsupport.library import SongLibrary, write_library


@pytest.fixture(scope="session")
def song_library(tmp_path_factory: pytest.TempPathFactory) -> SongLibrary:
    """Five tagged 30 s FLAC songs in a folder (all but the first with cover art), plus one song
    that stays out of the catalog."""
    return write_library(tmp_path_factory.mktemp("library"))


@pytest.fixture(scope="session")
def duplicate_folders(tmp_path_factory: pytest.TempPathFactory) -> DuplicateFolders:
    """Synthetic songs and copies, an excerpt, an edit and a fast copy of some, and songs
    that share a short sample (``testsupport.duplicates``)."""
    return write_duplicate_folders(tmp_path_factory.mktemp("duplicates"))


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


@pytest.fixture(autouse=True)
def covers_dir(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each test keeps the covers it indexes, the song files the admin keeps (for songs and
    for forms sent again) and the recordings of its timeline jobs in folders of its own,
    never in ``data/``."""
    settings.KAZOOM_LIBRARY_DIR = tmp_path_factory.mktemp("library")
    settings.KAZOOM_PENDING_UPLOADS_DIR = tmp_path_factory.mktemp("pending-uploads")
    settings.KAZOOM_TIMELINE_UPLOADS_DIR = tmp_path_factory.mktemp("timeline-uploads")
    settings.KAZOOM_COVERS_DIR = tmp_path_factory.mktemp("covers")
    return Path(settings.KAZOOM_COVERS_DIR)
