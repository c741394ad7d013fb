"""A recording's windows matched so far as JSON, for a timeline job to go on from where its
worker stopped: of each ``Window``, what ``build_segments`` and the next window's
``previous_speed`` read, and nothing else, so that the segments of windows read back are
those of the windows themselves.

A window is ``[start_seconds, match, [also_heard, ...]]``, its match null or
``[song_id, offset_seconds, confidence, speed, heard_from_seconds, heard_to_seconds, votes]``
and each other song heard alike. Seconds are the floats themselves (JSON keeps them
exactly). ``votes`` are the moments the match's votes were heard as segments read them
(``heard_votes``: to the hundredth of a second, each once), as whole hundredths, the first
and then each as its step from the one before: a digit or two a vote rather than the
eighteen of its float, the most of a window's weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .timeline import Window, WindowMatch, heard_votes

_HUNDREDTHS = np.float32(100)


def windows_json(windows: Sequence[Window]) -> list[list[Any]]:
    """``windows`` as the JSON of a checkpoint."""
    return [
        [
            w.start_seconds,
            None if w.match is None else _match_json(w.match),
            [_match_json(m) for m in w.also_heard],
        ]
        for w in windows
    ]


def windows_from_json(data: Sequence[Sequence[Any]]) -> list[Window]:
    """The windows a checkpoint's JSON holds."""
    return [
        Window(
            start,
            None if match is None else _match_from_json(match),
            tuple(_match_from_json(m) for m in also),
        )
        for start, match, also in data
    ]


def _match_json(match: WindowMatch) -> list[Any]:
    hundredths = np.rint(heard_votes(match.vote_seconds) * _HUNDREDTHS).astype(np.int64)
    steps = np.diff(hundredths, prepend=0)
    return [
        match.song_id,
        match.offset_seconds,
        match.confidence,
        match.speed,
        match.heard_from_seconds,
        match.heard_to_seconds,
        steps.tolist(),
    ]


def _match_from_json(data: Sequence[Any]) -> WindowMatch:
    song_id, offset, confidence, speed, heard_from, heard_to, steps = data
    hundredths = np.cumsum(np.asarray(steps, np.int64)).astype(np.float32)
    return WindowMatch(
        song_id=song_id,
        offset_seconds=offset,
        confidence=confidence,
        speed=speed,
        heard_from_seconds=heard_from,
        heard_to_seconds=heard_to,
        vote_seconds=hundredths / _HUNDREDTHS,
    )
