"""Judging ``find_duplicates`` against a seeded catalog (``bench.duplicate_seeds``).

A seeded duplicate is *found* when its two songs are reported as a pair (either way round)
at its speed (within ``SPEED_TOLERANCE``) and each of its ranges is matched by a reported
range whose four ends are within ``RANGE_TOLERANCE_SECONDS``. Every reported pair that is no
seeded duplicate is a *false pair*: of the seeded non-duplicates (songs sharing a sample),
two mixes of one piece in the folder (counted apart: they share their stems), between two of
the folder's own tracks, or other.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from bench.duplicate_seeds import Range, Seeded

RANGE_TOLERANCE_SECONDS = 2.0
SPEED_TOLERANCE = 0.01


@dataclass(frozen=True)
class Reported:
    """A pair as ``find_duplicates --json`` reports it, its songs by file; each range is
    (a_from, a_to, b_from, b_to) seconds."""

    a: str
    b: str
    speed: float
    strength: float
    ranges: tuple[tuple[float, ...], ...]


def score(
    duplicates: Sequence[Seeded],
    non_duplicates: Sequence[Seeded],
    reported: Sequence[Reported],
    folder_tracks: Collection[str],
    version_pairs: Collection[tuple[str, str]] = (),
) -> dict[str, Any]:
    by_pair = {frozenset((r.a, r.b)): r for r in reported}
    rows = []
    for seeded in duplicates:
        answer = by_pair.get(frozenset((seeded.a, seeded.b)))
        error = None if answer is None else range_error(seeded, answer)
        rows.append(
            {
                "kind": seeded.kind,
                "a": seeded.a,
                "b": seeded.b,
                "found": bool(error is not None and error <= RANGE_TOLERANCE_SECONDS),
                "worst_error_seconds": error,
            }
        )
    seeded_pairs = {frozenset((s.a, s.b)) for s in duplicates}
    loops = {frozenset((s.a, s.b)) for s in non_duplicates}
    versions = {frozenset(pair) for pair in version_pairs}
    false_pairs = []
    for answer in reported:
        pair = frozenset((answer.a, answer.b))
        if pair in seeded_pairs:
            continue
        if pair in loops:
            why = "shares a 4 s sample"
        elif pair in versions:
            why = "another mix of one piece"
        elif pair <= set(folder_tracks):
            why = "two of the folder's tracks"
        else:
            why = "other"
        false_pairs.append({"a": answer.a, "b": answer.b, "why": why, "strength": answer.strength})
    return {
        "seeded": len(duplicates),
        "found": sum(bool(row["found"]) for row in rows),
        "duplicates": rows,
        "seeded_non_duplicates": len(non_duplicates),
        "seeded_non_duplicates_reported": sum(
            p["why"] == "shares a 4 s sample" for p in false_pairs
        ),
        "other_false_pairs": sum(
            p["why"] not in ("shares a 4 s sample", "another mix of one piece") for p in false_pairs
        ),
        "versions": len(versions),
        "versions_reported": sum(p["why"] == "another mix of one piece" for p in false_pairs),
        "folder_pairs": sum(p["why"] == "two of the folder's tracks" for p in false_pairs),
        "false_pairs": false_pairs,
    }


def range_error(seeded: Seeded, answer: Reported) -> float | None:
    """The largest distance (seconds) between an end of a seeded range and the matching
    reported one, each seeded range matched with the reported range nearest it; None when
    the speed is wrong or a seeded range has no reported range at all."""
    ranges = [Range(*r) for r in answer.ranges]
    speed = answer.speed
    if answer.a != seeded.a:  # reported the other way round
        ranges = [Range(r.b_from, r.b_to, r.a_from, r.a_to) for r in ranges]
        speed = 1 / speed
    if abs(speed - seeded.speed) > SPEED_TOLERANCE or not ranges:
        return None
    return float(max(min(_distance(truth, found) for found in ranges) for truth in seeded.ranges))


def _distance(truth: Range, found: Range) -> float:
    return max(
        abs(truth.a_from - found.a_from),
        abs(truth.a_to - found.a_to),
        abs(truth.b_from - found.b_from),
        abs(truth.b_to - found.b_to),
    )
