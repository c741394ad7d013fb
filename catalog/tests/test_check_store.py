"""``manage.py check_store [--repair]``: the two databases checked against each other and put
right where they can be."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from django.db import connections

from catalog.models import Song
from fingerprints.hashes import Hashes
from fingerprints.store import FingerprintStore
from testsupport.commands import run_command, run_manage
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

STRAY = Hashes(np.array([11, 12, 13], np.int64), np.array([1, 2, 3], np.int32))


def first_song() -> Song:
    return Song.objects.get(title="Song 1")


def orphan_fingerprints(store: FingerprintStore) -> None:
    store.add(999, STRAY)


def lost_fingerprints(store: FingerprintStore) -> None:
    store.delete([first_song().pk])


def miscounted_song(store: FingerprintStore) -> None:
    Song.objects.filter(pk=first_song().pk).update(fingerprint_count=1)


def other_generation(store: FingerprintStore) -> None:
    Song.objects.filter(pk=first_song().pk).update(fingerprint_generation=12345)


def abandoned_commit(store: FingerprintStore) -> None:
    store.stage(STRAY)


def miscounted_hashes(store: FingerprintStore) -> None:
    with connections["fingerprints"].cursor() as cursor:
        cursor.execute("UPDATE hash_popularity SET songs = songs + 1")


#: name → (what goes wrong, what check_store says of it, what --repair says it did).
DAMAGE: dict[str, tuple[Callable[[FingerprintStore], None], str, str]] = {
    "orphan fingerprints": (
        orphan_fingerprints,
        "3 fingerprints of song 999, which the catalog does not have",
        "dropped: 3 fingerprints of song 999",
    ),
    "lost fingerprints": (
        lost_fingerprints,
        "indexed, but the store has no fingerprints of it",
        "re-indexed: song",
    ),
    "counts that disagree": (miscounted_song, "the catalog counts 1 fingerprints", "re-indexed"),
    "another generation": (other_generation, "not the generation", "re-indexed: song"),
    "an abandoned commit": (
        abandoned_commit,
        "1 generation(s) staged by unfinished commits",
        "settled: 0 interrupted commit(s) finished, 1 rolled back",
    ),
    "miscounted hashes": (
        miscounted_hashes,
        "hash(es) counted for the wrong number of songs",
        "recounted: the songs of every hash",
    ),
}


def test_an_indexed_library_is_clean(indexed: SongLibrary, store: FingerprintStore) -> None:
    run = run_command("check_store")

    assert run.exit_code == 0, run.stdout
    assert run.stdout == (
        f"the catalog and the fingerprint store agree: 5 song(s), {store.count():,} fingerprints\n"
    )


@pytest.mark.parametrize("kind", DAMAGE)
def test_each_disagreement_is_found_and_repaired(
    kind: str, indexed: SongLibrary, store: FingerprintStore
) -> None:
    damage, found, repaired = DAMAGE[kind]
    counts_before = dict(Song.objects.values_list("title", "fingerprint_count"))
    damage(store)

    checked = run_command("check_store")
    fixed = run_command("check_store", "--repair")

    assert checked.exit_code == 1 and found in checked.stdout, checked.stdout
    assert "1 problem(s) left" in checked.stderr
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    assert repaired in fixed.stdout and "agree: 5 song(s)" in fixed.stdout
    assert run_command("check_store").exit_code == 0
    assert dict(Song.objects.values_list("title", "fingerprint_count")) == counts_before
    assert store.count() == sum(counts_before.values())


def test_what_cannot_be_repaired_is_said_and_fails(
    indexed: SongLibrary, store: FingerprintStore, tmp_path: Path
) -> None:
    song = first_song()
    moved = shutil.copy(song.source_path, tmp_path / "elsewhere.flac")
    Song.objects.filter(pk=song.pk).update(source_path=str(tmp_path / "gone.flac"))
    store.delete([song.pk])

    run = run_command("check_store", "--repair")

    assert run.exit_code == 1
    assert "cannot repair: song" in run.stdout and "no such file" in run.stdout
    assert f"still: song {song.pk} (Song 1 — Artist 1): indexed, but" in run.stdout
    assert os.path.exists(moved)


def test_index_songs_indexes_again_a_song_whose_fingerprints_are_gone(
    indexed: SongLibrary, store: FingerprintStore
) -> None:
    before = dict(Song.objects.values_list("pk", "fingerprint_count"))
    store.delete(list(before))

    run = run_command("index_songs", str(indexed.folder))

    assert run.exit_code == 0, run.stderr
    assert "5 song(s) indexed" in run.stdout and "0 skipped" in run.stdout
    assert dict(Song.objects.values_list("pk", "fingerprint_count")) == before
    assert {song: f.fingerprints for song, f in store.fingerprinted().items()} == before


def test_damaged_pages_are_found_and_not_repaired(
    song_library: SongLibrary, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    for args in (["migrate"], ["migrate", "--database", "fingerprints"]):
        assert run_manage(*args, "--verbosity", "0", data_dir=data).returncode == 0
    assert run_manage("index_songs", str(song_library.folder), data_dir=data).returncode == 0
    damaged = data / "fingerprints.sqlite3"
    with damaged.open("r+b") as file:
        file.seek(damaged.stat().st_size // 2)
        file.write(b"\xa5" * 8192)

    run = run_manage("check_store", "--repair", data_dir=data)

    assert run.returncode == 1
    assert "found: the fingerprint store is damaged" in run.stdout
    assert "cannot repair: the fingerprint store is damaged" in run.stdout
