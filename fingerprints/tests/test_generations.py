"""Staged generations: written, invisible to lookups and counts, promoted in one step or
discarded; and the database's own check of a sound store; on whichever database the suite
runs."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connections

from fingerprints.hashes import Hashes
from fingerprints.store import FingerprintStore, Staged
from testsupport.library import BOTH_DATABASES

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES)


def make_hashes(values: list[int], frames: list[int]) -> Hashes:
    return Hashes(np.array(values, np.int64), np.array(frames, np.int32))


def occurrences(store: FingerprintStore, values: list[int]) -> set[tuple[int, int, int]]:
    found = store.lookup(np.array(values))
    return set(zip(found.hashes.tolist(), found.song_ids.tolist(), found.frames.tolist()))


def staged_rows() -> int:
    with connections["fingerprints"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM staged_song_hash")
        return int(cursor.fetchone()[0])


@pytest.fixture
def live_and_staged(store: FingerprintStore) -> Staged:
    """Song 7 live with hashes 100 and 200; new fingerprints for it staged, with 100 and 300."""
    store.add(7, make_hashes([100, 200], [1, 2]))
    return store.stage(make_hashes([100, 300, 300], [5, 6, 8]), song_id=7)


def test_staged_fingerprints_are_neither_found_nor_counted(
    store: FingerprintStore, live_and_staged: Staged
) -> None:
    assert occurrences(store, [100, 200, 300]) == {(100, 7, 1), (200, 7, 2)}
    assert store.count() == 2
    assert store.staged() == [live_and_staged]
    assert live_and_staged.fingerprints == 3
    store.add(8, make_hashes([100, 200, 300], [0, 0, 0]))
    assert store.song_counts(np.array([100, 200, 300])).tolist() == [2, 2, 1]


def test_promoting_replaces_the_songs_fingerprints_at_once(
    store: FingerprintStore, live_and_staged: Staged
) -> None:
    assert store.promote(live_and_staged.generation, 7)

    assert occurrences(store, [100, 200, 300]) == {(100, 7, 5), (300, 7, 6), (300, 7, 8)}
    assert store.fingerprinted()[7].generation == live_and_staged.generation
    assert store.count() == 3
    assert store.staged() == [] and staged_rows() == 0
    store.add(8, make_hashes([100, 200, 300], [0, 0, 0]))
    assert store.song_counts(np.array([100, 200, 300])).tolist() == [2, 1, 2]


def test_a_generation_is_promoted_once(store: FingerprintStore, live_and_staged: Staged) -> None:
    assert store.promote(live_and_staged.generation, 7)

    assert not store.promote(live_and_staged.generation, 7)
    assert store.count() == 3


def test_a_new_songs_generation_is_promoted_under_the_id_the_catalog_gave_it(
    store: FingerprintStore,
) -> None:
    staged = store.stage(make_hashes([500], [4]))
    assert staged.song_id is None

    store.promote(staged.generation, 12)

    assert occurrences(store, [500]) == {(500, 12, 4)}


def test_discarding_leaves_the_live_fingerprints_as_they_were(
    store: FingerprintStore, live_and_staged: Staged
) -> None:
    store.discard(live_and_staged.generation)

    assert occurrences(store, [100, 200, 300]) == {(100, 7, 1), (200, 7, 2)}
    assert store.staged() == [] and staged_rows() == 0
    assert not store.promote(live_and_staged.generation, 7)


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_compaction_falls_due_with_what_was_written_since_the_last(store: FingerprintStore) -> None:
    store.add(1, make_hashes(list(range(1000)), list(range(1000))))
    assert not store.compact_if_due(share=2.0)  # 1,000 written, 2,000 wanted

    assert store.compact_if_due(share=0.5)
    assert not store.compact_if_due(share=0.5)

    store.add(2, make_hashes([1, 2, 3], [1, 2, 3]))
    assert not store.compact_if_due(share=0.5)  # 3 of 1,003: not worth it


def test_a_sound_store_passes_its_databases_own_check(
    store: FingerprintStore, live_and_staged: Staged
) -> None:
    """SQLite always checks its pages; PostgreSQL once ``amcheck`` is installed there."""
    if connections["fingerprints"].vendor == "postgresql":
        assert store.integrity_problems() is None
        with connections["fingerprints"].cursor() as cursor:
            cursor.execute("CREATE EXTENSION amcheck")

    assert store.integrity_problems() == []
