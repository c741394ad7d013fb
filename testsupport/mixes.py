"""DJ mixes of excerpts: songs played one after another, crossfaded, some at another speed,
with what played when written down."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import soxr


@dataclass(frozen=True)
class Excerpt:
    """``seconds`` of ``samples`` (a song) from ``start_seconds``, in the song's own time,
    played ``speed`` times fast (tempo and pitch together, as DJ pitch control does), faded
    in over the last ``crossfade_seconds`` of the excerpt before it. ``label`` names the song
    in the truth; None for audio that no catalog holds."""

    samples: np.ndarray
    start_seconds: float
    seconds: float
    label: str | None
    speed: float = 1.0
    crossfade_seconds: float = 0.0


@dataclass(frozen=True)
class Played:
    """An excerpt's place in the mix: from and to the middle of its crossfades."""

    label: str | None
    from_seconds: float
    to_seconds: float
    song_from_seconds: float
    song_to_seconds: float
    speed: float


def mix(excerpts: Sequence[Excerpt], sample_rate: int) -> tuple[np.ndarray, list[Played]]:
    """The excerpts played in a row at ``sample_rate``, and where each played."""
    parts = [_played_excerpt(excerpt, sample_rate) for excerpt in excerpts]
    starts, position = [], 0
    for excerpt, part in zip(excerpts, parts):
        position -= int(excerpt.crossfade_seconds * sample_rate)
        starts.append(max(0, position))
        position = starts[-1] + len(part)
    out = np.zeros(position, np.float32)
    fades = [e.crossfade_seconds for e in excerpts] + [0.0]
    for n, (part, start) in enumerate(zip(parts, starts)):
        out[start : start + len(part)] += _faded(part, fades[n], fades[n + 1], sample_rate)
    return out, _truth(excerpts, parts, starts, sample_rate)


def _played_excerpt(excerpt: Excerpt, sample_rate: int) -> np.ndarray:
    first = int(excerpt.start_seconds * sample_rate)
    song = excerpt.samples[first : first + int(excerpt.seconds * sample_rate)]
    if excerpt.speed != 1.0:
        song = soxr.resample(song, sample_rate * excerpt.speed, sample_rate)
    return song.astype(np.float32)


def _faded(
    part: np.ndarray, fade_in_seconds: float, fade_out_seconds: float, sample_rate: int
) -> np.ndarray:
    """``part`` faded in and out linearly over those many seconds."""
    gain = np.ones(len(part), np.float32)
    fade_in, fade_out = int(fade_in_seconds * sample_rate), int(fade_out_seconds * sample_rate)
    if fade_in:
        gain[:fade_in] = np.linspace(0, 1, fade_in)
    if fade_out:
        gain[len(part) - fade_out :] *= np.linspace(1, 0, fade_out)
    return part * gain


def _truth(
    excerpts: Sequence[Excerpt], parts: list[np.ndarray], starts: list[int], sample_rate: int
) -> list[Played]:
    played = []
    for n, (excerpt, part, start) in enumerate(zip(excerpts, parts, starts)):
        fade_in = excerpt.crossfade_seconds
        fade_out = excerpts[n + 1].crossfade_seconds if n + 1 < len(excerpts) else 0.0
        begin = start / sample_rate + fade_in / 2
        end = (start + len(part)) / sample_rate - fade_out / 2
        song_from = excerpt.start_seconds + excerpt.speed * fade_in / 2
        song_to = excerpt.start_seconds + excerpt.seconds - excerpt.speed * fade_out / 2
        played.append(Played(excerpt.label, begin, end, song_from, song_to, excerpt.speed))
    return played
