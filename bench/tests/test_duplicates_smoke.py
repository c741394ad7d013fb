"""``python -m bench.duplicates`` end to end on sixteen synthetic songs: the seeded catalog
indexed, searched and judged.

Speeds are never asserted (they depend on the machine); only that every figure was measured.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.tests.scripts import run_script, write_songs


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    music = write_songs(tmp_path_factory.mktemp("music"), range(1, 17), 125)
    out_dir = tmp_path_factory.mktemp("results")
    args = [str(music), "--loop-pairs", "1", "--out-dir", str(out_dir)]
    done = run_script("bench.duplicates", args, timeout_seconds=900)
    assert done.returncode == 0, done.stderr
    assert (out_dir / "duplicates.md").read_text() in done.stdout
    return json.loads((out_dir / "duplicates.json").read_text())


def test_every_kind_of_duplicate_is_seeded_and_judged(results: dict[str, Any]) -> None:
    figures = results["figures"]
    kinds = {row["kind"] for row in figures["duplicates"]}
    assert {"mp3-128k copy", "opus-32k copy", "excerpt", "radio edit (middle cut)"} <= kinds
    assert {"in a medley", "+3 % speed (flac)", "+3 % speed (mp3)"} <= kinds
    assert figures["seeded"] == 13 and figures["seeded_non_duplicates"] == 3
    assert 0 <= figures["found"] <= 13
    found = [row for row in figures["duplicates"] if row["found"]]
    assert all(row["worst_error_seconds"] <= 2.0 for row in found)


def test_the_catalog_holds_the_tracks_but_the_held_out_and_the_seeded_files(
    results: dict[str, Any],
) -> None:
    assert results["catalog_songs"] == 16 - 2 + 11 + 2
    assert results["songs_searched"] == results["catalog_songs"]
    search = results["find_duplicates"]
    assert search["cpu_seconds"] > 0 and 30 < search["peak_memory_mib"] < 4096
