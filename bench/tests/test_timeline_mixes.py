"""Planning the timeline benchmark's mixes: what a DJ set of the folder holds."""

from __future__ import annotations

from collections import Counter

import numpy as np

from bench.split import Split, Track
from bench.timeline_mixes import MixSettings, plan_mix

SPLIT = Split(
    indexed=[Track(f"/music/known{n}.ogg", 180.0) for n in range(40)],
    held_out=[Track(f"/music/held{n}.ogg", 150.0) for n in range(6)],
)


def test_a_mix_plays_each_track_once_but_one_and_jingles_only_from_held_out_tracks() -> None:
    settings = MixSettings()
    for seed in range(5):
        plan = plan_mix(SPLIT, settings, np.random.default_rng(seed))

        assert settings.excerpts[0] <= len(plan) <= settings.excerpts[1]
        plays = Counter(p.track for p in plan if p.known)
        assert sorted(plays.values())[-2:] == [1, 2]
        held_out = {t.key for t in SPLIT.held_out}
        assert all((p.track in held_out) == (not p.known) for p in plan)
        assert plan[0].known and plan[0].crossfade_seconds == 0.0


def test_excerpts_speeds_and_crossfades_stay_within_the_settings() -> None:
    settings = MixSettings()
    plans = [plan_mix(SPLIT, settings, np.random.default_rng(seed)) for seed in range(10)]
    excerpts = [p for plan in plans for p in plan]

    for p in excerpts:
        low, high = settings.excerpt_seconds if p.known else settings.jingle_seconds
        assert low <= p.seconds <= high
        assert p.start_seconds >= 0 and p.start_seconds + p.seconds <= 180.0
        assert p.speed == 1.0 or 2.0 <= abs(p.speed - 1.0) * 100 <= 8.0
        assert p.crossfade_seconds <= 8.0
    sped = [p for p in excerpts if p.speed != 1.0]
    assert 0.1 < len(sped) / len([p for p in excerpts if p.known]) < 0.3
    assert any(p.speed < 1 for p in sped) and any(p.speed > 1 for p in sped)
    assert any(not p.known for p in excerpts) and any(p.babble for p in excerpts)
