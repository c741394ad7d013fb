"""The scale benchmark's clips: bench.run's grid as it is, and more unknown clips from further
seeds until there are enough."""

from __future__ import annotations

from bench.grid import CONDITIONS_BY_NAME, NOISE_KINDS, plan_clips
from bench.scale_clips import plan_scale_clips
from bench.split import Split, Track

SPLIT = Split(
    indexed=[Track(f"/m/song{n}.ogg", 120.0) for n in range(4)],
    held_out=[Track("/m/stranger.ogg", 90.0)],
)
CONDITIONS = [CONDITIONS_BY_NAME["clean"], CONDITIONS_BY_NAME["white5"]]
DURATIONS = [3.0, 5.0]


def _plan(unknown_at_least: int) -> tuple[list, list[int]]:
    return plan_scale_clips(SPLIT, CONDITIONS, DURATIONS, 2, 4, NOISE_KINDS, unknown_at_least)


def test_the_grid_is_bench_runs_and_enough_unknown_clips_follow() -> None:
    grid = plan_clips(SPLIT, CONDITIONS, DURATIONS, 2, 4, NOISE_KINDS)
    grid_unknown = sum(spec.is_negative for spec in grid)
    specs, seeds = _plan(unknown_at_least=2 * grid_unknown + 1)
    assert specs[: len(grid)] == grid
    extra = specs[len(grid) :]
    # Each further seed adds as many unknown clips as the grid holds: two are needed.
    assert seeds == [5, 6]
    assert all(spec.is_negative for spec in extra)
    assert sum(spec.is_negative for spec in specs) == 3 * grid_unknown
    assert {spec.kind for spec in extra} == {"held_out", "noise", "silence"}
    assert {spec.clip_id.split("-")[0] for spec in extra} == {"u5", "u6"}
    assert len({spec.file_name for spec in specs}) == len(specs)
    assert all(spec.track in (None, "/m/stranger.ogg") for spec in extra)


def test_no_extra_seed_when_the_grid_holds_enough() -> None:
    specs, seeds = _plan(unknown_at_least=1)
    assert seeds == []
    assert specs == plan_clips(SPLIT, CONDITIONS, DURATIONS, 2, 4, NOISE_KINDS)


def test_extra_clips_differ_from_the_grids() -> None:
    specs, _ = _plan(unknown_at_least=100)
    unknown = [
        (spec.track, spec.start_seconds, spec.noise_seed) for spec in specs if spec.is_negative
    ]
    assert len(set(unknown)) == len(unknown)
