from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes
from fingerprints.store import FingerprintStore
from recognition import matching
from recognition.retrieval import retrieve
from testsupport.library import BOTH_DATABASES

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES)

COMMON = 999
#: Ten hashes that only song 1 holds, at frames 100, 110, … 190.
SONG_1_HASHES = list(range(10, 20))


def hashes_of(values: list[int], frames: list[int]) -> Hashes:
    return Hashes(np.array(values, np.int64), np.array(frames, np.int32))


def hits_by_song(hits: matching.Hits) -> dict[int, int]:
    songs, counts = np.unique(hits.song_ids, return_counts=True)
    return dict(zip(songs.tolist(), counts.tolist()))


@pytest.fixture
def tight(config: EngineConfig) -> EngineConfig:
    """A hash of one song is rare, of more than two songs common; one candidate song a vote."""
    return dataclasses.replace(
        config,
        rare_hash_songs=1,
        common_hash_songs=2,
        candidate_songs=1,
        candidate_songs_per_speed=1,
    )


@pytest.fixture
def catalog(store: FingerprintStore) -> FingerprintStore:
    """Song 1 has its own ten hashes and the common one at frame 200; songs 2 to 5 have the
    common hash too, and song 2 a hash of its own."""
    store.add(1, hashes_of([*SONG_1_HASHES, COMMON], [*range(100, 200, 10), 200]))
    for song_id in range(2, 6):
        store.add(song_id, hashes_of([COMMON], [50 * song_id]))
    store.add(2, hashes_of([COMMON, 77], [100, 300]))
    return store


def clip_of_song_1(offset: int) -> Hashes:
    """Song 1's hashes as a clip starting at its frame ``offset`` would hold them."""
    frames = [*range(100, 200, 10), 200]
    return hashes_of([*SONG_1_HASHES, COMMON], [frame - offset for frame in frames])


def test_a_common_hash_is_fetched_only_from_the_candidates(
    catalog: FingerprintStore, tight: EngineConfig
) -> None:
    hits = retrieve(clip_of_song_1(90), catalog, tight, candidates=tight.candidate_songs)

    assert hits_by_song(hits) == {1: 11}
    assert set(hits.offset_frames.tolist()) == {90}


def test_with_no_common_hash_every_occurrence_is_fetched(
    catalog: FingerprintStore, config: EngineConfig
) -> None:
    clip = clip_of_song_1(90)

    hits = retrieve(clip, catalog, config, candidates=1)

    assert hits_by_song(hits) == {1: 11, 2: 1, 3: 1, 4: 1, 5: 1}
    assert len(hits) == len(matching.join_hits(clip, catalog.lookup(clip.values)))


def test_each_group_chooses_its_own_candidates(
    catalog: FingerprintStore, tight: EngineConfig
) -> None:
    """Group 0 is song 1's clip, group 1 holds song 2's own hash and the common one."""
    song_1 = clip_of_song_1(90)
    clip = hashes_of([*song_1.values.tolist(), 77, COMMON], [*song_1.frames.tolist(), 200, 0])
    groups = np.array([0] * len(song_1) + [1, 1])

    hits = retrieve(clip, catalog, tight, candidates=1, groups=groups, group_count=2)

    common_hits = hits.song_ids[clip.values[hits.query_rows] == COMMON]
    assert sorted(set(common_hits.tolist())) == [1, 2]


#: Song 6 holds song 1's first two hashes too, which are then distinctive but not rare.
SHARED = SONG_1_HASHES[:2]


@pytest.mark.parametrize(
    "settles_after, statements, song_1_hits",
    [(1, 2, 8), (2, 3, 10), (None, 4, 11)],
    ids=["the rare hashes settle it", "the distinctive ones do", "neither does"],
)
def test_a_vote_that_may_settle_fetches_the_rarest_hashes_first(
    catalog: FingerprintStore,
    tight: EngineConfig,
    settles_after: int | None,
    statements: int,
    song_1_hits: int,
) -> None:
    catalog.add(6, hashes_of(SHARED, [500, 510]))
    seen: list[dict[int, int]] = []

    def settles(hits: matching.Hits) -> bool:
        seen.append(hits_by_song(hits))
        return len(seen) == settles_after

    with CaptureQueriesContext(connections[catalog.alias]) as captured:
        hits = retrieve(clip_of_song_1(90), catalog, tight, candidates=1, settled=settles)

    asked = [{1: 8}, {1: 10, 6: 2}][: settles_after or 2]
    assert seen == asked  # the hits so far, after each step of the distinctive hashes
    assert len(captured) == statements
    assert hits_by_song(hits)[1] == song_1_hits


@pytest.mark.parametrize("clip_hashes", [11, 2_000])
def test_retrieval_takes_three_statements_whatever_the_clip_length(
    catalog: FingerprintStore, tight: EngineConfig, clip_hashes: int
) -> None:
    rng = np.random.default_rng(clip_hashes)
    clip = clip_of_song_1(90)
    clip = hashes_of(
        [*clip.values.tolist(), *rng.integers(1_000, 1 << 23, clip_hashes).tolist()],
        [*clip.frames.tolist(), *rng.integers(0, 1_000, clip_hashes).tolist()],
    )

    with CaptureQueriesContext(connections[catalog.alias]) as statements:
        retrieve(clip, catalog, tight, candidates=1)

    assert len(statements) == 3


def test_leading_songs_are_the_strongest_of_each_group() -> None:
    # Group 0: song 3 has 3 aligned votes, song 4 has 2. Group 1: song 5 has 2, song 3 one.
    song_ids = np.array([3, 3, 3, 4, 4, 5, 5, 3])
    offsets = np.array([10, 10, 10, 7, 7, 1, 1, 2])
    groups = np.array([0, 0, 0, 0, 0, 1, 1, 1])
    hits = matching.Hits(song_ids, offsets, np.zeros(8, np.int64), np.arange(8))

    assert [songs.tolist() for songs in matching.leading_songs(hits, groups, 2, 1, 0)] == [[3], [5]]
    assert [songs.tolist() for songs in matching.leading_songs(hits, groups, 2, 2, 0)] == [
        [3, 4],
        [3, 5],
    ]
