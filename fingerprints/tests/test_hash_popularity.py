"""The store counts the songs that hold each hash held by two songs or more, in step with the
rows it stores."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from django.db import connections

from fingerprints import vendor_sql
from fingerprints.hashes import Hashes
from fingerprints.store import FingerprintStore
from testsupport.library import BOTH_DATABASES

popularity_migration = importlib.import_module("fingerprints.migrations.0004_hash_popularity")
from_two_migration = importlib.import_module("fingerprints.migrations.0007_popularity_from_two")

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES)


def hashes_of(values: list[int]) -> Hashes:
    return Hashes(np.array(values, np.int64), np.arange(len(values), dtype=np.int32))


def songs_holding(store: FingerprintStore, values: np.ndarray) -> np.ndarray:
    """How many songs hold each value, counted from the stored rows themselves."""
    found = store.lookup(values)
    pairs = np.unique(np.stack([found.hashes, found.song_ids], axis=1), axis=0)
    held, counts = np.unique(pairs[:, 0], return_counts=True) if len(pairs) else ([], [])
    by_hash = dict(zip(np.asarray(held).tolist(), np.asarray(counts).tolist()))
    return np.array([by_hash.get(value, 0) for value in values.tolist()], np.int64)


def popularity_rows() -> list[tuple[int, int]]:
    with connections["fingerprints"].cursor() as cursor:
        cursor.execute("SELECT hash, songs FROM hash_popularity ORDER BY hash")
        return [tuple(row) for row in cursor.fetchall()]


def test_song_counts_count_songs_not_frames_from_two_songs(store: FingerprintStore) -> None:
    store.add(1, hashes_of([10, 10, 10, 20, 40]))
    store.add(2, hashes_of([10, 30, 40]))
    store.add(3, hashes_of([10, 10]))

    counts = store.song_counts(np.array([30, 10, 99, 20, 10, 40]))

    assert counts.tolist() == [1, 3, 1, 1, 3, 2]
    assert popularity_rows() == [(10, 3), (40, 2)]


def test_adding_a_song_again_replaces_its_counts(store: FingerprintStore) -> None:
    store.add(1, hashes_of([10, 20]))
    store.add(2, hashes_of([10, 20]))
    store.add(3, hashes_of([10]))

    store.add(1, hashes_of([20, 30]))

    assert popularity_rows() == [(10, 2), (20, 2)]


def test_deleting_songs_takes_their_counts_and_leaves_no_row_under_two_songs(
    store: FingerprintStore,
) -> None:
    store.add(1, hashes_of([10, 20]))
    store.add(2, hashes_of([10, 30]))
    store.add(3, hashes_of([10, 20]))

    store.delete([1, 4])

    assert popularity_rows() == [(10, 2)]
    store.delete([2])
    assert popularity_rows() == []


def test_counts_agree_with_the_rows_through_adds_and_deletes(store: FingerprintStore) -> None:
    rng = np.random.default_rng(5)
    for song_id in range(1, 41):
        store.add(song_id, hashes_of(rng.integers(0, 4000, 200).tolist()))
    store.delete(range(1, 41, 3))
    store.add(2, hashes_of(rng.integers(0, 4000, 50).tolist()))

    values = np.arange(4000)
    held = songs_holding(store, values)
    assert {0, 1, 2, 3} <= set(held.tolist())
    assert store.song_counts(values).tolist() == np.maximum(held, 1).tolist()
    assert len(popularity_rows()) == np.count_nonzero(held >= 2)
    assert store.audit().miscounted_hashes == 0


def test_an_empty_query_counts_nothing(store: FingerprintStore) -> None:
    assert store.song_counts(np.array([], np.int64)).tolist() == []


def test_the_migration_counts_the_rows_already_stored(store: FingerprintStore) -> None:
    store.add(1, hashes_of([10, 20, 20]))
    store.add(2, hashes_of([20]))
    connection = connections["fingerprints"]
    vendor_sql.execute(connection, popularity_migration.DROP)
    vendor_sql.execute(connection, popularity_migration.CREATE)
    vendor_sql.execute(connection, {connection.vendor: [popularity_migration.FILL]})

    assert popularity_rows() == [(10, 1), (20, 2)]


def test_the_migration_to_counts_from_two_songs_drops_the_rows_of_one_either_way(
    store: FingerprintStore,
) -> None:
    store.add(1, hashes_of([10, 20]))
    store.add(2, hashes_of([20]))
    connection = connections["fingerprints"]
    vendor_sql.execute(connection, {connection.vendor: from_two_migration.BACKWARDS})
    assert popularity_rows() == [(10, 1), (20, 2)]

    vendor_sql.execute(connection, {connection.vendor: from_two_migration.FORWARDS})

    assert popularity_rows() == [(20, 2)]
