"""Offset-histogram voting on hits built by hand: tallies, each song's best offset, joins."""

from __future__ import annotations

import numpy as np
import pytest

from fingerprints.hashes import Hashes
from fingerprints.store import Lookup
from recognition.matching import Hits, candidates, join_hits, strongest_by_group, tally
from recognition.tests.votes import aligned, chance, hits_of


def test_votes_one_frame_apart_count_together() -> None:
    jitter = np.random.default_rng(1).integers(-1, 2, 30)
    hits = hits_of(aligned(3, 500, 30, jitter), *chance(2, 200))

    best = candidates(tally(hits, tolerance_frames=1))[0]

    assert best.song_id == 3
    assert best.aligned_matches >= 25
    assert abs(best.offset_frames - 500) <= 1


@pytest.mark.parametrize("tolerance", [0, 1, 2, 5])
def test_each_songs_best_offset_counts_the_votes_within_the_tolerance(tolerance: int) -> None:
    rng = np.random.default_rng(tolerance)
    songs, offsets = rng.integers(1, 6, 3000), rng.integers(-40, 40, 3000)
    hits = Hits(songs, offsets + 100, np.full(3000, 100), np.arange(3000))

    expected = {
        int(song): max(
            int(np.sum(np.abs(offsets[songs == song] - offset) <= tolerance))
            for offset in np.unique(offsets[songs == song])
        )
        for song in np.unique(songs)
    }

    found = candidates(tally(hits, tolerance))
    assert {c.song_id: c.aligned_matches for c in found} == expected
    assert [c.aligned_matches for c in found] == sorted(expected.values(), reverse=True)


def test_negative_offsets_are_recovered() -> None:
    [best] = candidates(tally(hits_of(aligned(2, -40, 12)), tolerance_frames=1))
    assert (best.song_id, best.offset_frames, best.aligned_matches) == (2, -40, 12)


def test_each_group_counts_only_its_own_votes() -> None:
    # Groups 0 and 2 vote for song 5 at the same offset; group 1 only for song 8.
    hits = hits_of(aligned(5, 100, 12), aligned(5, 100, 7), aligned(8, 30, 9), *chance(3, 60))
    groups = np.r_[np.zeros(12), np.full(7, 2), np.ones(9), np.full(60, 3)].astype(np.int64)

    strength = strongest_by_group(hits, groups, group_count=4, tolerance_frames=1)

    assert strength[:3].tolist() == [12, 9, 7]
    assert strength[3] <= 2


def test_join_pairs_every_occurrence_with_every_query_time() -> None:
    query = Hashes(np.array([5, 9, 5, 7]), np.array([0, 1, 2, 3], np.int32))
    lookup = Lookup(
        hashes=np.array([5, 9, 9, 4]),
        song_ids=np.array([1, 1, 2, 3]),
        frames=np.array([10, 11, 30, 40]),
    )

    hits = join_hits(query, lookup)

    pairs = sorted(
        zip(
            hits.song_ids.tolist(),
            hits.song_frames.tolist(),
            hits.query_frames.tolist(),
            query.values[hits.query_rows].tolist(),
        )
    )
    assert pairs == [(1, 10, 0, 5), (1, 10, 2, 5), (1, 11, 1, 9), (2, 30, 1, 9)]
