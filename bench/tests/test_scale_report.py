"""The scale benchmark's figures per size, its tables and its plot, on hand-made answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.catalog_sizes import CatalogSize
from bench.children import MIB, ChildRun
from bench.grid import ClipSpec
from bench.kazoom_data import IndexedSong, Storage
from bench.scale_report import (
    draw_plot,
    latency_series,
    render_markdown,
    render_text,
    run_labels,
    size_report,
    weakest_conditions,
)
from bench.systems.base import Answer, QueryRun

SONG = "/m/song.ogg"
DISTRACTOR = "/cache/song-0000.s1.12.flac"


def _clip(clip_id: str, kind: str, condition: str, seconds: float) -> ClipSpec:
    track = {"known": SONG, "held_out": "/m/stranger.ogg"}.get(kind)
    start = 10.0 if track else None
    return ClipSpec(clip_id, kind, condition, seconds, track, start, True, 0, ".wav")


SPECS = [
    _clip("right", "known", "clean", 5.0),
    _clip("lost", "known", "white5", 3.0),
    _clip("stranger", "held_out", "clean", 5.0),
    _clip("hiss", "noise", "noise-white", 5.0),
]


def _answers(late_ms: float) -> list[Answer]:
    return [
        Answer("right", SONG, 10.2, 40, 10.0),
        Answer("lost", DISTRACTOR, 50.0, 12, 20.0),
        Answer("stranger", DISTRACTOR, 3.0, 11, 30.0),
        Answer("hiss", None, None, None, late_ms),
    ]


def _size(multiple: float, late_ms: float) -> dict[str, Any]:
    songs = [IndexedSong(Path(SONG), 1800.0), IndexedSong(Path(DISTRACTOR), 1600.0 * multiple)]
    return size_report(
        CatalogSize(multiple, indexed_hours=0.5),
        songs,
        songs[1:],
        ChildRun(0, wall_seconds=4.0, cpu_seconds=3.5, peak_rss_bytes=200 * MIB),
        Storage(bytes=2_000_000, rows=200_000, mb_per_hour=2.1, bytes_per_row=10.0),
        QueryRun(_answers(late_ms), wall_seconds=2.0, peak_rss_bytes=150 * MIB),
        SPECS,
        None,
        {DISTRACTOR},
    )


@pytest.fixture
def results() -> dict[str, Any]:
    return {
        "settings": {
            "per_cell": 1,
            "seed": 2,
            "unknown_extra_seeds": [3],
            "fingerprint_backend": "sqlite",
            "kazoom_revision": {"commit": "0123456789abcdef", "uncommitted": []},
        },
        "split": {"indexed": [SONG], "held_out": ["/m/stranger.ogg"], "indexed_hours": 0.5},
        "clip_counts": {"known": 2, "held_out": 1, "noise": 1},
        "notes": [],
        "commands": ["manage.py recognize --json FILE×4", "manage.py recognize --json FILE×4"],
        "sizes": [_size(1, late_ms=40.0), _size(2, late_ms=80.0)],
        "workers": None,
    }


def test_a_size_counts_its_catalog_and_what_it_added() -> None:
    size = _size(2, late_ms=40.0)
    assert size["multiple"] == 2
    assert size["catalog"] == {
        "songs": 2,
        "hours": pytest.approx(5000 / 3600),
        "distractors": 1,
        "distractor_hours": pytest.approx(3200 / 3600),
    }
    indexing = size["indexing"]
    assert (indexing["files"], indexing["realtime"]) == (1, 800.0)
    assert indexing["peak_memory_mib"] == 200
    assert size["storage"]["mb_per_hour"] == 2.1
    assert size["query"]["peak_memory_mib"] == 150


def test_a_size_judges_its_answers_as_the_grid_does() -> None:
    size = _size(1, late_ms=40.0)
    assert (size["overall"]["clips"], size["overall"]["correct"]) == (2, 1)
    assert size["by_condition"]["clean"]["share"] == 1.0
    assert size["by_condition"]["white5"]["share"] == 0.0
    assert size["false_matches"]["held_out"]["as_answered"] == 1
    assert size["false_matches"]["noise"]["as_answered"] == 0
    assert size["distractors_named"] == {"known": 1, "unknown": 1}
    assert [a["outcome"] for a in size["answers"]] == [
        "correct",
        "wrong song",
        "false match",
        "no match",
    ]


def test_latency_by_clip_length_and_for_unknown_clips() -> None:
    latency = _size(1, late_ms=40.0)["query"]["latency"]
    assert latency["mean_ms"] == 25.0
    assert latency["every_clip"]["median_ms"] == 25.0
    assert latency["by_duration"]["5"]["median_ms"] == 30.0
    assert latency["by_duration"]["3"]["clips_timed"] == 1
    assert latency["unknown"]["median_ms"] == 35.0
    assert list(latency["unknown_by_duration"]) == ["5"]


def test_latency_of_the_headline_length_by_condition_counts_known_clips_only() -> None:
    by_condition = _size(1, late_ms=40.0)["query"]["latency"]["headline_by_condition"]
    assert list(by_condition) == ["clean"]
    assert by_condition["clean"]["median_ms"] == 10.0


def test_results_are_json_and_the_tables_have_a_row_per_size(results: dict[str, Any]) -> None:
    json.dumps(results)
    markdown = render_markdown(results)
    assert markdown.startswith("# Kazoom as its catalog grows")
    first = "| 1× | 0.944 | 2 | 50.0% | 1/0/0 of 2 | 1/1 | 10/10 | 30/39 | 35/35 | 25 | 150/200 |"
    assert f"{first} 2.10 | 400 (0.444) |" in markdown
    assert "| 2× | 1.39 | 2 | 50.0% | 1/0/0 of 2 | 1/1 | 10/10 | 30/75 | 55/55 | 35 |" in markdown
    assert "| clean | 10/10 | 10/10 |" in markdown
    assert "| clean | 100.0% | 100.0% |" in markdown
    assert "| white5 | 0.0% | 0.0% |" in markdown
    assert markdown.count("- `manage.py recognize --json") == 1
    assert "Kazoom ran from commit 0123456789." in markdown
    text = render_text(results)
    assert "1× (0.944 h)" in text and "2× (1.39 h)" in text


def test_workers_figures_are_stated_with_their_ratios(results: dict[str, Any]) -> None:
    results["workers"] = {
        "files": 3,
        "audio_hours": 2.0,
        "runs": [{"workers": 1, "realtime": 400.0}, {"workers": 2, "realtime": 720.0}],
        "decode_realtime": 800.0,
        "workers2_over_workers1": 1.8,
        "workers1_over_decoder": 0.5,
        "commands": ["manage.py index_songs --workers 2 FILE×3"],
    }
    markdown = render_markdown(results)
    assert "workers 2 / workers 1 = 1.80; workers 1 / decoder = 0.50." in markdown
    assert "--workers 1 (one core) 400× real time, --workers 2 720×" in markdown


def test_the_plot_draws_runs_of_two_backends(results: dict[str, Any], tmp_path: Path) -> None:
    assert weakest_conditions(results, 2) == ["white5", "clean"]
    earlier = {**results, "settings": {**results["settings"], "fingerprint_backend": "postgresql"}}
    assert run_labels([results, earlier]) == ["sqlite", "postgresql"]
    assert run_labels([results, results]) == ["sqlite #1", "sqlite #2"]
    draw_plot([results, earlier], tmp_path / "scale.png")
    assert (tmp_path / "scale.png").read_bytes().startswith(b"\x89PNG")


def test_the_latency_panel_draws_the_clean_clips_median_first(results: dict[str, Any]) -> None:
    series = latency_series(results)
    clean = [s["query"]["latency"]["headline_by_condition"]["clean"] for s in results["sizes"]]

    assert [name for name, _ in series] == [
        "clean 5 s, median",
        "median 5 s",
        "mean, every clip",
        "unknown 5 s, median",
    ]
    assert series[0][1] == [figures["median_ms"] for figures in clean]
