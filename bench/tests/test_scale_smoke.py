"""``python -m bench.scale`` end to end on three synthetic songs: two catalog sizes (the indexed
songs alone, then twice their hours), a small grid, unknown clips from a further seed, and the
workers figures, its fingerprints on the backend the suite runs on.

Speeds are never asserted (they depend on the machine); only that every figure was measured.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from bench.tests.scripts import run_script, scratch_fingerprints_url, write_songs

SONG_SECONDS = 20
DURATIONS = (3.0, 5.0)


@dataclass(frozen=True)
class ScaleRun:
    results: dict[str, Any]
    stdout: str
    out_dir: Path


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaleRun]:
    """The run, its fingerprints on the backend the suite runs on."""
    music = write_songs(tmp_path_factory.mktemp("music"), (1, 2, 3), SONG_SECONDS)
    out_dir = tmp_path_factory.mktemp("results")
    grid = ["--conditions", "clean,white5", "--durations", "3,5", "--per-cell", "1"]
    sizes = ["--sizes", "1,2", "--unknown-per-size", "15", "--workers-figures"]
    places = ["--distractor-cache", str(out_dir / "cache"), "--out-dir", str(out_dir)]
    with scratch_fingerprints_url() as url:
        done = run_script(
            "bench.scale",
            [str(music), *grid, *sizes, *places],
            timeout_seconds=600,
            fingerprints_url=url,
        )
        assert done.returncode == 0, done.stderr
        yield ScaleRun(json.loads((out_dir / "scale.json").read_text()), done.stdout, out_dir)


def test_every_size_is_measured_on_a_growing_catalog(run: ScaleRun) -> None:
    one, two = run.results["sizes"]
    assert (one["multiple"], two["multiple"]) == (1, 2)
    indexed_hours = run.results["split"]["indexed_hours"]
    assert indexed_hours == pytest.approx(2 * SONG_SECONDS / 3600, rel=0.01)
    assert one["catalog"] == {
        "songs": 2,
        "hours": pytest.approx(indexed_hours),
        "distractors": 0,
        "distractor_hours": 0,
    }
    # Both songs 12 % fast take 36 s: a third distractor, one played backwards, reaches 40 s.
    assert two["catalog"]["songs"] == 2 + 3 == two["catalog"]["distractors"] + 2
    assert two["catalog"]["hours"] >= 2 * indexed_hours
    assert [size["indexing"]["files"] for size in (one, two)] == [2, 3]
    assert two["indexing"]["audio_hours"] == pytest.approx(two["catalog"]["distractor_hours"])


def test_every_size_has_sane_figures(run: ScaleRun) -> None:
    clips = len(run.results["clips"])
    for size in run.results["sizes"]:
        assert size["indexing"]["realtime"] > 0
        assert 30 < size["indexing"]["peak_memory_mib"] < 4096
        assert 30 < size["query"]["peak_memory_mib"] < 4096
        assert size["storage"]["mb_per_hour"] > 0
        assert size["query"]["clips"] == len(size["answers"]) == clips
        latency = size["query"]["latency"]
        assert list(latency["by_duration"]) == ["3", "5"]
        five = latency["by_duration"]["5"]
        assert 0 < five["median_ms"] <= five["p95_ms"]
        assert latency["unknown_by_duration"]["5"]["median_ms"] > 0
        assert latency["mean_ms"] > 0
        assert size["overall"]["share"] == 1.0
        assert all(kind["as_answered"] == 0 for kind in size["false_matches"].values())
        assert size["distractors_named"] == {"known": 0, "unknown": 0}
        assert set(size["by_condition"]) == {"clean", "white5"}


def test_the_clips_are_the_grid_and_enough_unknown_ones(run: ScaleRun) -> None:
    settings, clips = run.results["settings"], run.results["clips"]
    assert settings["fingerprint_backend"] == connections["fingerprints"].vendor
    assert settings["sizes"] == [1, 2]
    unknown = [clip for clip in clips if clip["kind"] != "known"]
    assert len(unknown) >= 15
    assert settings["unknown_extra_seeds"] == [settings["seed"] + 1]
    assert {clip["kind"] for clip in unknown} == {"held_out", "noise", "silence"}
    assert all(
        clip["track"] in run.results["split"]["indexed"]
        for clip in clips
        if clip["kind"] == "known"
    )


def test_the_workers_figures_index_one_sample_twice(run: ScaleRun) -> None:
    workers = run.results["workers"]
    assert [r["workers"] for r in workers["runs"]] == [1, 2]
    assert workers["files"] == 3
    assert workers["decode_realtime"] > 0
    one, two = workers["runs"]
    assert workers["workers2_over_workers1"] == pytest.approx(two["realtime"] / one["realtime"])
    assert workers["workers1_over_decoder"] == pytest.approx(
        one["realtime"] / workers["decode_realtime"]
    )


def test_tables_markdown_and_plot_are_written(run: ScaleRun) -> None:
    assert "1× (" in run.stdout and "white5" in run.stdout
    markdown = (run.out_dir / "scale.md").read_text()
    assert markdown.startswith("# Kazoom as its catalog grows")
    assert "| 1× |" in markdown and "| 2× |" in markdown
    assert "workers 2 / workers 1 = " in markdown
    assert (run.out_dir / "scale.png").read_bytes().startswith(b"\x89PNG")
