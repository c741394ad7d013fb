"""The scale benchmark's clips: ``bench.run``'s grid, and more unknown clips until there are
enough of them.

The grid of ``per_cell`` known clips a cell holds about a quarter as many clips with nothing
to find (held-out tracks, noise, silence). The extra ones are the same grid planned again at
seeds ``seed + 1``, ``seed + 2`` …, of which only those clips are kept: they are degraded as
the grid's are and come in the same proportions. Their ids begin ``u<seed>-``, apart from the
grid's. Every catalog size is asked the same clips.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bench.grid import ClipSpec, Condition, plan_clips
from bench.split import Split


def plan_scale_clips(
    split: Split,
    conditions: Sequence[Condition],
    durations_seconds: Sequence[float],
    per_cell: int,
    seed: int,
    noise_kinds: Sequence[str],
    unknown_at_least: int,
) -> tuple[list[ClipSpec], list[int]]:
    """The grid at ``seed`` and at least ``unknown_at_least`` unknown clips in all; and the
    seeds the extra unknown clips were planned at (none when the grid holds enough)."""

    def grid(at_seed: int) -> list[ClipSpec]:
        return plan_clips(split, conditions, durations_seconds, per_cell, at_seed, noise_kinds)

    specs = grid(seed)
    extra_seeds: list[int] = []
    while sum(spec.is_negative for spec in specs) < unknown_at_least:
        extra = seed + len(extra_seeds) + 1
        extra_seeds.append(extra)
        specs += [
            replace(spec, clip_id=f"u{extra}-{spec.clip_id}")
            for spec in grid(extra)
            if spec.is_negative
        ]
    return specs, extra_seeds
