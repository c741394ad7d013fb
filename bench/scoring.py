"""Judging answers: right song and offset, false matches, and the zero-false-match threshold.

A known clip is answered right when the song is its track and, unless the condition changed
the speed, the reported offset is within ``OFFSET_TOLERANCE_SECONDS`` of where the clip was
cut. A wrong offset still counts as right ("correct (repeat)") when the track holds the same
audio there as at the true offset (``bench.repeats``): a loop no recognizer can tell apart.
Any song named for a held-out, noise or silence clip is a false match.

Systems that always answer are compared fairly at their zero-false-match threshold: the
smallest score above every score they gave to a clip with nothing to find. Answers scoring
below it count as no match. The threshold is fitted on the same clips it is judged on, the
same way for every system, so it shows what each engine's scores can separate at best.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from bench.grid import ClipSpec
from bench.systems.base import Answer

#: How far a reported offset may be from where the clip was cut and still be right (seconds).
OFFSET_TOLERANCE_SECONDS = 1.0
NEGATIVE_KINDS = ("held_out", "noise", "silence")
CORRECT = ("correct", "correct (repeat)")
#: ``same(track, a_seconds, b_seconds, duration_seconds)``: does the track repeat itself there?
SamePassage = Callable[[str, float, float, float], bool]
#: What ``grouped`` groups the clips by.
K = TypeVar("K")


@dataclass(frozen=True)
class Judged:
    spec: ClipSpec
    answer: Answer
    #: "correct", "correct (repeat)", "wrong offset", "wrong song" or "no match" for known clips;
    #: "false match" or "no match" for the rest.
    outcome: str
    #: The same, counting answers below the zero-false-match threshold as no match.
    outcome_at_threshold: str


def zero_false_match_threshold(
    specs: Sequence[ClipSpec], answers: Sequence[Answer]
) -> float | None:
    """The smallest whole score above every score given to a negative clip, or None when no
    negative clip got a song at all (the system needs no threshold)."""
    scores = [
        answer.score or 0.0
        for spec, answer in zip(specs, answers)
        if spec.is_negative and answer.song is not None
    ]
    return float(math.floor(max(scores)) + 1) if scores else None


def judge_all(
    specs: Sequence[ClipSpec],
    answers: Sequence[Answer],
    threshold: float | None,
    same_passage: SamePassage | None = None,
) -> list[Judged]:
    judged = []
    for spec, answer in zip(specs, answers):
        as_answered = outcome(spec, answer, same_passage)
        at_threshold = outcome(spec, _above(answer, threshold), same_passage)
        judged.append(Judged(spec, answer, as_answered, at_threshold))
    return judged


def outcome(spec: ClipSpec, answer: Answer, same_passage: SamePassage | None = None) -> str:
    if answer.song is None:
        return "no match"
    if spec.is_negative:
        return "false match"
    if answer.song != spec.track:
        return "wrong song"
    if spec.checks_offset and not _offset_right(spec, answer):
        return "correct (repeat)" if _repeats(spec, answer, same_passage) else "wrong offset"
    return "correct"


def _offset_right(spec: ClipSpec, answer: Answer) -> bool:
    if answer.offset_seconds is None or spec.start_seconds is None:
        return False
    return abs(answer.offset_seconds - spec.start_seconds) <= OFFSET_TOLERANCE_SECONDS


def _repeats(spec: ClipSpec, answer: Answer, same_passage: SamePassage | None) -> bool:
    if same_passage is None or answer.offset_seconds is None or spec.start_seconds is None:
        return False
    track, reported = spec.track or "", answer.offset_seconds
    return same_passage(track, spec.start_seconds, reported, spec.duration_seconds)


def _above(answer: Answer, threshold: float | None) -> Answer:
    if threshold is None or answer.song is None or (answer.score or 0.0) >= threshold:
        return answer
    return Answer(answer.clip_id, None, None, answer.score, answer.elapsed_ms, answer.error)


@dataclass(frozen=True)
class Tally:
    """Known clips of one group: how many, and how many right, as answered / at threshold;
    ``correct_by_repeat`` of the right ones as answered were saved by the repeat rule."""

    clips: int
    correct: int
    correct_at_threshold: int
    wrong_song: int
    wrong_song_at_threshold: int
    wrong_offset: int
    correct_by_repeat: int = 0

    @property
    def share(self) -> float:
        return self.correct / self.clips if self.clips else 0.0

    @property
    def share_at_threshold(self) -> float:
        return self.correct_at_threshold / self.clips if self.clips else 0.0


def tally(judged: Iterable[Judged]) -> Tally:
    mine = [j for j in judged if not j.spec.is_negative]
    return Tally(
        clips=len(mine),
        correct=sum(j.outcome in CORRECT for j in mine),
        correct_at_threshold=sum(j.outcome_at_threshold in CORRECT for j in mine),
        wrong_song=sum(j.outcome == "wrong song" for j in mine),
        wrong_song_at_threshold=sum(j.outcome_at_threshold == "wrong song" for j in mine),
        wrong_offset=sum(j.outcome == "wrong offset" for j in mine),
        correct_by_repeat=sum(j.outcome == "correct (repeat)" for j in mine),
    )


def grouped(judged: Sequence[Judged], key: Callable[[ClipSpec], K]) -> dict[K, Tally]:
    """Tallies of the known clips by ``key(spec)``, in order of first appearance."""
    keys = dict.fromkeys(key(j.spec) for j in judged if not j.spec.is_negative)
    return {k: tally(j for j in judged if key(j.spec) == k) for k in keys}


def false_matches(judged: Sequence[Judged]) -> dict[str, dict[str, int]]:
    """Per negative kind: clips, and songs named for them as answered and at the threshold."""
    return {
        kind: {
            "clips": sum(j.spec.kind == kind for j in judged),
            "as_answered": sum(j.spec.kind == kind and j.outcome == "false match" for j in judged),
            "at_threshold": sum(
                j.spec.kind == kind and j.outcome_at_threshold == "false match" for j in judged
            ),
        }
        for kind in NEGATIVE_KINDS
    }


def latency_ms(answers: Sequence[Answer]) -> dict[str, float | int | None]:
    """Median and 95th percentile of the per-clip times the system's answers carry."""
    times = np.array([a.elapsed_ms for a in answers if a.elapsed_ms is not None], dtype=float)
    if not len(times):
        return {"clips_timed": 0, "median_ms": None, "p95_ms": None}
    return {
        "clips_timed": len(times),
        "median_ms": float(np.median(times)),
        "p95_ms": float(np.percentile(times, 95)),
    }
