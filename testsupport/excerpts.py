"""Clips cut from test songs, written as files a person might send."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .codecs import write_audio
from .music import SAMPLE_RATE


def cut(samples: np.ndarray, start_seconds: float, seconds: float) -> np.ndarray:
    first = int(start_seconds * SAMPLE_RATE)
    return samples[first : first + int(seconds * SAMPLE_RATE)]


def write_clip(
    path: Path, samples: np.ndarray, start_seconds: float = 5.0, seconds: float = 5.0
) -> Path:
    """Write ``seconds`` of ``samples`` from ``start_seconds`` to ``path`` (suffix = codec)."""
    return write_audio(path, cut(samples, start_seconds, seconds), SAMPLE_RATE)
