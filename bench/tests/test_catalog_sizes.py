"""Catalog sizes: multiples of the indexed hours, asked for as multiples or hours, each grown
from the last by the distractors it adds."""

from __future__ import annotations

import argparse
import math

import pytest

from bench.catalog_sizes import (
    DEFAULT_SIZES,
    CatalogSize,
    SizeRequest,
    increments,
    parse_sizes,
    plan_sizes,
)
from bench.indexing_workers import first_hours
from bench.split import Track

#: The indexed hours of the 68-track development folder.
DEV_INDEXED_HOURS = 2.9


def test_sizes_are_multiples_or_hours() -> None:
    assert parse_sizes("1, 10,150h") == [
        SizeRequest(1.0),
        SizeRequest(10.0),
        SizeRequest(150.0, in_hours=True),
    ]
    for bad in ("0.5", "ten", "", "-3h", "0h"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_sizes(bad)


def test_the_default_top_size_holds_150_hours_or_more() -> None:
    sizes = plan_sizes(parse_sizes(DEFAULT_SIZES), DEV_INDEXED_HOURS)
    assert [size.multiple for size in sizes] == [1, 10, 52]
    assert sizes[-1].hours >= 150 > sizes[-1].hours - DEV_INDEXED_HOURS
    assert [size.label for size in sizes] == ["1×", "10×", "52×"]


def test_a_size_adds_its_multiple_less_one_of_distractor_hours() -> None:
    one, two, ten = plan_sizes(parse_sizes("10,2,1,2"), DEV_INDEXED_HOURS)
    assert (one.distractor_hours, one.hours) == (0, DEV_INDEXED_HOURS)
    assert two.distractor_hours == pytest.approx(DEV_INDEXED_HOURS)
    assert (ten.hours, ten.distractor_hours) == pytest.approx((29.0, 26.1))


def test_hours_below_the_indexed_tracks_are_the_tracks_alone() -> None:
    assert plan_sizes([SizeRequest(2.0, in_hours=True)], DEV_INDEXED_HOURS) == [
        CatalogSize(1.0, DEV_INDEXED_HOURS)
    ]
    assert plan_sizes([SizeRequest(8.7, in_hours=True)], DEV_INDEXED_HOURS)[0].multiple == 3


def _ten_minute_distractors(hours: float) -> list[Track]:
    """As ``distractor_tracks`` gives them: the first that add up to ``hours`` or more."""
    return [Track(f"/cache/d{n}.flac", 600.0) for n in range(math.ceil(round(hours * 6, 9)))]


def test_each_size_adds_the_distractors_beyond_the_last_size() -> None:
    sizes = plan_sizes(parse_sizes("1,2,4"), indexed_hours=0.5)
    steps = list(increments(sizes, _ten_minute_distractors))
    assert [size.multiple for size, _ in steps] == [1, 2, 4]
    assert [len(added) for _, added in steps] == [0, 3, 6]
    every = [track for _, added in steps for track in added]
    assert every == _ten_minute_distractors(1.5)


def test_distractors_that_do_not_grow_by_appending_are_refused() -> None:
    def shuffled(hours: float) -> list[Track]:
        return _ten_minute_distractors(hours)[::-1]

    steps = increments(plan_sizes(parse_sizes("2,4"), indexed_hours=0.5), shuffled)
    next(steps)
    with pytest.raises(ValueError, match="begin with"):
        next(steps)


def test_the_workers_sample_is_the_first_tracks_reaching_the_hours() -> None:
    tracks = _ten_minute_distractors(1.0)
    assert first_hours(tracks, 0.5) == tracks[:3]
    assert first_hours(tracks, 0.55) == tracks[:4]
    assert first_hours(tracks, 5.0) == tracks
