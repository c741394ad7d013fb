"""Migration 0002 regroups the fingerprints of 0001's layout without losing one, and back;
0003 renames the table to ``song_hash`` and back; 0005 adds generations; 0006 clears the
fingerprints of the layout before level steps, both ways; on whichever database the suite
runs."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from types import SimpleNamespace

import numpy as np
import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from fingerprints.hashes import Hashes
from fingerprints.store import FingerprintStore
from fingerprints.vendor_sql import VendorSQL, execute
from testsupport.library import BOTH_DATABASES
from testsupport.migrations import migrated_back

first = importlib.import_module("fingerprints.migrations.0001_initial")
regrouping = importlib.import_module("fingerprints.migrations.0002_fingerprint_frames_per_song")
renaming = importlib.import_module("fingerprints.migrations.0003_song_hash")

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


def run(sql: VendorSQL) -> None:
    execute(connections["fingerprints"], sql)


def table_names() -> set[str]:
    return set(connections["fingerprints"].introspection.table_names())


def assert_song_hash_is_keyed_by_hash_and_song() -> None:
    """SQLite's table is its key's B-tree (WITHOUT ROWID); PostgreSQL's key is the index named
    song_hash_pkey, on which ``compact`` orders the table."""
    connection = connections["fingerprints"]
    if connection.vendor == "sqlite":
        key = fetch("SELECT name FROM pragma_table_info('song_hash') WHERE pk > 0 ORDER BY pk")
        assert key == [("hash",), ("song_id",)]
        ((sql,),) = fetch("SELECT sql FROM sqlite_master WHERE name = 'song_hash'")
        assert "WITHOUT ROWID" in sql
    else:
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, "song_hash")
        keys = {name: c["columns"] for name, c in constraints.items() if c["primary_key"]}
        assert keys == {"song_hash_pkey": ["hash", "song_id"]}


def store_first_layout(rows: list[tuple[int, int, int]]) -> None:
    """The fingerprints of ``rows`` in 0001's table, in place of the latest one."""
    with connections["fingerprints"].cursor() as cursor:
        cursor.execute("DROP TABLE song_hash")
        run(first.CREATE_FINGERPRINT)
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
    run(renaming.RENAME_FORWARDS)
    assert_song_hash_is_keyed_by_hash_and_song()

    found = store.lookup(np.array([100, 200, 300]))
    assert sorted(zip(found.hashes.tolist(), found.song_ids.tolist(), found.frames.tolist())) == (
        OLD_ROWS
    )
    assert fetch("SELECT count(*) FROM song_hash") == [(4,)]

    run(renaming.RENAME_BACKWARDS)
    regrouping.ungroup(None, editor())

    assert first_layout_rows() == OLD_ROWS


def test_going_back_refuses_frames_the_first_layout_cannot_hold(store: FingerprintStore) -> None:
    store.add(1, Hashes(np.array([5, 6], np.int64), np.array([3, 1 << 21], np.int32)))
    run(renaming.RENAME_BACKWARDS)

    with pytest.raises(ValueError, match="does not fit"):
        regrouping.ungroup(None, editor())


#: The last migration whose fingerprints 0006 (level steps) clears, both ways: the round trips
#: through the earlier ones run with their rows below it.
LAST_BEFORE_LEVEL_STEPS = "0005_generations"


def before_level_steps() -> AbstractContextManager[MigrationExecutor]:
    """An executor on the fingerprint database migrated back to 0005; migrated forward to the
    latest migration afterwards, whatever happened."""
    return migrated_back("fingerprints", LAST_BEFORE_LEVEL_STEPS, database="fingerprints")


def grouped_rows() -> list[tuple]:
    """0002's rows, their frames in hex."""
    found = fetch("SELECT hash, song_id, frames FROM fingerprint ORDER BY hash, song_id")
    return [(value, song_id, bytes(frames).hex()) for value, song_id, frames in found]


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
@pytest.mark.parametrize(
    ("target", "rows_there", "expected"),
    [
        ("0001_initial", first_layout_rows, [(40, 3, 2), (40, 3, 8), (41, 3, 5)]),
        (
            "0002_fingerprint_frames_per_song",
            grouped_rows,
            [(40, 3, "020000080000"), (41, 3, "050000")],
        ),
    ],
)
def test_manage_py_migrate_goes_back_and_forward_again(
    store: FingerprintStore, target: str, rows_there: Callable[[], list[tuple]], expected: list
) -> None:
    with before_level_steps() as executor:
        store.add(3, Hashes(np.array([40, 40, 41], np.int64), np.array([8, 2, 5], np.int32)))
        executor.migrate([("fingerprints", target)])
        assert "song_hash" not in table_names()
        assert rows_there() == expected
        executor.loader.build_graph()
        executor.migrate([("fingerprints", LAST_BEFORE_LEVEL_STEPS)])

        assert "song_hash" in table_names() and "fingerprint" not in table_names()
        assert_song_hash_is_keyed_by_hash_and_song()
        found = store.lookup(np.array([40, 41]))
        assert sorted(zip(found.hashes.tolist(), found.frames.tolist())) == [
            (40, 2),
            (40, 8),
            (41, 5),
        ]


def column_names(table: str) -> list[str]:
    connection = connections["fingerprints"]
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_generations_migrate_back_dropping_only_staged_work_and_forward_again(
    store: FingerprintStore,
) -> None:
    with before_level_steps() as executor:
        store.add(3, Hashes(np.array([40, 41], np.int64), np.array([2, 5], np.int32)))
        store.stage(Hashes(np.array([40, 42], np.int64), np.array([7, 9], np.int32)), song_id=3)
        executor.migrate([("fingerprints", "0004_hash_popularity")])
        assert {"staged_generation", "staged_song_hash", "store_state"}.isdisjoint(table_names())
        assert column_names("fingerprinted_song") == ["song_id", "hash_count", "hash_set"]
        executor.loader.build_graph()
        executor.migrate([("fingerprints", LAST_BEFORE_LEVEL_STEPS)])

        assert store.staged() == []
        fingerprinted = store.fingerprinted().values()
        assert [(f.song_id, f.fingerprints, f.generation) for f in fingerprinted] == [(3, 2, None)]
        found = store.lookup(np.array([40, 41, 42]))
        assert sorted(zip(found.hashes.tolist(), found.frames.tolist())) == [(40, 2), (41, 5)]
        staged = store.stage(Hashes(np.array([42], np.int64), np.array([1], np.int32)), song_id=3)
        assert store.promote(staged.generation, 3)
        assert store.fingerprinted()[3].generation == staged.generation


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_fingerprints_of_the_layout_before_level_steps_go_both_ways(
    store: FingerprintStore,
) -> None:
    with before_level_steps() as executor:
        store.add(3, Hashes(np.array([40, 41], np.int64), np.array([2, 5], np.int32)))
        store.stage(Hashes(np.array([40, 42], np.int64), np.array([7, 9], np.int32)), song_id=3)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("fingerprints"))
        assert_store_is_empty(store)
        store.add(4, Hashes(np.array([50], np.int64), np.array([1], np.int32)))
        executor.loader.build_graph()
        executor.migrate([("fingerprints", LAST_BEFORE_LEVEL_STEPS)])
        assert_store_is_empty(store)


def assert_store_is_empty(store: FingerprintStore) -> None:
    assert store.count() == 0
    assert store.fingerprinted() == {} and store.staged() == []
    assert len(store.lookup(np.array([40, 41, 42, 50]))) == 0
    with connections["fingerprints"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hash_popularity")
        assert cursor.fetchone()[0] == 0
