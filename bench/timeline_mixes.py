"""Synthetic DJ mixes of a music folder for the timeline benchmark, planned from a seed.

A mix is excerpts of indexed tracks in a row, crossfaded, some played a few per cent fast or
slow (tempo and pitch together), some with a crowd talking over part of them, one track played
a second time, and between them short excerpts of held-out tracks: jingles no catalog holds,
which must be left unnamed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from bench.degrade import babble
from bench.split import Split, Track
from fingerprints.audio import decode_audio
from testsupport.mixes import Excerpt, Played, mix

#: Every mix is rendered at this rate (Hz): half the usual recording rate holds all of the
#: analysis band, and keeps a 40-excerpt mix under 200 MB while it is made.
MIX_SAMPLE_RATE = 22050


@dataclass(frozen=True)
class MixSettings:
    excerpts: tuple[int, int] = (20, 40)
    excerpt_seconds: tuple[float, float] = (20.0, 90.0)
    crossfade_seconds: tuple[float, float] = (2.0, 8.0)
    #: Share of the excerpts that are held-out jingles, and how long those are.
    unknown_share: float = 0.12
    jingle_seconds: tuple[float, float] = (10.0, 30.0)
    #: Share of the known excerpts played at another speed, and by how many per cent.
    speed_share: float = 0.2
    speed_percent: tuple[float, float] = (2.0, 8.0)
    #: Share of the known excerpts with a crowd talking over 10 s of them, at this SNR.
    babble_share: float = 0.25
    babble_seconds: float = 10.0
    babble_snr_db: float = 5.0


@dataclass(frozen=True)
class PlannedExcerpt:
    """An excerpt of ``track`` (its key), or of a held-out track when ``known`` is False."""

    track: str
    known: bool
    start_seconds: float
    seconds: float
    speed: float
    crossfade_seconds: float
    babble: bool


def plan_mix(split: Split, settings: MixSettings, rng: np.random.Generator) -> list[PlannedExcerpt]:
    """One mix's excerpts, in order, each track played once (while the folder lasts) but for
    the last known track of the first half, which comes again three quarters in, from another
    place."""
    count = int(rng.integers(settings.excerpts[0], settings.excerpts[1] + 1))
    indexed = _shuffled(split.indexed, rng)
    held_out = _shuffled(split.held_out, rng)
    plan: list[PlannedExcerpt] = []
    for slot in range(count):
        unknown = bool(split.held_out) and slot > 0 and rng.random() < settings.unknown_share
        track = next(held_out) if unknown else next(indexed)
        if slot == count * 3 // 4:
            first_half = [p.track for p in plan[: count // 2] if p.known]
            track = next(t for t in split.indexed if t.key == first_half[-1])
            unknown = False
        plan.append(_excerpt(track, not unknown, slot == 0, settings, rng))
    return plan


def _shuffled(tracks: Sequence[Track], rng: np.random.Generator) -> Iterator[Track]:
    """``tracks`` in a random order, over and over."""
    while True:
        yield from (tracks[i] for i in rng.permutation(len(tracks)))


def _excerpt(
    track: Track, known: bool, first: bool, settings: MixSettings, rng: np.random.Generator
) -> PlannedExcerpt:
    low, high = settings.excerpt_seconds if known else settings.jingle_seconds
    seconds = min(float(rng.uniform(low, high)), track.duration_seconds - 1.0)
    speed = 1.0
    if known and rng.random() < settings.speed_share:
        percent = rng.uniform(*settings.speed_percent)
        speed = 1.0 + float(rng.choice([-1, 1])) * percent / 100
    fade = 0.0 if first else float(rng.uniform(*settings.crossfade_seconds))
    return PlannedExcerpt(
        track=track.key,
        known=known,
        start_seconds=float(rng.uniform(0, max(0.0, track.duration_seconds - seconds - 0.5))),
        seconds=seconds,
        speed=speed,
        crossfade_seconds=min(fade, seconds / speed / 3),
        babble=known and rng.random() < settings.babble_share,
    )


def render_mix(
    plan: Sequence[PlannedExcerpt],
    utterances: Sequence[np.ndarray] | None,
    settings: MixSettings,
    rng: np.random.Generator,
) -> tuple[np.ndarray, list[Played]]:
    """The mix's samples at ``MIX_SAMPLE_RATE`` and what played when (``label``: the track's
    key, None for a held-out one); babble only when ``utterances`` are given."""
    decoded: dict[str, np.ndarray] = {}
    excerpts = []
    for planned in plan:
        if planned.track not in decoded:
            decoded[planned.track] = decode_audio(
                planned.track, sample_rate=MIX_SAMPLE_RATE
            ).samples
        excerpts.append(
            Excerpt(
                decoded[planned.track],
                planned.start_seconds,
                planned.seconds,
                planned.track if planned.known else None,
                speed=planned.speed,
                crossfade_seconds=planned.crossfade_seconds,
            )
        )
    samples, truth = mix(excerpts, MIX_SAMPLE_RATE)
    if utterances:
        for planned, played in zip(plan, truth):
            if planned.babble:
                _talk_over(samples, played, utterances, settings, rng)
    peak = float(np.max(np.abs(samples))) or 1.0
    return samples * np.float32(0.89 / peak), truth


def _talk_over(
    samples: np.ndarray,
    played: Played,
    utterances: Sequence[np.ndarray],
    settings: MixSettings,
    rng: np.random.Generator,
) -> None:
    """A crowd over ``babble_seconds`` in the middle of ``played``, in place."""
    middle = (played.from_seconds + played.to_seconds) / 2
    first = int((middle - settings.babble_seconds / 2) * MIX_SAMPLE_RATE)
    stop = first + int(settings.babble_seconds * MIX_SAMPLE_RATE)
    first, stop = max(0, first), min(len(samples), stop)
    stretch = samples[first:stop]
    samples[first:stop] = babble(
        stretch, settings.babble_snr_db, utterances, MIX_SAMPLE_RATE, rng
    ).astype(np.float32)
