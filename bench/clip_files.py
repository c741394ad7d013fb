"""Rendering the planned clips and writing them once, for every system to answer.

Clips are cut from tracks decoded at ``CLIP_SAMPLE_RATE`` by Kazoom's own decoder and written
as 16-bit WAV at 44.1 kHz, or at the condition's own rate (16 kHz for the phone in a room,
8 kHz for the call), or as the condition's codec file (MP3, Opus in WebM).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from pathlib import Path

import numpy as np

from bench import degrade
from bench.common import CLIP_SAMPLE_RATE
from bench.grid import CONDITIONS_BY_NAME, ClipSpec, Condition
from fingerprints.audio import decode_audio
from testsupport.codecs import write_audio


def write_clips(
    specs: Sequence[ClipSpec], folder: Path, utterances: Sequence[np.ndarray] | None
) -> None:
    """Write every clip of ``specs`` into ``folder``, decoding each track once.

    ``utterances`` (at ``CLIP_SAMPLE_RATE``) are the babble voices; None when espeak-ng is
    missing, and then no clip may need them.
    """
    folder.mkdir(parents=True, exist_ok=True)
    from_tracks = sorted((s for s in specs if s.track is not None), key=lambda s: s.track or "")
    for track, group in groupby(from_tracks, key=lambda s: s.track):
        mine = list(group)
        samples = _decode_for(Path(str(track)), mine)
        for spec in mine:
            condition = CONDITIONS_BY_NAME[spec.condition]
            excerpt = _excerpt(samples, spec, condition)
            clip, rate = degrade_excerpt(excerpt, condition, spec.noise_seed, utterances)
            _write(folder, spec, clip, rate, condition.bitrate)
    for spec in specs:
        if spec.track is None:
            clip = nothing_clip(spec, utterances)
            _write(folder, spec, clip, CLIP_SAMPLE_RATE, None)


def degrade_excerpt(
    excerpt: np.ndarray,
    condition: Condition,
    noise_seed: int,
    utterances: Sequence[np.ndarray] | None,
) -> tuple[np.ndarray, int]:
    """``excerpt`` (at ``CLIP_SAMPLE_RATE``) as ``condition`` makes it: samples and their rate."""
    rng = np.random.default_rng(noise_seed)
    rate = CLIP_SAMPLE_RATE
    family = condition.family
    if family == "white":
        return degrade.white_noise(excerpt, _snr(condition), rng), rate
    if family == "babble":
        voices = _need_voices(utterances)
        return degrade.babble(excerpt, _snr(condition), voices, rate, rng), rate
    if family == "room":
        return degrade.room(excerpt, rate, rng), degrade.PHONE_SAMPLE_RATE
    if family == "call":
        return degrade.voice_call(excerpt, rate, rng), degrade.CALL_SAMPLE_RATE
    if family == "speed":
        return degrade.change_speed(excerpt, condition.speed_factor, rate), rate
    return excerpt, rate


def nothing_clip(spec: ClipSpec, utterances: Sequence[np.ndarray] | None) -> np.ndarray:
    """A noise or silence clip at ``CLIP_SAMPLE_RATE``: nothing any index should hold."""
    rng = np.random.default_rng(spec.noise_seed)
    length = int(spec.duration_seconds * CLIP_SAMPLE_RATE)
    kind, flavour = spec.condition.split("-", 1)
    if kind == "silence":
        return degrade.silence_clip(length, flavour, rng)
    if flavour == "babble":
        voices = _need_voices(utterances)
        crowd = degrade.babble_noise(length, voices, CLIP_SAMPLE_RATE, 5, rng)
        return degrade.at_dbfs(crowd, degrade.NOISE_CLIP_DBFS)
    return degrade.noise_clip(length, flavour, rng)


def _decode_for(track: Path, specs: Sequence[ClipSpec]) -> np.ndarray:
    """The track at ``CLIP_SAMPLE_RATE``, as far as the last of its clips reaches."""
    last_end = max(
        (s.start_seconds or 0) + s.duration_seconds * CONDITIONS_BY_NAME[s.condition].speed_factor
        for s in specs
    )
    return decode_audio(track, sample_rate=CLIP_SAMPLE_RATE, max_seconds=last_end + 1).samples


def _excerpt(samples: np.ndarray, spec: ClipSpec, condition: Condition) -> np.ndarray:
    first = int((spec.start_seconds or 0) * CLIP_SAMPLE_RATE)
    length = int(round(spec.duration_seconds * condition.speed_factor * CLIP_SAMPLE_RATE))
    return samples[first : first + length]


def _write(
    folder: Path, spec: ClipSpec, samples: np.ndarray, rate: int, bitrate: int | None
) -> None:
    write_audio(folder / spec.file_name, degrade.fit_peak(samples), rate, bitrate=bitrate)


def _snr(condition: Condition) -> float:
    assert condition.snr_db is not None, condition
    return condition.snr_db


def _need_voices(utterances: Sequence[np.ndarray] | None) -> Sequence[np.ndarray]:
    if not utterances:
        raise ValueError("babble needs espeak-ng voices; plan no babble clips without them")
    return utterances
