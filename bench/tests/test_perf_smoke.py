"""``python -m bench.perf`` end to end on two synthetic songs: every figure present and sane.

Speeds are never asserted (they depend on the machine); only that they were measured.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench.tests.scripts import run_script, write_songs

SONG_SECONDS = 20
CLIPS = 4


@dataclass(frozen=True)
class BenchRun:
    #: The JSON that bench.perf printed.
    report: dict[str, Any]
    #: The --keep folder: data/, clips/, index.log.
    work: Path


@pytest.fixture(scope="module")
def music_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_songs(tmp_path_factory.mktemp("music"), (1, 2), SONG_SECONDS)


@pytest.fixture(scope="module")
def run(music_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> BenchRun:
    work = tmp_path_factory.mktemp("work")
    out = tmp_path_factory.mktemp("report") / "report.json"
    options = ["--clips", str(CLIPS), "--seed", "7", "--keep", str(work), "--out", str(out)]
    done = run_script("bench.perf", [str(music_dir), *options, "--json"], timeout_seconds=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert json.loads(out.read_text()) == report
    return BenchRun(report, work)


def test_indexing_figures(run: BenchRun) -> None:
    indexing = run.report["indexing"]
    assert indexing["files"] == 2
    assert indexing["audio_hours"] == pytest.approx(2 * SONG_SECONDS / 3600, rel=0.01)
    assert indexing["wall_seconds"] > 0
    assert indexing["cpu_seconds"] > 0
    assert indexing["workers"] == 1
    assert indexing["realtime_per_core"] > 0
    assert indexing["decode_seconds"] > 0
    assert indexing["decode_realtime"] > 0
    # A Python process running Django and numpy is tens of MiB at least; far above is a leak
    # or a unit mix-up (ru_maxrss is KiB on Linux).
    assert 30 < indexing["peak_memory_mib"] < 4096


def test_storage_figures(run: BenchRun) -> None:
    storage, hours = run.report["storage"], run.report["indexing"]["audio_hours"]
    database = run.work / "data" / "fingerprints.sqlite3"
    assert storage["rows"] > 100
    assert storage["bytes"] >= database.stat().st_size > 0
    assert storage["mb_per_hour"] == pytest.approx(storage["bytes"] / 1e6 / hours)
    assert storage["bytes_per_row"] == pytest.approx(storage["bytes"] / storage["rows"])


def test_every_clip_is_recognised(run: BenchRun) -> None:
    recognition = run.report["recognition"]
    assert recognition["clips"] == CLIPS
    assert [r["outcome"] for r in recognition["results"]] == ["correct"] * CLIPS
    assert recognition["correct_share"] == 1.0
    assert 0 < recognition["median_ms"] <= recognition["p95_ms"]
    assert len(list((run.work / "clips").glob("*.wav"))) == CLIPS


def test_clips_come_from_both_songs_at_varied_starts(run: BenchRun) -> None:
    results = run.report["recognition"]["results"]
    assert {Path(r["source"]).name for r in results} == {"song_1.flac", "song_2.flac"}
    assert all(0 <= r["start_seconds"] <= SONG_SECONDS - 5 for r in results)
    assert len({r["start_seconds"] for r in results}) == CLIPS


def test_targets_are_judged(run: BenchRun) -> None:
    targets = run.report["targets"]
    assert [t["figure"] for t in targets] == [
        "realtime_per_core",
        "median_ms",
        "mb_per_hour",
        "peak_memory_mib",
    ]
    for target in targets:
        assert target["value"] == run.report[target["section"]][target["figure"]]
        assert isinstance(target["met"], bool)


def test_run_settings_are_recorded(run: BenchRun) -> None:
    settings = run.report["settings"]
    assert (settings["clips"], settings["seed"], settings["workers"]) == (CLIPS, 7, 1)
    assert settings["engine"]["sample_rate"] > 0
