from __future__ import annotations

import numpy as np
import pytest

from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes
from fingerprints.store import Lookup
from recognition.matching import Hits, best_alignments, decide, join_hits, strongest_by_group


def _hits(*groups: tuple[int, np.ndarray, np.ndarray]) -> Hits:
    """Concatenate (song id, song frames, query frames) groups into Hits."""
    query_frames = np.concatenate([q for _, _, q in groups]).astype(np.int64)
    return Hits(
        np.concatenate([np.full(len(s), song) for song, s, _ in groups]).astype(np.int64),
        np.concatenate([s for _, s, _ in groups]).astype(np.int64),
        query_frames,
        np.arange(len(query_frames)),
    )


def _aligned(
    song: int, offset: int, count: int, jitter: np.ndarray | int = 0, spacing: int = 3
) -> tuple:
    query = np.arange(count) * spacing
    return song, query + offset + jitter, query


def _chance(seed: int, count: int, songs: int = 50) -> list[tuple]:
    rng = np.random.default_rng(seed)
    return [
        (int(s), rng.integers(0, 20000, 1), rng.integers(0, 400, 1))
        for s in rng.integers(1, songs, count)
    ]


def test_recovers_the_song_and_offset_among_chance_hits(config: EngineConfig) -> None:
    verdict = decide(_hits(_aligned(7, 1234, 40), *_chance(0, 500)), config)

    assert verdict.winner is not None
    assert (verdict.winner.song_id, verdict.winner.offset_frames) == (7, 1234)
    assert verdict.winner.aligned_matches >= 40
    assert verdict.confidence > 0.8
    assert verdict.background < 5


def test_votes_one_frame_apart_count_together(config: EngineConfig) -> None:
    jitter = np.random.default_rng(1).integers(-1, 2, 30)
    verdict = decide(_hits(_aligned(3, 500, 30, jitter), *_chance(2, 200)), config)

    assert verdict.winner is not None and verdict.winner.song_id == 3
    assert verdict.winner.aligned_matches >= 25
    assert abs(verdict.winner.offset_frames - 500) <= 1


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

    found = best_alignments(hits, tolerance)
    assert {c.song_id: c.aligned_matches for c in found} == expected
    assert [c.aligned_matches for c in found] == sorted(expected.values(), reverse=True)


def test_negative_offsets_are_recovered() -> None:
    [best] = best_alignments(_hits(_aligned(2, -40, 12)), tolerance_frames=1)
    assert (best.song_id, best.offset_frames, best.aligned_matches) == (2, -40, 12)


def test_each_group_counts_only_its_own_votes() -> None:
    # Groups 0 and 2 vote for song 5 at the same offset; group 1 only for song 8.
    hits = _hits(_aligned(5, 100, 12), _aligned(5, 100, 7), _aligned(8, 30, 9), *_chance(3, 60))
    groups = np.r_[np.zeros(12), np.full(7, 2), np.ones(9), np.full(60, 3)].astype(np.int64)

    strength = strongest_by_group(hits, groups, group_count=4, tolerance_frames=1)

    assert strength[:3].tolist() == [12, 9, 7]
    assert strength[3] <= 2


def test_runner_up_songs_are_reported_strongest_first(config: EngineConfig) -> None:
    hits = _hits(_aligned(1, 10, 60), _aligned(2, 99, 9), _aligned(3, 5, 4))
    verdict = decide(hits, config)

    assert [c.song_id for c in verdict.candidates] == [1, 2, 3]
    assert [c.aligned_matches for c in verdict.candidates] == [60, 9, 4]


def test_a_second_recording_of_the_passage_does_not_veto_the_winner(
    config: EngineConfig,
) -> None:
    hits = _hits(_aligned(1, 10, 40), _aligned(2, 700, 30), *_chance(4, 500))

    verdict = decide(hits, config)

    assert verdict.winner is not None and verdict.winner.song_id == 1
    assert verdict.candidates[1].song_id == 2
    assert verdict.confidence == pytest.approx(1 - 30 / 40, abs=0.05)


_rivals = [_aligned(2, 400, 10), _aligned(3, 50, 5), *_chance(5, 300)]


def _in_moments(song: int, offset: int, count: int, moments: int, config: EngineConfig) -> tuple:
    """``count`` votes for ``offset`` from ``moments`` instants of the clip a slice apart."""
    query = (np.arange(count) % moments) * config.spread_slice_frames
    return song, query + offset, query


@pytest.mark.parametrize(
    "votes, spacing, named",
    [
        pytest.param(22, 5, True, id="2.2 times, spread over the clip"),
        pytest.param(26, 2, True, id="2.6 times, over a second"),
        pytest.param(24, 2, False, id="2.4 times, over a second"),
    ],
)
def test_the_lead_a_winner_needs_falls_as_its_votes_spread(
    votes: int, spacing: int, named: bool, config: EngineConfig
) -> None:
    # The runner-up has 10 votes and is no second recording (a third song has 5).
    hits = _hits(_aligned(1, 1000, votes, spacing=spacing), *_rivals)

    verdict = decide(hits, config)

    assert (verdict.winner is not None) is named
    assert verdict.candidates[0].song_id == 1


@pytest.mark.parametrize(
    "votes, moments, named",
    [
        pytest.param(26, 3, False, id="2.6 times"),
        pytest.param(34, 3, False, id="3.4 times"),
        pytest.param(36, 3, True, id="3.6 times"),
        pytest.param(100, 2, False, id="10 times, from two moments"),
        pytest.param(100, 1, False, id="10 times, from one moment"),
    ],
)
def test_votes_from_a_few_moments_need_a_clear_lead_and_one_moment_is_never_a_song(
    votes: int, moments: int, named: bool, config: EngineConfig
) -> None:
    hits = _hits(_in_moments(1, 1000, votes, moments, config), *_rivals)

    verdict = decide(hits, config)

    assert (verdict.winner is not None) is named
    assert verdict.candidates[0].song_id == 1


def test_a_retry_gets_no_allowance_for_spread(config: EngineConfig) -> None:
    hits = _hits(_aligned(1, 1000, 22, spacing=5), *_rivals)

    assert decide(hits, config, retry=True).winner is None


@pytest.mark.parametrize(
    "groups",
    [
        pytest.param([], id="no hits"),
        pytest.param(_chance(3, 800), id="chance only"),
        pytest.param([_aligned(1, 10, 30), _aligned(2, 70, 28)], id="two songs neck and neck"),
        pytest.param(
            [_aligned(1, 10, 40), _aligned(2, 70, 30), _aligned(3, 50, 20)],
            id="three songs align: the winner is not far from chance",
        ),
        pytest.param([_aligned(1, 10, 6)], id="too few aligned"),
    ],
)
def test_no_song_is_named_without_a_clear_winner(groups: list[tuple], config: EngineConfig) -> None:
    verdict = decide(_hits(*groups) if groups else _hits(_aligned(1, 0, 0)), config)

    assert verdict.winner is None
    assert verdict.confidence == 0.0


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
