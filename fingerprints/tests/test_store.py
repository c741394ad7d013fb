from __future__ import annotations

import os

import numpy as np
import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from fingerprints.hashes import Hashes
from fingerprints.store import MAX_FRAME, FingerprintStore, Lookup, pack_frames, unpack_frames
from fingerprints.wiring import STORES
from testsupport.library import BOTH_DATABASES

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES)


def make_hashes(values: list[int], frames: list[int]) -> Hashes:
    return Hashes(np.array(values, np.int64), np.array(frames, np.int32))


def occurrences(lookup: Lookup) -> set[tuple[int, int, int]]:
    """(hash, song id, frame) of every row found."""
    return set(zip(lookup.hashes.tolist(), lookup.song_ids.tolist(), lookup.frames.tolist()))


def random_hashes(seed: int, n: int) -> Hashes:
    rng = np.random.default_rng(seed)
    return Hashes(rng.integers(0, 1 << 23, n), rng.integers(0, 1 << 16, n).astype(np.int32))


def vendor() -> str:
    return connections["fingerprints"].vendor


def test_the_store_is_on_the_database_the_environment_names(store: FingerprintStore) -> None:
    """A KAZOOM_FINGERPRINTS_URL that settings ignored would leave the suite on SQLite."""
    named = "postgresql" if os.environ.get("KAZOOM_FINGERPRINTS_URL", "").strip() else "sqlite"

    assert vendor() == named
    assert type(store) is STORES[named]


@pytest.fixture
def two_songs(store: FingerprintStore) -> FingerprintStore:
    """Song 7 and song 8 share hash 100 (at different frames)."""
    store.add(7, make_hashes([100, 200, 300], [0, 5, (1 << 20) + 3]))
    store.add(8, make_hashes([100, 400], [9, 12]))
    return store


def test_lookup_finds_song_ids_and_frames(two_songs: FingerprintStore) -> None:
    found = two_songs.lookup(np.array([100, 300, 300, 999]))

    assert len(found) == 3
    assert occurrences(found) == {(100, 7, 0), (100, 8, 9), (300, 7, (1 << 20) + 3)}


def test_lookup_is_exact_for_ids_beyond_a_doubles_precision(store: FingerprintStore) -> None:
    song_id = (1 << 62) + 1
    store.add(song_id, make_hashes([(1 << 23) - 1, (1 << 23) - 1], [MAX_FRAME, 0]))

    found = store.lookup(np.array([(1 << 23) - 1]))

    assert occurrences(found) == {((1 << 23) - 1, song_id, MAX_FRAME), ((1 << 23) - 1, song_id, 0)}


def test_a_hash_a_song_repeats_is_one_row_finding_every_frame(store: FingerprintStore) -> None:
    store.add(4, make_hashes([50, 60, 50, 50], [70_000, 3, 1, 2]))
    store.add(5, make_hashes([50], [8]))

    found = store.lookup(np.array([50]))

    assert sorted(zip(found.song_ids.tolist(), found.frames.tolist())) == [
        (4, 1),
        (4, 2),
        (4, 70_000),
        (5, 8),
    ]
    assert table_rows() == 3


def test_frames_beyond_the_packing_are_refused_and_nothing_changes(
    two_songs: FingerprintStore,
) -> None:
    with pytest.raises(ValueError, match="anchor frames"):
        two_songs.add(7, make_hashes([100, 900], [1, MAX_FRAME + 1]))

    assert two_songs.count() == 5
    assert occurrences(two_songs.lookup(np.array([100, 900]))) == {(100, 7, 0), (100, 8, 9)}


@pytest.mark.parametrize("frames", [[], [0], [1, 255, 256, 65_536, MAX_FRAME]])
def test_frames_pack_to_three_bytes_each_and_back(frames: list[int]) -> None:
    packed = pack_frames(np.array(frames, np.int64))

    assert len(packed) == 3 * len(frames)
    assert unpack_frames(packed).tolist() == frames


def test_lookup_of_nothing_finds_nothing(two_songs: FingerprintStore) -> None:
    assert len(two_songs.lookup(np.array([], np.int64))) == 0


def test_lookup_in_songs_finds_each_selections_hashes_in_its_own_songs_once(
    two_songs: FingerprintStore,
) -> None:
    with CaptureQueriesContext(connections[two_songs.alias]) as statements:
        found = two_songs.lookup_in_songs(
            [
                (np.array([100, 300]), np.array([8])),
                (np.array([100, 400]), np.array([7, 8])),
                (np.array([200]), np.array([], np.int64)),
            ]
        )

    assert len(statements) == 1
    assert len(found) == 3  # song 8's hash 100, asked for twice, is found once
    assert occurrences(found) == {(100, 8, 9), (100, 7, 0), (400, 8, 12)}


def test_lookup_in_no_songs_asks_nothing(two_songs: FingerprintStore) -> None:
    with CaptureQueriesContext(connections[two_songs.alias]) as statements:
        found = two_songs.lookup_in_songs([(np.array([100]), np.array([], np.int64))])

    assert len(found) == 0 and len(statements) == 0


def test_add_counts_distinct_rows(store: FingerprintStore) -> None:
    assert store.add(3, make_hashes([50, 50, 50, 60], [1, 1, 2, 1])) == 3
    assert store.count() == 3


def test_add_again_replaces(two_songs: FingerprintStore) -> None:
    two_songs.add(7, make_hashes([100, 200, 300], [0, 5, (1 << 20) + 3]))
    assert two_songs.count() == 5
    assert len(two_songs.lookup(np.array([100, 200, 300]))) == 4

    two_songs.add(7, make_hashes([500], [1]))
    assert two_songs.count() == 3
    assert occurrences(two_songs.lookup(np.array([100, 200, 300, 500]))) == {
        (100, 8, 9),
        (500, 7, 1),
    }


def test_delete_removes_only_that_song(two_songs: FingerprintStore) -> None:
    assert two_songs.delete([7, 12345]) == 3

    assert two_songs.count() == 2
    assert occurrences(two_songs.lookup(np.array([100, 200, 300, 400]))) == {
        (100, 8, 9),
        (400, 8, 12),
    }


def test_count_is_of_every_songs_pairs_until_they_are_deleted(two_songs: FingerprintStore) -> None:
    assert two_songs.count() == 5

    two_songs.delete([7, 8])

    assert two_songs.count() == 0
    assert len(two_songs.lookup(np.array([100, 200, 300, 400]))) == 0


@pytest.mark.parametrize("n_hashes", [10, 5000])
def test_lookup_is_one_statement(store: FingerprintStore, n_hashes: int) -> None:
    stored = random_hashes(1, 20_000)
    store.add(1, stored)

    with CaptureQueriesContext(connections["fingerprints"]) as queries:
        found = store.lookup(stored.values[:n_hashes])

    assert len(queries.captured_queries) == 1
    assert set(found.hashes.tolist()) == set(stored.values[:n_hashes].tolist())


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_lookup_seeks_the_primary_key(store: FingerprintStore) -> None:
    """Explains the statement the store really ran, as captured, not a copy of its SQL, on a
    store compacted as a bulk run leaves it (PostgreSQL's planner has statistics then) and
    large enough that reading every page would cost more than seeking."""
    for song_id in range(1, 11):
        store.add(song_id, random_hashes(song_id, 5000))
    store.compact()
    with CaptureQueriesContext(connections["fingerprints"]) as queries:
        store.lookup(random_hashes(1, 100).values)
    (statement,) = [query["sql"] for query in queries.captured_queries]

    plan = explained(statement)

    if vendor() == "sqlite":
        assert any(step.startswith("SEARCH song_hash USING PRIMARY KEY") for step in plan), plan
        assert not any(step.startswith("SCAN song_hash") for step in plan), plan
    else:
        assert any("Index Scan using song_hash_pkey on song_hash" in step for step in plan), plan
        assert any("Index Cond: (hash = ANY" in step for step in plan), plan
        assert not any("Seq Scan" in step for step in plan), plan


def explained(statement: str) -> list[str]:
    """The steps of the plan of ``statement``: SQLite's query plan, PostgreSQL's EXPLAIN."""
    with connections["fingerprints"].cursor() as cursor:
        if vendor() == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {statement}")
        else:
            cursor.execute(f"EXPLAIN {statement}")
        return [row[-1] for row in cursor.fetchall()]


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_compact_keeps_every_row_in_fewer_pages(store: FingerprintStore) -> None:
    songs = {song_id: random_hashes(song_id, 3000) for song_id in range(1, 9)}
    for song_id, hashes in songs.items():
        store.add(song_id, hashes)
    wanted = np.concatenate([hashes.values for hashes in songs.values()])
    before, size = occurrences(store.lookup(wanted)), store.size_bytes()

    store.compact()

    assert occurrences(store.lookup(wanted)) == before
    assert len(before) == store.count()
    assert store.size_bytes() < 0.95 * size


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_size_counts_every_table_of_the_store(store: FingerprintStore) -> None:
    """The popularity counts take room beside the rows they count; a size without them
    would flatter the store. (Compacted, since SQLite's file keeps the pages earlier tests
    freed.)"""
    store.add(1, random_hashes(1, 100))
    store.compact()
    before = store.size_bytes()
    with connections["fingerprints"].cursor() as cursor:
        cursor.execute(
            "INSERT INTO hash_popularity (hash, songs) "
            "SELECT value, 2 FROM (WITH RECURSIVE n(value) AS "
            "(SELECT 1 << 30 UNION ALL SELECT value + 1 FROM n WHERE value < (1 << 30) + 49999) "
            "SELECT value FROM n) AS added"
        )
    store.compact()

    assert store.size_bytes() > before + 50_000 * 8


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_compact_leaves_the_rows_in_hash_order(store: FingerprintStore) -> None:
    """SQLite's table always is (it is its primary key's B-tree); PostgreSQL's heap is once
    compacted, though songs were added one after the other."""
    for song_id in range(1, 4):
        store.add(song_id, random_hashes(song_id, 2000))

    store.compact()

    stored = [value for value, _ in rows_as_stored()]
    assert len(stored) > 5000
    assert stored == sorted(stored)


def rows_as_stored() -> list[tuple[int, int]]:
    """(hash, song id) of every row of ``song_hash``, in the order the table's pages hold them."""
    with connections["fingerprints"].cursor() as cursor:
        if vendor() == "sqlite":
            cursor.execute("SELECT hash, song_id FROM song_hash")
        else:
            cursor.execute("SELECT hash, song_id FROM song_hash ORDER BY ctid")
        return cursor.fetchall()


def table_rows() -> int:
    with connections["fingerprints"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM song_hash")
        return int(cursor.fetchone()[0])
