"""Judging reported pairs against seeded ones: ranges within 2 s, either way round, at the
seeded speed; every other pair a false one, by kind."""

from __future__ import annotations

from bench.duplicate_scoring import Reported, range_error, score
from bench.duplicate_seeds import Range, Seeded

EDIT = Seeded("radio edit", "/a.ogg", "/edit.mp3", (Range(0, 60, 0, 60), Range(90, 200, 60, 170)))
FAST = Seeded("+3 % speed", "/b.ogg", "/fast.flac", (Range(0, 103, 0, 100),), 1.03)
LOOPS = [Seeded("shares a 4 s sample", "/loop-a.flac", "/loop-b.flac", ())]


def test_ranges_a_second_off_are_found_and_three_seconds_off_are_not() -> None:
    near = Reported("/a.ogg", "/edit.mp3", 1.0, 0.4, ((0.5, 59, 0.5, 59), (91, 199, 61, 169)))
    far = Reported("/a.ogg", "/edit.mp3", 1.0, 0.4, ((0.5, 59, 0.5, 59), (93, 199, 63, 169)))

    assert range_error(EDIT, near) == 1.0
    assert range_error(EDIT, far) == 3.0


def test_a_pair_reported_the_other_way_round_is_read_so() -> None:
    swapped = Reported("/fast.flac", "/b.ogg", 1 / 1.03, 0.2, ((0.5, 99.5, 0.5, 102.5),))

    assert range_error(FAST, swapped) == 0.5


def test_a_wrong_speed_is_not_found() -> None:
    as_played = Reported("/b.ogg", "/fast.flac", 1.0, 0.2, ((0, 103, 0, 100),))

    assert range_error(FAST, as_played) is None


def test_figures_count_found_pairs_and_false_ones_by_kind() -> None:
    reported = [
        Reported("/a.ogg", "/edit.mp3", 1.0, 0.4, ((0, 60, 0, 60), (90, 200, 60, 170))),
        Reported("/loop-a.flac", "/loop-b.flac", 1.0, 0.1, ((0, 12, 0, 12),)),
        Reported("/c.ogg", "/d.ogg", 1.0, 0.07, ((0, 50, 0, 50),)),
        Reported("/c.ogg", "/e.ogg", 1.0, 0.07, ((0, 50, 0, 50),)),
    ]

    figures = score(
        [EDIT, FAST], LOOPS, reported, {"/c.ogg", "/d.ogg", "/e.ogg"}, [("/c.ogg", "/e.ogg")]
    )

    assert (figures["seeded"], figures["found"]) == (2, 1)
    assert [row["found"] for row in figures["duplicates"]] == [True, False]
    assert figures["seeded_non_duplicates_reported"] == 1
    assert figures["versions_reported"] == 1
    assert figures["other_false_pairs"] == figures["folder_pairs"] == 1
