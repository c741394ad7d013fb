"""``python -m bench.store_load`` end to end on synthetic songs: a table row per size (on the
backend the suite runs on), the results files, and a run that stops where the disk would fill.

Timings are never asserted (they depend on the machine); only that they were measured.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bench.tests.scripts import run_script, scratch_fingerprints_url, write_songs
from fingerprints.wiring import fingerprint_store

ROW = re.compile(
    r"\| ([\d,]+) \| [\d,]+ \| ([\d,]+) \| [\d.]+ \| [\d,]+ \| [\d.]+/[\d.]+ \| [\d.]+/[\d.]+ "
    r"\| [\d.]+/[\d.]+ \| [\d,]+ \| (\d+) / (\d+) of (\d+) \| (\d+) of (\d+) \|"
)


def test_each_size_is_loaded_and_its_clips_identified(tmp_path: Path) -> None:
    (tmp_path / "music").mkdir()
    music = write_songs(tmp_path / "music", range(7), seconds=20)
    options = ["--songs", "3,1006", "--clips", "4", "--cache", str(tmp_path / "cache")]

    with scratch_fingerprints_url() as url:
        done = run_script(
            "bench.store_load",
            [str(music), *options, "--out-dir", str(tmp_path / "out")],
            timeout_seconds=300,
            fingerprints_url=url,
        )

    assert done.returncode == 0, done.stderr
    rows = [ROW.fullmatch(line) for line in done.stdout.splitlines() if line.startswith("| ")]
    assert len(rows) == 3 and rows[0] is None  # the header
    small, large = rows[1], rows[2]
    assert small is not None and large is not None
    assert [small[1], large[1]] == ["3", "1,006"]
    # A thousand distractors hold far more fingerprints than three songs...
    assert int(large[2].replace(",", "")) > 100 * int(small[2].replace(",", ""))
    # ...yet none of them takes a clip from its own song, or names an unknown one.
    for row in (small, large):
        assert (row[3], row[4], row[5]) == ("4", "0", "4")
        assert (row[6], row[7]) == ("0", "4")
    record = json.loads((tmp_path / "out" / "store_load.json").read_text())
    assert [size["songs"] for size in record["sizes"]] == [3, 1006]
    assert record["stopped"] is None
    assert record["store"] == type(fingerprint_store()).__name__
    assert "| 1,006 |" in (tmp_path / "out" / "store_load.md").read_text()
    assert len(list((tmp_path / "cache").rglob("chunk-*.npz"))) == 1


def test_a_size_the_disk_cannot_hold_is_not_built(tmp_path: Path) -> None:
    (tmp_path / "music").mkdir()
    music = write_songs(tmp_path / "music", range(7), seconds=20)
    options = ["--songs", "3", "--clips", "1", "--max-disk-gb", "1e9"]

    done = run_script(
        "bench.store_load",
        [str(music), *options, "--cache", str(tmp_path / "c"), "--out-dir", str(tmp_path)],
        timeout_seconds=120,
    )

    assert done.returncode == 0, done.stderr
    assert "stopped before 3 songs" in done.stderr
    record = json.loads((tmp_path / "store_load.json").read_text())
    assert record["sizes"] == [] and record["stopped"].startswith("stopped before 3 songs")
