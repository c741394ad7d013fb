"""``python -m bench.timeline`` end to end on six synthetic songs: one mix in both formats,
a longer recording made of it, and the figures of both.

Speeds are never asserted (they depend on the machine); only that every figure was measured.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.tests.scripts import run_script, write_songs


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    music = write_songs(tmp_path_factory.mktemp("music"), range(1, 7), 40)
    out_dir = tmp_path_factory.mktemp("results")
    mixes = ["--mixes", "1", "--excerpts", "5,6", "--excerpt-seconds", "20,30"]
    args = [str(music), *mixes, "--long-hours", "0.05", "--out-dir", str(out_dir)]
    done = run_script("bench.timeline", args, timeout_seconds=600)
    assert done.returncode == 0, done.stderr
    assert "| mixes, mp3-128k |" in done.stdout
    assert (out_dir / "timeline.md").read_text() in done.stdout
    return json.loads((out_dir / "timeline.json").read_text())


def test_the_mix_is_judged_in_both_formats(results: dict[str, Any]) -> None:
    mixes = results["mixes"]
    assert results["split"] == {"indexed": 5, "held_out": 1}
    assert mixes["files"] == 2 and set(mixes["by_format"]) == {"mp3-128k", "opus-32k"}
    for figures in mixes["by_format"].values():
        assert 5 <= figures["excerpts"] + (figures["unknown_seconds"] > 0) <= 6
        assert figures["found"] >= 1 and figures["right"] >= 1
        assert figures["median_boundary_error_seconds"] is not None
    assert mixes["overall"]["excerpts"] == 2 * mixes["by_format"]["mp3-128k"]["excerpts"]


def test_the_long_recording_repeats_the_mix_and_is_measured(results: dict[str, Any]) -> None:
    long, mixes = results["long"], results["mixes"]
    assert long["audio_hours"] >= 0.05
    assert long["overall"]["excerpts"] % mixes["by_format"]["mp3-128k"]["excerpts"] == 0
    for run in (long, mixes):
        assert run["realtime_one_core"] > 0
        assert 30 < run["child"]["peak_memory_mib"] < 4096
