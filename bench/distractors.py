"""Distractor songs: music in every statistical sense whose fingerprints no query shares, to
grow a catalog past the music folder.

Each is an indexed track played at a speed no clip can be corrected to (at least 12 % fast or
slow, tempo and pitch together), forwards or backwards: the spectra, partials, rhythm and
loops of real music, with pairs of peaks that no clip of the folder holds. (Backwards at its
own speed is not enough: a held note gives pairs of one bin and the same gap either way round,
and a clip's pairs then line up with its reversed track along a diagonal.) They are written once
into a cache folder outside the repository (mono FLAC at the analysis rate, so they cost
little disk) and reused by every later run.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from bench.split import Track
from fingerprints.audio import decode_audio

#: Distractors are written at Kazoom's analysis rate: nothing above it is ever looked at.
DISTRACTOR_SAMPLE_RATE = 11025
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "kazoom-bench" / "distractors"
#: The nearest speed a distractor is played at, as a share off the original. A clip of the
#: bench plays up to 5 % off and the speed search corrects up to 5 % more, so a distractor
#: nearer than about 10 % would be the clip's own music found at another speed (at 7 %, the
#: seed-2 grid named one for 218 of its 480 sped-up clips); hashes survive about half a
#: percent more, hence 12 %.
MIN_SPEED_OFFSET = 0.12
#: Successive speeds are this far apart.
SPEED_STEP = 0.02


@dataclass(frozen=True)
class Variant:
    """How a distractor is made from its track."""

    speed: float
    reversed: bool

    @property
    def name(self) -> str:
        return f"{'r' if self.reversed else 's'}{self.speed:.2f}"


def variants(speed_step: float = SPEED_STEP, *, backwards: bool = True) -> Iterator[Variant]:
    """Every variant, in the order they are taken: speeds ``speed_step`` apart ever further
    from 1 (fast and slow in turn), each forwards and then, if ``backwards``, reversed."""
    step = 0
    while True:
        offset = MIN_SPEED_OFFSET + step * speed_step
        for speed in (round(1 + offset, 2), round(1 - offset, 2)):
            if speed <= 0.5:
                return
            yield Variant(speed, reversed=False)
            if backwards:
                yield Variant(speed, reversed=True)
        step += 1


def distractor_tracks(
    tracks: Sequence[Track],
    hours: float,
    cache_dir: Path,
    *,
    speed_step: float = SPEED_STEP,
    backwards: bool = True,
) -> list[Track]:
    """Distractors of ``tracks`` adding up to at least ``hours`` of audio (none for 0), at
    speeds ``speed_step`` apart, reversed ones too if ``backwards``, the missing ones written
    into ``cache_dir``. The same arguments always give the same files."""
    if hours <= 0:
        return []
    chosen: list[Track] = []
    total_seconds = 0.0
    cache_dir.mkdir(parents=True, exist_ok=True)
    for variant in variants(speed_step, backwards=backwards):
        for track in tracks:
            if total_seconds >= hours * 3600:
                return chosen
            distractor = _distractor(track, variant, cache_dir)
            chosen.append(distractor)
            total_seconds += distractor.duration_seconds
    if total_seconds < hours * 3600:
        raise ValueError(f"the tracks give at most {total_seconds / 3600:.1f} h of distractors")
    return chosen


def _distractor(track: Track, variant: Variant, cache_dir: Path) -> Track:
    """The cached distractor file of ``track`` as ``variant`` makes it, written if missing."""
    digest = zlib.crc32(track.key.encode()) & 0xFFFFFFFF
    path = cache_dir / f"{track.path.stem}-{digest:08x}.{variant.name}.flac"
    if not path.exists():
        _write(path, render(track, variant))
    return Track(str(path), sf.info(str(path)).duration)


def render(track: Track, variant: Variant) -> np.ndarray:
    """``track`` as ``variant`` plays it: mono float32 at ``DISTRACTOR_SAMPLE_RATE``."""
    samples = decode_audio(track.path, sample_rate=DISTRACTOR_SAMPLE_RATE).samples
    # Played ``speed`` times fast: the samples, taken to have been recorded at ``speed`` times
    # the rate, resampled back to it.
    played = soxr.resample(samples, DISTRACTOR_SAMPLE_RATE * variant.speed, DISTRACTOR_SAMPLE_RATE)
    return (played[::-1] if variant.reversed else played).astype(np.float32)


def _write(path: Path, samples: np.ndarray) -> None:
    """Write via a temporary name, so that a run killed half-way leaves no partial file."""
    partial = path.with_suffix(".partial.flac")
    sf.write(partial, samples, DISTRACTOR_SAMPLE_RATE, format="FLAC", subtype="PCM_16")
    partial.replace(path)
