"""The seeded grid of query clips: conditions × durations, and the clips that must not match.

Planning only decides what each clip is (which track, where, how degraded);
``bench.clip_files`` renders and writes them. Each cell draws from its own generator, seeded by
the run's seed and the cell's name, so restricting a run to some conditions or durations leaves
the clips of the remaining cells exactly as they were.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from bench.split import Split, Track

DURATIONS_SECONDS = (2.0, 3.0, 5.0, 10.0)


@dataclass(frozen=True)
class Condition:
    """How a clip is degraded. ``family`` picks the recipe in ``bench.clip_files``."""

    name: str
    family: str
    snr_db: float | None = None
    #: > 1 plays faster (and higher).
    speed_factor: float = 1.0
    #: The file the clip is written as: the suffix picks the codec.
    suffix: str = ".wav"
    bitrate: int | None = None

    @property
    def checks_offset(self) -> bool:
        """Sped-up clips sit at no one offset of the song's own time line: only the song counts."""
        return self.speed_factor == 1.0


CONDITIONS = (
    Condition("clean", "clean"),
    Condition("white5", "white", snr_db=5.0),
    Condition("white0", "white", snr_db=0.0),
    Condition("white-5", "white", snr_db=-5.0),
    Condition("babble5", "babble", snr_db=5.0),
    Condition("babble0", "babble", snr_db=0.0),
    Condition("room", "room"),
    Condition("call", "call"),
    Condition("mp3-64k", "codec", suffix=".mp3", bitrate=64_000),
    Condition("opus-16k", "codec", suffix=".webm", bitrate=16_000),
    *(
        Condition(f"speed{percent:+d}", "speed", speed_factor=1 + percent / 100)
        for percent in (-5, -3, -2, 2, 3, 5)
    ),
)
CONDITIONS_BY_NAME = {condition.name: condition for condition in CONDITIONS}
#: Clips with nothing to find. Babble alone needs espeak-ng.
NOISE_KINDS = ("white", "pink", "brown", "babble")
SILENCE_KINDS = ("zero", "hiss")
#: Held-out clips per cell, as a share of the known ones.
HELD_OUT_PER_KNOWN = 0.2


@dataclass(frozen=True)
class ClipSpec:
    """One query clip. ``kind`` is "known" (from an indexed track), "held_out", "noise" or
    "silence"; only known clips have a right answer. For noise and silence ``condition`` is
    "noise-KIND" / "silence-KIND"."""

    clip_id: str
    kind: str
    condition: str
    duration_seconds: float
    track: str | None
    start_seconds: float | None
    checks_offset: bool
    #: Seeds the clip's own noise, reverb and voices.
    noise_seed: int
    suffix: str

    @property
    def file_name(self) -> str:
        return f"{self.clip_id}{self.suffix}"

    @property
    def is_negative(self) -> bool:
        return self.kind != "known"


def plan_clips(
    split: Split,
    conditions: Sequence[Condition],
    durations_seconds: Sequence[float],
    per_cell: int,
    seed: int,
    noise_kinds: Sequence[str] = NOISE_KINDS,
) -> list[ClipSpec]:
    """``per_cell`` known clips and a fifth as many held-out clips in every cell, then
    ``per_cell`` noise clips and a few silent ones per duration."""
    drafts: list[ClipSpec] = []
    for duration in durations_seconds:
        for condition in conditions:
            drafts += _cell_clips(split, condition, duration, per_cell, seed)
        drafts += _nothing_clips(duration, per_cell, seed, noise_kinds)
    return [
        replace(d, clip_id=f"{n:04d}_{d.kind}_{d.condition}_{d.duration_seconds:g}s")
        for n, d in enumerate(drafts)
    ]


def _cell_clips(
    split: Split, condition: Condition, duration: float, per_cell: int, seed: int
) -> list[ClipSpec]:
    rng = _cell_rng(seed, condition.name, duration)
    held_per_cell = max(1, round(per_cell * HELD_OUT_PER_KNOWN))
    clips = []
    for kind, tracks, count in (
        ("known", split.indexed, per_cell),
        ("held_out", split.held_out, held_per_cell),
    ):
        for _ in range(count):
            track, start = _draw_excerpt(tracks, duration * condition.speed_factor, rng)
            clips.append(excerpt_clip("", kind, condition, duration, track.key, start, _seed(rng)))
    return clips


def excerpt_clip(
    clip_id: str,
    kind: str,
    condition: Condition,
    duration_seconds: float,
    track: str,
    start_seconds: float,
    noise_seed: int,
) -> ClipSpec:
    """A clip of ``duration_seconds`` cut from ``track`` at ``start_seconds``, degraded as
    ``condition`` says."""
    return ClipSpec(
        clip_id=clip_id,
        kind=kind,
        condition=condition.name,
        duration_seconds=duration_seconds,
        track=track,
        start_seconds=start_seconds,
        checks_offset=condition.checks_offset,
        noise_seed=noise_seed,
        suffix=condition.suffix,
    )


def _nothing_clips(
    duration: float, per_cell: int, seed: int, noise_kinds: Sequence[str]
) -> list[ClipSpec]:
    rng = _cell_rng(seed, "nothing", duration)
    silent = max(len(SILENCE_KINDS), per_cell // 5)
    noise = [("noise", noise_kinds[i % len(noise_kinds)]) for i in range(per_cell)]
    quiet = [("silence", SILENCE_KINDS[i % len(SILENCE_KINDS)]) for i in range(silent)]
    return [
        ClipSpec(
            clip_id="",
            kind=kind,
            condition=f"{kind}-{flavour}",
            duration_seconds=duration,
            track=None,
            start_seconds=None,
            checks_offset=False,
            noise_seed=_seed(rng),
            suffix=".wav",
        )
        for kind, flavour in noise + quiet
    ]


def _draw_excerpt(
    tracks: Sequence[Track], source_seconds: float, rng: np.random.Generator
) -> tuple[Track, float]:
    """A track drawn uniformly among those long enough, then a start uniformly within it."""
    eligible = [track for track in tracks if track.duration_seconds > source_seconds + 1]
    if not eligible:
        raise ValueError(f"no track is longer than {source_seconds + 1:g} s")
    track = eligible[int(rng.integers(len(eligible)))]
    start = float(rng.uniform(0, track.duration_seconds - source_seconds - 1))
    return track, round(start, 3)


def _cell_rng(seed: int, name: str, duration: float) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode()), int(duration * 1000)])


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(1 << 31))
