"""Hits built by hand for the voting and decision tests: songs whose votes line up, chance."""

from __future__ import annotations

import numpy as np

from recognition.matching import Hits


def hits_of(*groups: tuple[int, np.ndarray, np.ndarray]) -> Hits:
    """Concatenate (song id, song frames, query frames) groups into Hits."""
    query_frames = np.concatenate([q for _, _, q in groups]).astype(np.int64)
    return Hits(
        np.concatenate([np.full(len(s), song) for song, s, _ in groups]).astype(np.int64),
        np.concatenate([s for _, s, _ in groups]).astype(np.int64),
        query_frames,
        np.arange(len(query_frames)),
    )


def aligned(
    song: int, offset: int, count: int, jitter: np.ndarray | int = 0, spacing: int = 3
) -> tuple:
    query = np.arange(count) * spacing
    return song, query + offset + jitter, query


def chance(seed: int, count: int, songs: int = 50) -> list[tuple]:
    rng = np.random.default_rng(seed)
    return [
        (int(s), rng.integers(0, 20000, 1), rng.integers(0, 400, 1))
        for s in rng.integers(1, songs, count)
    ]
