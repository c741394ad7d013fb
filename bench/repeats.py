"""Is a song's audio at one offset the same as at another? The benchmark's repeat rule.

Game soundtracks loop: a clip cut from a looped passage matches its own song equally well
wherever the loop plays, and no recognizer can tell those places apart. An answer naming the
right song at the wrong offset is therefore counted right when the *original track* (not the
clip) holds the same audio at the reported offset as at the true one, over the clip's length.

The measure holds for nothing but exact or near-exact repetition: the Pearson correlation of
the two passages' waveforms at 11025 Hz, pre-emphasised (first difference, so that a shared
bass line cannot carry it), at the best lag within ``MAX_LAG_SECONDS`` of the reported offset
(the engines quantise offsets to their frames, 10–50 ms). The same notes played again with
another voicing, timing or mix correlate far lower than a loop does.

``REPEAT_THRESHOLD`` was picked on the benchmark's music folder (68 game tracks) by
``passage_similarity`` at its defaults. For 569 random pairs of a passage and the same song
10–60 s away (2, 3, 5 or 10 s long, 58 tracks) it had median 0.04, 95th percentile 0.14, 99th
0.37 and maximum 0.64. The 97 wrong-offset answers of the run that prompted the rule spread
from 0 to 1.0: 22 at 0.9 or more (pushover-aztec 17.0 → 209.2 s: 0.98, pushover-space
255.1 → 245.1 s: 0.99, hedgewars-main_theme 7.6 → 0.7 s: 0.97), 5 at 0.85–0.9 (hedgewars-Rock
246.5 → 232.8 s: 0.90, whose plain waveforms correlate at 0.98), and the rest below 0.85
(hedgewars-Halloween 57.5 → 147.1 s: 0.66, the same phrase but not the same audio). Without
pre-emphasis random pairs reached 0.99 on shared bass lines. 0.85 is well above every random
pair and keeps the loops that the raw waveform also calls exact.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np

SAMPLE_RATE = 11025
#: Largest offset error of an engine that is still "the same place" (seconds).
MAX_LAG_SECONDS = 0.1
#: Similarity at or above which two passages of one track are the same audio (see above).
REPEAT_THRESHOLD = 0.85


def passage_similarity(
    samples: np.ndarray,
    a_seconds: float,
    b_seconds: float,
    duration_seconds: float,
    *,
    sample_rate: int = SAMPLE_RATE,
    max_lag_seconds: float = MAX_LAG_SECONDS,
) -> float:
    """The highest Pearson correlation between the pre-emphasised ``duration_seconds`` of mono
    ``samples`` from ``a_seconds`` and those from ``b_seconds`` ± ``max_lag_seconds``; in
    [-1, 1], and 0.0 when a passage is silent or lies outside the track."""
    emphasised = np.diff(np.asarray(samples, dtype=np.float64))
    length = round(duration_seconds * sample_rate)
    a = round(a_seconds * sample_rate)
    lag = round(max_lag_seconds * sample_rate)
    b_from = max(round(b_seconds * sample_rate) - lag, 0)
    reference = emphasised[max(a, 0) : a + length]
    others = emphasised[b_from : round(b_seconds * sample_rate) + length + lag]
    if a < 0 or len(reference) < length or len(others) < length:
        return 0.0
    return float(np.max(_sliding_pearson(reference, others), initial=0.0))


def _sliding_pearson(reference: np.ndarray, signal: np.ndarray) -> np.ndarray:
    """Pearson correlation of ``reference`` with every window of ``signal`` of its length."""
    n = len(reference)
    centred = reference - reference.mean()
    size = 1 << int(np.ceil(np.log2(len(signal) + n)))
    spectrum = np.fft.rfft(signal, size) * np.conj(np.fft.rfft(centred, size))
    covariance = np.fft.irfft(spectrum, size)[: len(signal) - n + 1]
    sums = np.concatenate(([0.0], np.cumsum(signal)))
    squares = np.concatenate(([0.0], np.cumsum(signal**2)))
    window_sums = sums[n:] - sums[:-n]
    window_variance = squares[n:] - squares[:-n] - window_sums**2 / n
    scale = np.sqrt(np.maximum(window_variance, 0.0) * float(centred @ centred))
    return np.divide(covariance, scale, out=np.zeros_like(covariance), where=scale > 1e-12)


def same_passage_judge(
    decode: Callable[[Path], np.ndarray], threshold: float = REPEAT_THRESHOLD
) -> Callable[[str, float, float, float], bool]:
    """``same(track, a_seconds, b_seconds, duration_seconds)``: whether ``track`` holds the same
    audio at both offsets. ``decode(path)`` gives mono samples at ``SAMPLE_RATE``; each track is
    decoded once per judge."""
    samples = lru_cache(maxsize=None)(decode)

    def same(track: str, a_seconds: float, b_seconds: float, seconds: float) -> bool:
        similarity = passage_similarity(samples(Path(track)), a_seconds, b_seconds, seconds)
        return similarity >= threshold

    return same


def decode_track(path: Path) -> np.ndarray:
    """The whole track, mono float32 at ``SAMPLE_RATE``, through Kazoom's own decoder."""
    from fingerprints.audio import decode_audio

    return decode_audio(path, sample_rate=SAMPLE_RATE).samples
