"""Shared ranges read from hits made by hand: copies, cuts, loops, gaps, chance, speed."""

from __future__ import annotations

import numpy as np
import pytest

from fingerprints.config import EngineConfig
from recognition.matching import Hits
from recognition.overlaps import SharedRange, shared_ranges

CONFIG = EngineConfig()
FPS = CONFIG.frames_per_second
#: Aligned pairs a second of a copy holds (a low-bit-rate copy keeps about this many).
PER_SECOND = 12


def stretch(a_from: float, a_to: float, b_from: float, seed: int = 0) -> tuple:
    """Hits of A's seconds ``a_from``–``a_to`` found at B's ``b_from`` on, as (B frames, A
    frames), a frame of jitter either way as real alignments have."""
    rng = np.random.default_rng(seed)
    count = int((a_to - a_from) * PER_SECOND)
    a_frames = np.sort(rng.integers(round(a_from * FPS), round(a_to * FPS), count))
    offset = round(b_from * FPS) - round(a_from * FPS)
    return a_frames + offset + rng.integers(-1, 2, count), a_frames


def chance(count: int, seed: int = 1, a_seconds: float = 200.0) -> tuple:
    rng = np.random.default_rng(seed)
    a_frames = rng.integers(0, round(a_seconds * FPS), count)
    return rng.integers(0, round(a_seconds * FPS), count), a_frames


def hits_of(*parts: tuple) -> Hits:
    b = np.concatenate([p[0] for p in parts]).astype(np.int64)
    a = np.concatenate([p[1] for p in parts]).astype(np.int64)
    return Hits(np.full(len(a), 7), b, a, np.arange(len(a)))


def ends(found: SharedRange) -> tuple[float, float, float, float]:
    return found.a_from_seconds, found.a_to_seconds, found.b_from_seconds, found.b_to_seconds


def assert_near(found: SharedRange, expected: tuple[float, ...], within: float = 0.5) -> None:
    assert np.allclose(ends(found), expected, atol=within), ends(found)


def test_a_copy_shares_one_range_from_end_to_end() -> None:
    (found,) = shared_ranges(hits_of(stretch(0, 180, 0), chance(300)), CONFIG)

    assert_near(found, (0, 180, 0, 180))
    assert found.votes >= 0.9 * 180 * PER_SECOND


def test_an_excerpt_is_placed_in_both_songs() -> None:
    (found,) = shared_ranges(hits_of(stretch(40, 85, 0)), CONFIG)

    assert_near(found, (40, 85, 0, 45))


def test_a_cut_in_the_middle_makes_two_ranges() -> None:
    """The radio edit: A 0–60 s is B 0–60 s, A 90–200 s is B 60–170 s."""
    found = shared_ranges(hits_of(stretch(0, 60, 0), stretch(90, 200, 60, seed=2)), CONFIG)

    assert len(found) == 2
    assert_near(found[0], (0, 60, 0, 60))
    assert_near(found[1], (90, 200, 60, 170))


def test_a_gap_shorter_than_the_limit_does_not_split_a_range() -> None:
    gap = CONFIG.duplicate_max_gap_seconds - 2
    (found,) = shared_ranges(
        hits_of(stretch(0, 30, 5), stretch(30 + gap, 60, 5 + 30 + gap)), CONFIG
    )

    assert_near(found, (0, 60, 5, 65))


def test_a_shared_sample_shorter_than_the_minimum_is_no_range() -> None:
    """A 4 s loop two songs share, twice in each at other spacings, under chance hits."""
    sample = CONFIG.duplicate_min_seconds * 0.4
    loops = hits_of(
        stretch(30, 30 + sample, 100),
        stretch(70, 70 + sample, 100, seed=3),
        stretch(30, 30 + sample, 125, seed=4),
        chance(400),
    )

    assert shared_ranges(loops, CONFIG) == []


def test_sustained_alignment_just_past_the_minimum_is_a_range() -> None:
    length = CONFIG.duplicate_min_seconds + 2

    (found,) = shared_ranges(hits_of(stretch(50, 50 + length, 10)), CONFIG)

    assert_near(found, (50, 50 + length, 10, 10 + length))


def test_chance_hits_alone_share_nothing() -> None:
    assert shared_ranges(hits_of(chance(3000)), CONFIG) == []


def test_no_hits_share_nothing() -> None:
    assert shared_ranges(hits_of(chance(0)), CONFIG) == []


@pytest.mark.parametrize("speed", [1.03, 1.05])
def test_a_copy_at_a_speed_is_read_in_the_slower_songs_seconds(speed: float) -> None:
    """The query frames are A's pairs moved to B's speed: A's seconds are ``speed`` times
    them."""
    b_frames, a_frames = stretch(0, 100 / speed, 0)

    (found,) = shared_ranges(hits_of((b_frames, a_frames)), CONFIG, speed=speed)

    assert_near(found, (0, 100, 0, 100 / speed))


def test_a_drifting_alignment_stays_one_range() -> None:
    """A copy at a speed between the steps searched: the offset drifts by a frame every
    four seconds."""
    b_frames, a_frames = stretch(0, 120, 0)
    drifted = b_frames + (a_frames // round(4 * FPS))

    (found,) = shared_ranges(hits_of((drifted, a_frames)), CONFIG)

    assert_near(found, (0, 120, 0, 120), within=1.0)


def test_a_passage_the_other_song_plays_twice_is_a_range_at_each() -> None:
    """B loops A's passage: each slice of it lines up at two offsets, and each is a range."""
    found = shared_ranges(hits_of(stretch(10, 40, 10), stretch(10, 40, 100, seed=5)), CONFIG)
    found.sort(key=lambda r: r.b_from_seconds)

    assert len(found) == 2
    assert_near(found[0], (10, 40, 10, 40))
    assert_near(found[1], (10, 40, 100, 130))


def test_a_passage_each_song_repeats_inside_what_they_share_is_no_new_range() -> None:
    """A copy of a song that plays its 10–25 s again at 40–55 s: that passage also lines up
    20 s off, inside the stretch the copy shares whole."""
    repeat = hits_of(stretch(0, 60, 0), stretch(10, 25, 40, seed=6), stretch(40, 55, 10, seed=7))

    (found,) = shared_ranges(repeat, CONFIG)

    assert_near(found, (0, 60, 0, 60))
