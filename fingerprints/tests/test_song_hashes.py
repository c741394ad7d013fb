"""``FingerprintStore.song_hashes``: a song's own fingerprints read back from the store."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from fingerprints.hashes import Hashes
from fingerprints.store import FingerprintStore
from testsupport.library import BOTH_DATABASES

from .test_store import explained, random_hashes, vendor

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES)


def pairs(hashes: Hashes) -> set[tuple[int, int]]:
    return set(zip(hashes.values.tolist(), hashes.frames.tolist()))


def test_a_song_reads_back_the_distinct_pairs_it_was_indexed_with(store: FingerprintStore) -> None:
    indexed = random_hashes(3, 4000)
    store.add(1, indexed)
    store.add(2, Hashes(indexed.values[:500], indexed.frames[:500] + 7))

    found = store.song_hashes(1)

    assert pairs(found) == pairs(indexed)
    assert len(found) == len(pairs(indexed))
    assert np.all(np.diff(found.values) >= 0)
    assert found.frames.dtype == np.int32


def test_a_song_the_store_does_not_hold_has_no_pairs(store: FingerprintStore) -> None:
    store.add(1, random_hashes(3, 100))

    assert len(store.song_hashes(99)) == 0


def test_a_deleted_song_has_no_pairs(store: FingerprintStore) -> None:
    store.add(1, random_hashes(3, 100))
    store.delete([1])

    assert len(store.song_hashes(1)) == 0


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_reading_a_song_is_two_statements_seeking_the_primary_key(
    store: FingerprintStore,
) -> None:
    """On a compacted store of songs larger than the one read, as
    ``test_lookup_seeks_the_primary_key`` explains the lookup: the song's rows are sought by
    (hash, song), never read by scanning. (With twenty rows PostgreSQL rightly reads
    ``fingerprinted_song`` whole rather than seek its key.)"""
    for song_id in range(1, 21):
        store.add(song_id, random_hashes(song_id, 500 if song_id == 4 else 5000))
    store.compact()
    with CaptureQueriesContext(connections["fingerprints"]) as queries:
        store.song_hashes(4)
    statements = [query["sql"] for query in queries.captured_queries]

    assert len(statements) == 2
    plan = explained(statements[1])
    if vendor() == "sqlite":
        (song_plan,) = explained(statements[0])
        assert song_plan.startswith("SEARCH fingerprinted_song USING INDEX"), song_plan
        assert "SEARCH song_hash USING PRIMARY KEY (hash=? AND song_id=?)" in plan, plan
        assert not any(step.startswith("SCAN song_hash") for step in plan), plan
    else:
        assert any("Index Scan using song_hash_pkey on song_hash" in step for step in plan), plan
        assert not any("Seq Scan" in step for step in plan), plan
