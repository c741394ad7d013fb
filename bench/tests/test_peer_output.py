"""Reading the peers' answers off their command lines' real output formats."""

from __future__ import annotations

from pathlib import Path

from bench.systems.audfprint import parse_matches
from bench.systems.base import Answer, QueryClip
from bench.systems.olaf import best_match

CLIPS = [QueryClip("a", Path("/w/clips/a.wav")), QueryClip("b", Path("/w/clips/b.webm"))]


def test_audfprint_matches_and_misses_in_input_order() -> None:
    lines = [
        ("DEBUG:audfprint2:Reading hash table /w/fp.hdf", 0.0),
        ("DEBUG:audfprint2:Mon Nov 30 07:10:44 2026 Analyzed #0 /w/clips/a.wav of 4.9 s", 1.0),
        (
            "DEBUG:audfprint2:Matched /w/clips/a.wav 4.9 sec 318 raw hashes as /m/Song A.ogg at"
            "   50.0 s with    80 of   108 common hashes at rank  0",
            1.1,
        ),
        ("DEBUG:audfprint2:NOMATCH: /w/clips/b.webm 1.5 sec 60 raw hashes", 1.35),
    ]
    first, second = parse_matches(CLIPS, lines)
    assert first == Answer("a", "/m/Song A.ogg", 50.0, 80, None)
    assert second.song is None and second.score == 0
    assert second.elapsed_ms is not None and abs(second.elapsed_ms - 250) < 1e-6


def test_audfprint_clip_without_a_line_is_no_match() -> None:
    answers = parse_matches(
        CLIPS, [("DEBUG:audfprint2:NOMATCH: /w/clips/a.wav 2.0 sec 9 raw hashes", 0.5)]
    )
    assert [a.song for a in answers] == [None, None]
    assert answers[1] == Answer("b", None, None, None, None)


def test_olaf_best_line_gives_song_offset_and_count() -> None:
    lines = [
        "Matched 86 fp's from 5.0s (17 fp/s) in 0.003s (1576 times realtime)",
        "61, 0.16, 3.10, /m/castle.ogg, 1542791857, 10.16, 13.10",
        "12, 1.00, 2.00, /m/other.ogg, 42, 80.00, 81.00",
    ]
    song, offset, count = best_match(lines)
    assert (song, count) == ("/m/castle.ogg", 61)
    assert offset is not None and abs(offset - 10.0) < 1e-9


def test_olaf_empty_result_line_is_no_match() -> None:
    assert best_match(["0, 0.00, 0.00, , 0, 0.00, 0.00"]) == (None, None, 0)
