"""The duplicates search on stores filled with hashes made by hand, on either backend: each
song a query against the rest, copies found at their offset and speed, strangers not."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes, hashes_of_copy, pack
from fingerprints.store import FingerprintStore
from recognition.duplicates import both_ways, find_duplicates, shared_audio
from testsupport.library import BOTH_DATABASES

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES)

CONFIG = EngineConfig()
FPS = CONFIG.frames_per_second
SECONDS = 120.0
PAIRS_PER_SECOND = 60


def song_hashes(seed: int, seconds: float = SECONDS) -> Hashes:
    """Pairs as indexing makes them: any bins and levels, frame deltas in the target zone."""
    rng = np.random.default_rng(seed)
    count = int(seconds * PAIRS_PER_SECOND)
    values = pack(
        rng.integers(CONFIG.min_bin, CONFIG.max_bin - 30, count),
        rng.integers(-30, 31, count),
        rng.integers(CONFIG.target_min_frames, CONFIG.target_max_frames + 1, count),
        rng.integers(-4, 4, count),
        CONFIG,
    )
    frames = np.sort(rng.integers(0, round(seconds * FPS), count)).astype(np.int32)
    return Hashes(values, frames)


def part(hashes: Hashes, from_seconds: float, to_seconds: float, at_seconds: float) -> Hashes:
    """The pairs of ``from_seconds``–``to_seconds``, moved to start at ``at_seconds``, a
    third of them lost (a codec's doing)."""
    keep = (hashes.frames >= from_seconds * FPS) & (hashes.frames < to_seconds * FPS)
    keep &= np.arange(len(hashes)) % 3 != 0
    shift = round(at_seconds * FPS) - round(from_seconds * FPS)
    return Hashes(hashes.values[keep], (hashes.frames[keep] + shift).astype(np.int32))


def joined(*parts: Hashes) -> Hashes:
    return Hashes(
        np.concatenate([p.values for p in parts]), np.concatenate([p.frames for p in parts])
    )


@pytest.fixture
def library(store: FingerprintStore) -> FingerprintStore:
    """Songs 1–3 strangers; 4 an excerpt of 1 (30–70 s); 5 an edit of 2 (its 50–65 s cut);
    6 song 3 played 3 % fast; 7 a stranger holding 4 s of song 1."""
    one, two, three = song_hashes(1), song_hashes(2), song_hashes(3)
    store.add(1, one)
    store.add(2, two)
    store.add(3, three)
    store.add(4, part(one, 30, 70, 0))
    store.add(5, joined(part(two, 0, 50, 0), part(two, 65, SECONDS, 50)))
    store.add(6, hashes_of_copy(three, 1.03, CONFIG))
    store.add(7, joined(song_hashes(7), part(one, 80, 84, 20)))
    return store


def ends(found: object) -> list[tuple[float, ...]]:
    return [
        (r.a_from_seconds, r.a_to_seconds, r.b_from_seconds, r.b_to_seconds)
        for r in found.ranges  # type: ignore[attr-defined]
    ]


def test_every_pair_is_found_once_with_its_ranges_and_speed(library: FingerprintStore) -> None:
    found = find_duplicates(range(1, 8), library, CONFIG)

    pairs = {(s.song_a, s.song_b): s for s in found}
    assert set(pairs) == {(1, 4), (2, 5), (3, 6)}
    assert np.allclose(ends(pairs[1, 4]), [(30, 70, 0, 40)], atol=1.0)
    assert np.allclose(
        ends(pairs[2, 5]), [(0, 50, 0, 50), (65, SECONDS, 50, SECONDS - 15)], atol=1.0
    )
    assert np.allclose(ends(pairs[3, 6]), [(0, SECONDS, 0, SECONDS / 1.03)], atol=1.0)
    assert pairs[3, 6].speed == 1.03 and pairs[1, 4].speed == 1.0
    assert pairs[1, 4].strength == pytest.approx(2 / 3, abs=0.05)
    assert all(0 < s.strength <= 1 for s in found)


def test_one_song_searched_both_ways_finds_a_faster_and_a_slower_copy(
    library: FingerprintStore,
) -> None:
    """As at index time: song 6 is the faster, and the search from it finds song 3."""
    (found,) = shared_audio(6, library, CONFIG, speeds=both_ways(CONFIG))

    assert found.song_b == 3
    assert found.speed == pytest.approx(1 / 1.03)
    assert np.allclose(ends(found), [(0, SECONDS / 1.03, 0, SECONDS)], atol=1.0)


def test_hashes_not_yet_in_the_store_are_searched_as_given(library: FingerprintStore) -> None:
    """The admin checks a song before its fingerprints are live: it passes them in. Song 2's
    first minute is also in its edit, song 5."""
    given = part(song_hashes(2), 0, 60, 5)

    found = {s.song_b: s for s in shared_audio(99, library, CONFIG, speeds=(1.0,), hashes=given)}

    assert set(found) == {2, 5}
    assert np.allclose(ends(found[2]), [(5, 65, 0, 60)], atol=1.0)
    assert np.allclose(ends(found[5]), [(5, 55, 0, 50)], atol=1.0)


def test_a_song_sharing_a_few_seconds_shares_nothing(library: FingerprintStore) -> None:
    assert shared_audio(7, library, CONFIG, speeds=both_ways(CONFIG)) == []


def test_a_song_is_searched_in_a_fixed_number_of_statements(library: FingerprintStore) -> None:
    """Its own pairs (two), the rare hashes' counts and songs (two), and a lookup for each
    speed that nominated songs (at most one per speed), whatever the store holds."""
    speeds = (1.0, *CONFIG.duplicate_speed_search)
    with CaptureQueriesContext(connections["fingerprints"]) as queries:
        found = shared_audio(1, library, CONFIG, speeds=speeds)

    assert [s.song_b for s in found] == [4]
    assert 2 + 2 + 1 <= len(queries.captured_queries) <= 2 + 2 + len(speeds)
