"""Judging timelines made by hand against what played."""

from __future__ import annotations

import pytest

from bench.timeline_scoring import Judgement, Named, judge
from testsupport.mixes import Played

TRUTH = [
    Played("a", 0.0, 60.0, 10.0, 70.0, 1.0),
    Played(None, 60.0, 80.0, 0.0, 20.0, 1.0),
    Played("b", 80.0, 140.0, 0.0, 60.0, 1.04),
    Played("c", 140.0, 170.0, 5.0, 35.0, 1.0),
]


def test_a_timeline_that_follows_the_truth_finds_every_excerpt_and_names_nothing_unknown() -> None:
    named = [Named("a", 0.5, 61.0), Named("b", 79.0, 139.5), Named("c", 139.5, 170.0)]

    figures = judge(TRUTH, named).figures()

    assert (figures["found"], figures["excerpts"], figures["right"], figures["segments"]) == (
        3,
        3,
        3,
        3,
    )
    assert figures["median_boundary_error_seconds"] == pytest.approx(0.5)
    assert figures["unknown_named_seconds"] == pytest.approx(2.0)
    assert figures["unknown_named_wrongly_seconds"] == 0.0


def test_a_wrong_song_or_too_little_overlap_is_not_found_and_a_wrong_segment_is_counted() -> None:
    # "a" is right where it is, but covers under half of what "a" played.
    named = [Named("a", 0.0, 25.0), Named("x", 62.0, 78.0), Named("c", 80.0, 140.0)]

    judged = judge(TRUTH, named)

    assert (judged.found, judged.right, judged.segments) == (0, 1, 3)
    assert judged.unknown_named_seconds == judged.unknown_named_wrongly_seconds == 16.0
    assert judged.figures()["median_boundary_error_seconds"] is None


def test_totals_add_up_over_recordings() -> None:
    one = judge(TRUTH, [Named("a", 0.0, 60.0)])
    two = judge(TRUTH, [Named("b", 80.0, 140.0), Named("c", 150.0, 170.0)])

    total = Judgement.total([one, two]).figures()

    assert (total["found"], total["excerpts"], total["right"], total["segments"]) == (3, 6, 3, 3)
    assert total["recall"] == 0.5 and total["precision"] == 1.0


def test_overlapping_segments_name_each_unknown_second_once() -> None:
    # Two alignments of "a" reaching 6 and 10 s into the unknown excerpt, and a wrong song
    # over 4 s of it that one of them covers too.
    named = [Named("a", 0.0, 66.0), Named("a", 2.0, 70.0), Named("x", 66.0, 74.0)]

    judged = judge(TRUTH, named)

    assert judged.unknown_named_seconds == pytest.approx(14.0)
    assert judged.unknown_named_wrongly_seconds == pytest.approx(8.0)
    assert (judged.found, judged.right, judged.segments) == (1, 2, 3)


def test_excerpts_played_off_speed_are_counted_apart() -> None:
    figures = judge(TRUTH, [Named("b", 80.0, 140.0), Named("c", 140.0, 170.0)]).figures()

    assert (figures["off_speed_found"], figures["off_speed_excerpts"]) == (1, 1)
    assert figures["found"] == 2
    assert judge(TRUTH, [Named("a", 0.0, 60.0)]).figures()["off_speed_found"] == 0
