"""A timeline's segments with the gaps between them: where no song of the catalog played."""

from __future__ import annotations

from collections.abc import Sequence

#: A gap shorter than this (seconds) is the rounding between two segments, not a gap.
MIN_GAP_SECONDS = 1.0


def with_gaps(
    spans: Sequence[tuple[float, float]], duration_seconds: float
) -> list[tuple[float, float, int | None]]:
    """``(from, to, index)`` for each of ``spans`` (in order, seconds) and, with ``index``
    None, for each gap of ``MIN_GAP_SECONDS`` or more before, between and after them."""
    rows: list[tuple[float, float, int | None]] = []
    reached = 0.0
    for index, (from_seconds, to_seconds) in enumerate(spans):
        if from_seconds - reached >= MIN_GAP_SECONDS:
            rows.append((reached, from_seconds, None))
        rows.append((from_seconds, to_seconds, index))
        reached = to_seconds
    if duration_seconds - reached >= MIN_GAP_SECONDS:
        rows.append((reached, duration_seconds, None))
    return rows
