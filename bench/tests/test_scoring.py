"""Judging answers: offsets, false matches and the zero-false-match threshold."""

from __future__ import annotations

from bench.grid import ClipSpec
from bench.scoring import judge_all, tally, zero_false_match_threshold
from bench.systems.base import Answer


def _clip(clip_id: str, kind: str, checks_offset: bool = True) -> ClipSpec:
    track = "/m/song.ogg" if kind in ("known", "held_out") else None
    return ClipSpec(clip_id, kind, "clean", 3.0, track, 30.0, checks_offset, 0, ".wav")


SPECS = [
    _clip("right", "known"),
    _clip("late", "known"),
    _clip("sped", "known", checks_offset=False),
    _clip("weak", "known"),
    _clip("stranger", "held_out"),
    _clip("hiss", "noise"),
]
ANSWERS = [
    Answer("right", "/m/song.ogg", 30.8, 40, 10.0),
    Answer("late", "/m/song.ogg", 31.2, 40, 10.0),
    Answer("sped", "/m/song.ogg", 29.0, 30, 10.0),
    Answer("weak", "/m/song.ogg", 30.0, 9, 10.0),
    Answer("stranger", "/m/other.ogg", 3.0, 8, 10.0),
    Answer("hiss", None, None, 0, 10.0),
]


def test_threshold_is_just_above_every_false_match() -> None:
    assert zero_false_match_threshold(SPECS, ANSWERS) == 9.0


def test_no_threshold_when_nothing_false_was_named() -> None:
    assert zero_false_match_threshold(SPECS[:4], ANSWERS[:4]) is None


def test_outcomes_as_answered_and_at_threshold() -> None:
    judged = judge_all(SPECS, ANSWERS, threshold=10.0)
    assert [j.outcome for j in judged] == [
        "correct",
        "wrong offset",
        "correct",
        "correct",
        "false match",
        "no match",
    ]
    assert [j.outcome_at_threshold for j in judged][3:5] == ["no match", "no match"]
    figures = tally(judged)
    assert (figures.clips, figures.correct, figures.correct_at_threshold) == (4, 3, 2)


def test_a_wrong_offset_on_a_repeat_counts_as_right() -> None:
    def same(track: str, a_seconds: float, b_seconds: float, duration_seconds: float) -> bool:
        return (track, a_seconds, b_seconds, duration_seconds) == ("/m/song.ogg", 30.0, 31.2, 3.0)

    judged = judge_all(SPECS, ANSWERS, threshold=10.0, same_passage=same)
    assert (judged[1].outcome, judged[1].outcome_at_threshold) == ("correct (repeat)",) * 2
    figures = tally(judged)
    assert (figures.correct, figures.correct_at_threshold, figures.correct_by_repeat) == (4, 3, 1)
    assert figures.wrong_offset == 0
