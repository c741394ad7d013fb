"""Migration 0002 regroups the fingerprints of 0001's layout without losing one, and back."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import numpy as np
import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from fingerprints.hashes import Hashes
from fingerprints.store import FingerprintStore
from testsupport.library import BOTH_DATABASES

first = importlib.import_module("fingerprints.migrations.0001_initial")
regrouping = importlib.import_module("fingerprints.migrations.0002_fingerprint_frames_per_song")

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES)

#: (hash, song id, frame) as 0001 stored them.
OLD_ROWS = [(100, 7, 0), (100, 7, 5), (100, 8, 9), (200, 7, (1 << 20) + 3), (300, 9, 2)]


def editor() -> SimpleNamespace:
    """What the migration functions use of a schema editor."""
    return SimpleNamespace(connection=connections["fingerprints"])


def fetch(sql: str) -> list[tuple]:
    with connections["fingerprints"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def store_first_layout(rows: list[tuple[int, int, int]]) -> None:
    with connections["fingerprints"].cursor() as cursor:
        cursor.execute("DROP TABLE fingerprint")
        cursor.execute(first.CREATE_FINGERPRINT)
        cursor.executemany(
            "INSERT INTO fingerprint VALUES (%s, %s)",
            [(value, song << 21 | frame) for value, song, frame in rows],
        )


def first_layout_rows() -> list[tuple[int, int, int]]:
    found = fetch("SELECT hash, song_time FROM fingerprint ORDER BY hash, song_time")
    return [(value, song_time >> 21, song_time & ((1 << 21) - 1)) for value, song_time in found]


@pytest.mark.parametrize("batch_rows", [1, 2, 100_000])
def test_first_layout_rows_are_all_found_after_regrouping_and_back(
    store: FingerprintStore, monkeypatch: pytest.MonkeyPatch, batch_rows: int
) -> None:
    monkeypatch.setattr(regrouping, "BATCH_ROWS", batch_rows)
    store_first_layout(OLD_ROWS)

    regrouping.regroup(None, editor())

    found = store.lookup(np.array([100, 200, 300]))
    assert sorted(zip(found.hashes.tolist(), found.song_ids.tolist(), found.frames.tolist())) == (
        OLD_ROWS
    )
    assert fetch("SELECT count(*) FROM fingerprint") == [(4,)]

    regrouping.ungroup(None, editor())

    assert first_layout_rows() == OLD_ROWS


def test_going_back_refuses_frames_the_first_layout_cannot_hold(store: FingerprintStore) -> None:
    store.add(1, Hashes(np.array([5, 6], np.int64), np.array([3, 1 << 21], np.int32)))

    with pytest.raises(ValueError, match="does not fit"):
        regrouping.ungroup(None, editor())


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_manage_py_migrate_goes_back_to_0001_and_forward_again(store: FingerprintStore) -> None:
    store.add(3, Hashes(np.array([40, 40, 41], np.int64), np.array([8, 2, 5], np.int32)))
    executor = MigrationExecutor(connections["fingerprints"])
    latest = executor.loader.graph.leaf_nodes("fingerprints")
    try:
        executor.migrate([("fingerprints", "0001_initial")])
        assert first_layout_rows() == [(40, 3, 2), (40, 3, 8), (41, 3, 5)]
    finally:
        executor.loader.build_graph()
        executor.migrate(latest)

    found = store.lookup(np.array([40, 41]))
    assert sorted(zip(found.hashes.tolist(), found.frames.tolist())) == [(40, 2), (40, 8), (41, 5)]
