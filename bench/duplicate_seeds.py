"""A catalog seeded with known duplicates and known non-duplicates, for ``bench.duplicates``.

From the tracks of a folder (seeded choices, each track used once):

* **duplicates**, each with the ranges it shares with its track: copies re-encoded as MP3 at
  128 kbit/s and as Opus at 32 kbit/s in WebM (the whole track); excerpts of 30–60 s; radio
  edits, the track with 15–40 s cut from its middle (two ranges); a medley of three tracks'
  excerpts of 30–50 s in a row (a range in each); copies played 3 % fast (tempo and pitch
  together), as FLAC and as MP3;
* **non-duplicates**: pairs of held-out tracks, neither in the catalog as it is, into each of
  which the same 4 s sample of a third track (which is in the catalog) is pasted twice, at
  other places: they, and the sample's own track, share a few seconds of identical audio and
  nothing more;

and every other pair of the catalog, the folder's own tracks among them, is no duplicate.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from bench.degrade import change_speed
from bench.split import Track
from fingerprints.audio import decode_audio
from testsupport.codecs import write_audio

SEED_SAMPLE_RATE = 22050
#: Seconds of the sample two non-duplicates share, and how many times each holds it.
LOOP_SECONDS = 4.0
LOOP_REPEATS = 2
SPEED = 1.03
AUDIBLE_BLOCK_SECONDS = 0.05
#: Blocks quieter than this are digital silence (a track's padding of zeros), which holds
#: no peaks; a quiet tail above it is copied with the track, and its peaks with it.
AUDIBLE_DBFS = -120.0
#: The re-encoded copies: (kind, suffix, bitrate in bit/s), two of each.
COPIES = (("mp3-128k copy", ".mp3", 128_000), ("opus-32k copy", ".webm", 32_000)) * 2


@dataclass(frozen=True)
class Range:
    """Seconds ``a_from``–``a_to`` of song A are ``b_from``–``b_to`` of song B."""

    a_from: float
    a_to: float
    b_from: float
    b_to: float


@dataclass(frozen=True)
class Seeded:
    """A pair of catalog files (their keys: absolute paths as indexed) and how they relate:
    ``ranges`` empty for a non-duplicate; ``speed``, how many times as fast B plays A."""

    kind: str
    a: str
    b: str
    ranges: tuple[Range, ...]
    speed: float = 1.0


@dataclass(frozen=True)
class SeededCatalog:
    #: Every file to index: the folder's tracks but the held-out ones, and the seeded files.
    files: list[str]
    duplicates: list[Seeded]
    non_duplicates: list[Seeded]


def seed_catalog(
    tracks: list[Track],
    folder: Path,
    rng: np.random.Generator,
    *,
    loop_pairs: int = 2,
    versioned: Collection[str] = (),
) -> SeededCatalog:
    """Write the seeded files into ``folder`` and say what every pair of them is.

    No track of ``versioned`` (another mix of a piece in the folder: ``bench.versions``) is
    seeded from: a held-out one would share its stems with its version in the catalog."""
    usable = [track for track in tracks if track.key not in versioned]
    pool = iter([usable[i] for i in rng.permutation(len(usable))])
    duplicates: list[Seeded] = []
    written: list[str] = []

    def write(name: str, samples: np.ndarray, bitrate: int | None = None) -> str:
        path = write_audio(folder / name, samples, SEED_SAMPLE_RATE, bitrate=bitrate)
        written.append(os.path.abspath(path))
        return written[-1]

    for kind, suffix, bitrate in COPIES:
        track, samples = _take(pool)
        copy = write(f"copy-{Path(track.key).stem}{suffix}", samples, bitrate)
        duplicates.append(Seeded(kind, track.key, copy, (_whole(samples),)))
    for _ in range(2):
        duplicates.append(_excerpt(*_take(pool), rng, write))
        duplicates.append(_radio_edit(*_take(pool), rng, write))
    duplicates += _medley([_take(pool) for _ in range(3)], rng, write)
    fast_formats: tuple[tuple[str, int | None], ...] = ((".flac", None), (".mp3", 128_000))
    for suffix, fast_bitrate in fast_formats:
        track, samples = _take(pool)
        fast = change_speed(samples, SPEED, SEED_SAMPLE_RATE)
        copy = write(f"fast-{Path(track.key).stem}{suffix}", fast, fast_bitrate)
        start, end = _audible(samples)
        ranges = (Range(start, end, start / SPEED, end / SPEED),)
        duplicates.append(Seeded(f"+3 % speed ({suffix[1:]})", track.key, copy, ranges, SPEED))
    non_duplicates: list[Seeded] = []
    held_out: set[str] = set()
    for number in range(loop_pairs):
        (first, first_samples), (second, second_samples) = _take(pool), _take(pool)
        source, source_samples = _take(pool)
        held_out |= {first.key, second.key}
        loop = _cut(source_samples, rng.uniform(20, _seconds(source_samples) - 30), LOOP_SECONDS)
        a = write(f"loop{number}-a.flac", _pasted(first_samples, loop, rng))
        b = write(f"loop{number}-b.flac", _pasted(second_samples, loop, rng))
        non_duplicates += [
            Seeded("shares a 4 s sample", a, b, ()),
            Seeded("holds a 4 s sample of", source.key, a, ()),
            Seeded("holds a 4 s sample of", source.key, b, ()),
        ]
    files = [track.key for track in tracks if track.key not in held_out] + written
    return SeededCatalog(files, duplicates, non_duplicates)


def _take(pool: Iterator[Track]) -> tuple[Track, np.ndarray]:
    """The next track long enough to seed from (two minutes), decoded."""
    for track in pool:
        if track.duration_seconds >= 120:
            return track, decode_audio(track.path, sample_rate=SEED_SAMPLE_RATE).samples
    raise ValueError("the folder has too few tracks of two minutes or more to seed from")


def _excerpt(track: Track, samples: np.ndarray, rng: np.random.Generator, write: _Writer) -> Seeded:
    length = rng.uniform(30, 60)
    start = rng.uniform(0, _seconds(samples) - length)
    excerpt = write(f"excerpt-{Path(track.key).stem}.flac", _cut(samples, start, length))
    return Seeded("excerpt", track.key, excerpt, (Range(start, start + length, 0.0, length),))


def _radio_edit(
    track: Track, samples: np.ndarray, rng: np.random.Generator, write: _Writer
) -> Seeded:
    start, end = _audible(samples)
    whole = _seconds(samples)
    cut_from = rng.uniform(0.35, 0.5) * whole
    cut_to = cut_from + rng.uniform(15, 40)
    edit = np.concatenate([samples[: _sample(cut_from)], samples[_sample(cut_to) :]])
    path = write(f"edit-{Path(track.key).stem}.mp3", edit, 128_000)
    ranges = (
        Range(start, cut_from, start, cut_from),
        Range(cut_to, end, cut_from, cut_from + end - cut_to),
    )
    return Seeded("radio edit (middle cut)", track.key, path, ranges)


def _medley(
    parts: list[tuple[Track, np.ndarray]], rng: np.random.Generator, write: _Writer
) -> list[Seeded]:
    pieces, placed, at = [], [], 0.0
    for track, samples in parts:
        length = rng.uniform(30, 50)
        start = rng.uniform(0, _seconds(samples) - length)
        pieces.append(_cut(samples, start, length))
        placed.append((track, Range(start, start + length, at, at + length)))
        at += length
    path = write("medley.mp3", np.concatenate(pieces), 128_000)
    return [Seeded("in a medley", track.key, path, (where,)) for track, where in placed]


def _pasted(samples: np.ndarray, loop: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``samples`` with ``loop`` in place of what played at ``LOOP_REPEATS`` places at least
    20 s apart, at spacings no other song shares."""
    out = samples.copy()
    at = rng.uniform(15, 30)
    for _ in range(LOOP_REPEATS):
        out[_sample(at) : _sample(at) + len(loop)] = loop
        at += rng.uniform(20, 45)
    return out


def _whole(samples: np.ndarray) -> Range:
    start, end = _audible(samples)
    return Range(start, end, start, end)


def _audible(samples: np.ndarray) -> tuple[float, float]:
    """Seconds from the first to the end of the last block of ``AUDIBLE_BLOCK_SECONDS`` louder
    than ``AUDIBLE_DBFS``: digital silence at a track's ends holds no fingerprint to share."""
    block = _sample(AUDIBLE_BLOCK_SECONDS)
    blocks = samples[: len(samples) // block * block].reshape(-1, block)
    loud = np.flatnonzero(np.sqrt(np.mean(blocks**2, axis=1)) > 10 ** (AUDIBLE_DBFS / 20))
    if len(loud) == 0:
        return 0.0, 0.0
    return float(loud[0] * AUDIBLE_BLOCK_SECONDS), float((loud[-1] + 1) * AUDIBLE_BLOCK_SECONDS)


def _cut(samples: np.ndarray, start: float, length: float) -> np.ndarray:
    return samples[_sample(start) : _sample(start + length)]


def _seconds(samples: np.ndarray) -> float:
    return len(samples) / SEED_SAMPLE_RATE


def _sample(seconds: float) -> int:
    return round(seconds * SEED_SAMPLE_RATE)


class _Writer(Protocol):
    def __call__(self, name: str, samples: np.ndarray, bitrate: int | None = None) -> str: ...
