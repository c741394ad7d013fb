"""``python -m bench.run`` end to end on three synthetic songs, Kazoom alone, a two-cell grid,
the catalog grown by a minute of distractors.

Accuracy on real music and the peers are the benchmark's business, never the test suite's:
this only checks that the script runs through, writes its three files, and judges Kazoom's
answers the way they must be judged (indexed songs named, the held-out song not).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench.tests.scripts import run_script, write_songs

SONG_SECONDS = 20
CONDITIONS = ["clean", "white5"]


@dataclass(frozen=True)
class BenchRun:
    report: dict[str, Any]
    stdout: str
    out_dir: Path


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> BenchRun:
    music = write_songs(tmp_path_factory.mktemp("music"), (1, 2, 3), SONG_SECONDS)
    out_dir = tmp_path_factory.mktemp("results")
    grid = ["--conditions", ",".join(CONDITIONS), "--durations", "3", "--per-cell", "1"]
    distractors = ["--distractor-hours", "0.019", "--distractor-cache", str(out_dir / "cache")]
    options = [*grid, *distractors, "--seed", "3", "--out-dir", str(out_dir)]
    done = run_script(
        "bench.run", [str(music), "--systems", "kazoom", *options], timeout_seconds=300
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((out_dir / "latest.json").read_text())
    return BenchRun(report, done.stdout, out_dir)


def test_one_song_of_three_is_held_out(run: BenchRun) -> None:
    split = run.report["split"]
    assert (len(split["indexed"]), len(split["held_out"])) == (2, 1)
    assert split["versions"] == []
    assert {Path(p).name for p in split["indexed"] + split["held_out"]} == {
        "song_1.flac",
        "song_2.flac",
        "song_3.flac",
    }


def test_the_catalog_holds_the_indexed_songs_and_the_distractors(run: BenchRun) -> None:
    split = run.report["split"]
    assert split["distractors"] == 4  # both 20 s songs 12 % fast, forwards and backwards
    assert 0.019 <= split["distractor_hours"] < 0.03
    assert run.report["systems"]["kazoom"]["indexing"]["tracks"] == 2 + 4


def test_grid_holds_known_held_out_noise_and_silence_clips(run: BenchRun) -> None:
    kinds = [clip["kind"] for clip in run.report["clips"]]
    assert run.report["clip_counts"] == {"known": 2, "held_out": 2, "noise": 1, "silence": 2}
    assert len(kinds) == 7
    known = [clip for clip in run.report["clips"] if clip["kind"] == "known"]
    assert [clip["condition"] for clip in known] == CONDITIONS
    assert all(clip["track"] in run.report["split"]["indexed"] for clip in known)


def test_kazoom_names_indexed_songs_and_not_the_held_out_one(run: BenchRun) -> None:
    kazoom = run.report["systems"]["kazoom"]
    assert kazoom["status"] == "ran"
    by_kind = {clip["clip_id"]: clip["kind"] for clip in run.report["clips"]}
    for answer in kazoom["answers"]:
        expected = "correct" if by_kind[answer["clip_id"]] == "known" else "no match"
        assert answer["outcome"] == expected, answer
    assert kazoom["overall"]["share"] == kazoom["overall"]["share_at_threshold"] == 1.0
    assert all(f["as_answered"] == 0 for f in kazoom["false_matches"].values())
    assert kazoom["threshold"] is None


def test_every_cell_and_figure_is_reported(run: BenchRun) -> None:
    kazoom = run.report["systems"]["kazoom"]
    cells = [(cell["condition"], cell["duration_seconds"]) for cell in kazoom["cells"]]
    assert cells == [("clean", 3.0), ("white5", 3.0)]
    assert kazoom["indexing"]["realtime_per_core"] > 0
    assert kazoom["indexing"]["decode_realtime"] > 0
    assert kazoom["storage"]["mb_per_hour"] > 0
    assert 0 < kazoom["query"]["median_ms"] <= kazoom["query"]["p95_ms"]
    assert 30 < kazoom["indexing"]["peak_memory_mib"] < 4096


def test_table_markdown_and_plot_are_written(run: BenchRun) -> None:
    assert "kazoom" in run.stdout and "white5" in run.stdout
    markdown = (run.out_dir / "latest.md").read_text()
    assert markdown.startswith("# Kazoom against its peers")
    assert "| clean | 100% / 100% |" in markdown
    assert (run.out_dir / "latest.png").read_bytes().startswith(b"\x89PNG")
