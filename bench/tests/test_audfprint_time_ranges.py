"""Reading audfprint's ``match --find-time-range`` output as a timeline, and judging it.

The lines are audfprint2 0.1.2's own output (``-t 65536 -R -Q 0.01 -x 8 -v``), captured on
three synthetic 60 s songs (``synth_song`` seeds 1–3) and a mix of them written as MP3: 28.5 s
of song 1, 12 s of a song no catalog holds, 30 s of song 2 played 5 % fast, 38 s of song 3.
The songs repeat their bars, so song 3 matches at several alignments over the same stretch.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.systems.audfprint import TimeRange, parse_time_ranges
from bench.timeline_scoring import judge
from bench.timeline_systems import segments_of
from testsupport.mixes import Played

MIX = Path("/w/mix.mp3")
SONG = "/w/song_{}.flac"
TRUTH = [
    Played(SONG.format(1), 0.0, 28.5, 5.0, 33.5, 1.0),
    Played(None, 28.5, 40.5, 3.5, 15.5, 1.0),
    Played(SONG.format(2), 40.5, 70.33, 11.575, 42.9, 1.05),
    Played(SONG.format(3), 70.33, 108.33, 2.0, 40.0, 1.0),
]
OUTPUT = """\
DEBUG:audfprint2:Wed Dec  2 17:40:00 2026 Reading hash table /w/fp.hdf
DEBUG:audfprint:Read fprints for 3 files (4538 hashes) from /w/fp.hdf (0.00% dropped)
DEBUG:audfprint2:Wed Dec  2 17:40:02 2026 Analyzed #0 /w/mix.mp3 of 108.159 s to 9754 hashes
DEBUG:audfprint2:Matched   35.8 s starting at   71.0 s in /w/mix.mp3 to time    2.7 s in \
/w/song_3.flac with   731 of 10132 common hashes at rank  0
DEBUG:audfprint2:Matched   24.7 s starting at    1.1 s in /w/mix.mp3 to time    6.2 s in \
/w/song_1.flac with   453 of  2819 common hashes at rank  1
DEBUG:audfprint2:Matched   32.1 s starting at   71.0 s in /w/mix.mp3 to time   25.4 s in \
/w/song_3.flac with   291 of 10132 common hashes at rank  0
DEBUG:audfprint2:Matched   30.4 s starting at   76.4 s in /w/mix.mp3 to time    1.4 s in \
/w/song_3.flac with   202 of 10132 common hashes at rank  0
DEBUG:audfprint2:Wed Dec  2 17:40:02 2026 Analyzed #1 /w/song_2.flac of 59.606 s to 4377 hashes
DEBUG:audfprint2:Matched   57.8 s starting at    1.2 s in /w/song_2.flac to time    1.2 s in \
/w/song_2.flac with  1520 of  8048 common hashes at rank  0
DEBUG:audfprint2:Processed 2 files (168.3 s total dur) in 2.2 s sec = 0.013 x RT
""".splitlines()


def test_a_querys_matches_are_read_in_audfprints_order_and_other_lines_left_alone() -> None:
    ranges = parse_time_ranges(MIX, OUTPUT)

    assert [(r.track, r.aligned_hashes) for r in ranges] == [
        (SONG.format(3), 731),
        (SONG.format(1), 453),
        (SONG.format(3), 291),
        (SONG.format(3), 202),
    ]
    assert ranges[1] == TimeRange(SONG.format(1), 1.1, 1.1 + 24.7, 6.2, 453)
    assert parse_time_ranges(Path("/w/song_2.flac"), OUTPUT) == [
        TimeRange(SONG.format(2), 1.2, 1.2 + 57.8, 1.2, 1520)
    ]


def test_a_query_audfprint_found_nothing_in_has_no_ranges() -> None:
    assert parse_time_ranges(Path("/w/mix.webm"), OUTPUT) == []
    assert parse_time_ranges(Path("/w/mix"), OUTPUT) == []


def test_the_ranges_judged_as_a_timeline_miss_the_off_speed_excerpt_only() -> None:
    judged = judge(TRUTH, segments_of(parse_time_ranges(MIX, OUTPUT))).figures()

    assert (judged["found"], judged["excerpts"], judged["right"], judged["segments"]) == (
        2,
        3,
        4,
        4,
    )
    assert (judged["off_speed_found"], judged["off_speed_excerpts"]) == (0, 1)
    assert judged["unknown_named_seconds"] == 0.0
    # Song 1 from 1.1 to 25.8 s (truth 0–28.5), song 3 from 71.0 to 106.8 s (70.33–108.33).
    assert judged["median_boundary_error_seconds"] == pytest.approx((1.1 + 1.53) / 2, abs=0.01)
