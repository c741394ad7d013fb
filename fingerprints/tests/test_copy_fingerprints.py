"""``manage.py copy_fingerprints``: a library's SQLite fingerprints moved into the configured
store (PostgreSQL when the suite runs there), which afterwards answers as the file did."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from django.db import connections

from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes
from fingerprints.models import FingerprintedSong
from fingerprints.pipeline import analyse_query
from fingerprints.store import FingerprintStore, Lookup, unpack_frames
from recognition.identification import identify
from testsupport.commands import run_command, run_manage
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES)


@pytest.fixture(scope="module")
def sqlite_data(tmp_path_factory: pytest.TempPathFactory, song_library: SongLibrary) -> Path:
    """A data directory where ``index_songs`` put the song library into SQLite files, as a
    library that began on SQLite has it."""
    data_dir = tmp_path_factory.mktemp("sqlite-data")
    for args in (
        ["migrate", "--verbosity", "0"],
        ["migrate", "--database", "fingerprints", "--verbosity", "0"],
        ["index_songs", str(song_library.folder)],
    ):
        run = run_manage(*args, data_dir=data_dir)
        assert run.returncode == 0, run.stderr
    return data_dir


def rows_of_file(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of a SQLite file, read as any SQLite client reads them."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def rows_of_store(sql: str) -> list[tuple]:
    with connections["fingerprints"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


SONG_HASHES = "SELECT hash, song_id, frames FROM song_hash ORDER BY hash, song_id"
FINGERPRINTED = "SELECT song_id, hash_count, hash_set FROM fingerprinted_song ORDER BY song_id"
POPULARITY = "SELECT hash, songs FROM hash_popularity ORDER BY hash"


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_the_store_then_holds_and_finds_what_the_file_did(
    sqlite_data: Path,
    song_library: SongLibrary,
    store: FingerprintStore,
    config: EngineConfig,
    tmp_path: Path,
) -> None:
    source = sqlite_data / "fingerprints.sqlite3"
    song_hashes = rows_of_file(source, SONG_HASHES)
    fingerprinted = rows_of_file(source, FINGERPRINTED)
    popularity = rows_of_file(source, POPULARITY)

    run = run_command("copy_fingerprints", str(source))

    assert run.exit_code == 0, run.stderr
    fingerprints = sum(count for _, count, _ in fingerprinted)
    assert (
        f"5 song(s) copied, {fingerprints:,} fingerprints in {len(song_hashes):,} song_hash rows"
    ) in run.stdout
    assert rows_of_store(FINGERPRINTED) == fingerprinted
    assert rows_of_store(SONG_HASHES) == song_hashes
    assert rows_of_store(POPULARITY) == popularity
    assert store.count() == fingerprints
    found = store.lookup(np.array([value for value, _, _ in song_hashes]))
    assert occurrences(found) == expanded(song_hashes)
    song = song_library.songs[2]
    clip = write_clip(tmp_path / "clip.wav", song.samples)
    assert recognised_song(clip, store, config) == song_id_in_catalog(sqlite_data, song.title)


def occurrences(found: Lookup) -> list[tuple[int, int, int]]:
    return sorted(zip(found.hashes.tolist(), found.song_ids.tolist(), found.frames.tolist()))


def expanded(song_hashes: list[tuple]) -> list[tuple[int, int, int]]:
    """(hash, song id, frame) of each frame in ``song_hash`` rows."""
    return sorted(
        (value, song_id, frame)
        for value, song_id, frames in song_hashes
        for frame in unpack_frames(frames).tolist()
    )


def recognised_song(clip: Path, store: FingerprintStore, config: EngineConfig) -> int | None:
    """The id of the song ``store`` names for ``clip``."""
    winner = identify(analyse_query(clip, config), store, config).verdict.winner
    return None if winner is None else winner.song_id


def song_id_in_catalog(data_dir: Path, title: str) -> int:
    """The id the catalog beside the SQLite fingerprints gave the song titled ``title``."""
    ((song_id,),) = rows_of_file(
        data_dir / "kazoom.sqlite3", "SELECT id FROM catalog_song WHERE title = ?", (title,)
    )
    return int(song_id)


def test_a_store_that_holds_songs_is_refused_and_left_as_it_was(
    sqlite_data: Path, store: FingerprintStore
) -> None:
    store.add(99, Hashes(np.array([5, 6], np.int64), np.array([1, 2], np.int32)))

    run = run_command("copy_fingerprints", str(sqlite_data / "fingerprints.sqlite3"))

    assert run.exit_code == 1
    assert "the fingerprint store already holds 1 song(s)" in run.stderr
    assert list(FingerprintedSong.objects.values_list("song_id", flat=True)) == [99]
    assert store.count() == 2


def a_text_file(folder: Path) -> Path:
    path = folder / "notes.sqlite3"
    path.write_text("not a database\n" * 100)
    return path


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        pytest.param(lambda data, tmp: tmp / "absent.sqlite3", "no such file", id="missing"),
        pytest.param(lambda data, tmp: a_text_file(tmp), "not a SQLite database", id="text"),
        pytest.param(
            lambda data, tmp: data / "kazoom.sqlite3",
            "not a Kazoom fingerprint database",
            id="the catalog",
        ),
    ],
)
def test_a_file_that_holds_no_fingerprints_is_refused(
    sqlite_data: Path,
    tmp_path: Path,
    store: FingerprintStore,
    source: Callable[[Path, Path], Path],
    reason: str,
) -> None:
    run = run_command("copy_fingerprints", str(source(sqlite_data, tmp_path)))

    assert run.exit_code == 1
    assert reason in run.stderr
    assert store.count() == 0
