"""``python -m bench.timeline`` end to end on six synthetic songs: one mix in both formats,
a longer recording made of it, and the figures of both, for Kazoom and for audfprint where
it can be installed (it needs ffmpeg; else the run must say why it left it out).

Speeds are never asserted (they depend on the machine); only that every figure was measured.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from bench.tests.scripts import run_script, write_songs


@dataclass(frozen=True)
class TimelineRun:
    results: dict[str, Any]
    markdown: str


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> TimelineRun:
    music = write_songs(tmp_path_factory.mktemp("music"), range(1, 7), 40)
    out_dir = tmp_path_factory.mktemp("results")
    mixes = ["--mixes", "1", "--excerpts", "5,6", "--excerpt-seconds", "20,30"]
    args = [str(music), *mixes, "--long-hours", "0.05", "--out-dir", str(out_dir)]
    done = run_script("bench.timeline", args, timeout_seconds=600)
    assert done.returncode == 0, done.stderr
    markdown = (out_dir / "timeline.md").read_text()
    assert markdown in done.stdout
    return TimelineRun(json.loads((out_dir / "timeline.json").read_text()), markdown)


def test_the_mix_is_written_in_both_formats_and_repeated_in_the_long_recording(
    run: TimelineRun,
) -> None:
    recordings = run.results["recordings"]
    assert run.results["split"] == {"indexed": 5, "held_out": 1}
    mixes, long = recordings["mixes"], recordings["long"]
    assert [d["format"] for d in mixes["details"]] == ["mp3-128k", "opus-32k"]
    assert long["audio_hours"] >= 0.05 and long["files"] == 1
    assert len(long["details"][0]["truth"]) % len(mixes["details"][0]["truth"]) == 0


def test_kazoom_is_judged_in_both_formats_and_measured(run: TimelineRun) -> None:
    kazoom = run.results["systems"]["kazoom"]
    assert kazoom["status"] == "ran"
    _assert_judged_and_measured(kazoom)
    for figures in kazoom["mixes"]["by_format"].values():
        assert figures["found"] >= 1 and figures["right"] >= 1
        assert figures["median_boundary_error_seconds"] is not None
    assert "| mixes, mp3-128k | kazoom |" in run.markdown


def test_audfprint_is_judged_alike_or_the_run_says_why_not(run: TimelineRun) -> None:
    audfprint = run.results["systems"]["audfprint"]
    if audfprint["status"] == "skipped":
        assert f"- audfprint skipped: {audfprint['note']}" in run.markdown
        return
    assert audfprint["status"] == "ran"
    _assert_judged_and_measured(audfprint)
    assert "-R -Q 0.01 -x 12 -v -d" in audfprint["commands"][1]
    assert "| mixes, opus-32k | audfprint |" in run.markdown
    assert "audfprint has no speed search" in run.markdown


def _assert_judged_and_measured(system: dict[str, Any]) -> None:
    mixes, long = system["mixes"], system["long"]
    assert set(mixes["by_format"]) == {"mp3-128k", "opus-32k"}
    for figures in mixes["by_format"].values():
        assert 5 <= figures["excerpts"] + (figures["unknown_seconds"] > 0) <= 6
    assert mixes["overall"]["excerpts"] == 2 * mixes["by_format"]["mp3-128k"]["excerpts"]
    assert long["overall"]["excerpts"] % mixes["by_format"]["mp3-128k"]["excerpts"] == 0
    assert len(mixes["segments"]) == 2 and len(long["segments"]) == 1
    for judged in (long, mixes):
        assert judged["realtime_one_core"] > 0
        assert 30 < judged["child"]["peak_memory_mib"] < 4096
    assert system["indexing"]["cpu_seconds"] > 0
