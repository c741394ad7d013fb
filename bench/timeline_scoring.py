"""Judging a timeline against what played: segments found and right, boundary errors, and
unknown audio named.

* An excerpt of a known track is *found* when a segment names its track and overlaps it by at
  least half of the excerpt's length.
* A segment is *right* when its track played and the two overlap by at least half of the
  segment's length.
* A found excerpt's boundary errors are the distances between its start and the segment's and
  between its end and the segment's (where two excerpts crossfade, the middle of the fade).
* Excerpts played at another speed are counted apart, found and all: a system without a
  speed search finds few of them.
* Unknown audio named is the seconds of held-out excerpts that some segment covers (a second
  that several overlapping segments cover counts once): most of it is where a right segment's
  boundary reaches a little into its unknown neighbour, so the seconds that segments that are
  not right cover are counted apart too.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from testsupport.mixes import Played


@dataclass(frozen=True)
class Named:
    """A segment of a timeline, its song as a track key."""

    track: str
    from_seconds: float
    to_seconds: float


@dataclass(frozen=True)
class Judgement:
    excerpts: int
    found: int
    off_speed_excerpts: int
    off_speed_found: int
    segments: int
    right: int
    boundary_errors: list[float]
    unknown_seconds: float
    unknown_named_seconds: float
    unknown_named_wrongly_seconds: float

    @classmethod
    def total(cls, parts: Sequence[Judgement]) -> Judgement:
        return cls(
            excerpts=sum(p.excerpts for p in parts),
            found=sum(p.found for p in parts),
            off_speed_excerpts=sum(p.off_speed_excerpts for p in parts),
            off_speed_found=sum(p.off_speed_found for p in parts),
            segments=sum(p.segments for p in parts),
            right=sum(p.right for p in parts),
            boundary_errors=[e for p in parts for e in p.boundary_errors],
            unknown_seconds=sum(p.unknown_seconds for p in parts),
            unknown_named_seconds=sum(p.unknown_named_seconds for p in parts),
            unknown_named_wrongly_seconds=sum(p.unknown_named_wrongly_seconds for p in parts),
        )

    def figures(self) -> dict[str, Any]:
        errors = self.boundary_errors
        return {
            "excerpts": self.excerpts,
            "found": self.found,
            "recall": self.found / self.excerpts if self.excerpts else None,
            "off_speed_excerpts": self.off_speed_excerpts,
            "off_speed_found": self.off_speed_found,
            "segments": self.segments,
            "right": self.right,
            "precision": self.right / self.segments if self.segments else None,
            "median_boundary_error_seconds": statistics.median(errors) if errors else None,
            "p90_boundary_error_seconds": _quantile(errors, 0.9),
            "unknown_seconds": round(self.unknown_seconds, 1),
            "unknown_named_seconds": round(self.unknown_named_seconds, 1),
            "unknown_named_share": (
                self.unknown_named_seconds / self.unknown_seconds if self.unknown_seconds else 0.0
            ),
            "unknown_named_wrongly_seconds": round(self.unknown_named_wrongly_seconds, 1),
        }


def judge(truth: Sequence[Played], named: Sequence[Named]) -> Judgement:
    """How ``named`` (a timeline's segments) matches ``truth`` (what played, ``label`` the
    track's key or None for unknown audio)."""
    known = [p for p in truth if p.label is not None]
    unknown = [p for p in truth if p.label is None]
    found: list[Played] = []
    errors: list[float] = []
    for played in known:
        length = played.to_seconds - played.from_seconds
        best = max(
            (n for n in named if n.track == played.label),
            key=lambda n: _overlap(n, played),
            default=None,
        )
        if best is not None and _overlap(best, played) >= length / 2:
            found.append(played)
            errors += [
                abs(best.from_seconds - played.from_seconds),
                abs(best.to_seconds - played.to_seconds),
            ]
    right = [
        n
        for n in named
        if any(
            p.label == n.track and _overlap(n, p) >= (n.to_seconds - n.from_seconds) / 2
            for p in known
        )
    ]
    wrong = [n for n in named if n not in right]
    return Judgement(
        excerpts=len(known),
        found=len(found),
        off_speed_excerpts=sum(p.speed != 1.0 for p in known),
        off_speed_found=sum(p.speed != 1.0 for p in found),
        segments=len(named),
        right=len(right),
        boundary_errors=errors,
        unknown_seconds=sum(p.to_seconds - p.from_seconds for p in unknown),
        unknown_named_seconds=sum(_covered(p, named) for p in unknown),
        unknown_named_wrongly_seconds=sum(_covered(p, wrong) for p in unknown),
    )


def _overlap(named: Named, played: Played) -> float:
    return max(
        0.0,
        min(named.to_seconds, played.to_seconds) - max(named.from_seconds, played.from_seconds),
    )


def _covered(played: Played, named: Sequence[Named]) -> float:
    """Seconds of ``played`` that some segment covers, each second once however many
    segments overlap there."""
    covered, reached = 0.0, played.from_seconds
    for n in sorted(named, key=lambda n: n.from_seconds):
        start, end = max(n.from_seconds, reached), min(n.to_seconds, played.to_seconds)
        if end > start:
            covered += end - start
            reached = end
    return covered


def _quantile(values: Sequence[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
