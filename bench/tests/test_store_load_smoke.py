"""``python -m bench.store_load`` end to end on a small synthetic catalog: every figure printed.

Timings are never asserted (they depend on the machine); only that they were measured.
"""

from __future__ import annotations

import re

from bench.tests.scripts import run_script


def test_store_load_prints_storage_and_lookup_figures() -> None:
    options = ["--songs", "20", "--fingerprints", "500", "--queries", "5"]

    done = run_script("bench.store_load", options, timeout_seconds=120)

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    stored = re.fullmatch(r"store: SqliteStore, ([\d,]+) fingerprints", lines[0])
    assert stored is not None
    # 20 songs of 500 random (hash, frame) pairs, a few of which a song may draw twice.
    assert 9_900 < int(stored[1].replace(",", "")) <= 10_000
    assert re.fullmatch(r"add, one song at a time: [\d.]+ s; compact: [\d.]+ s", lines[1])
    assert re.fullmatch(r"size: [\d.]+ MB, [\d.]+ bytes per fingerprint", lines[2])
    for line, when in zip(lines[3:], ["before compacting", "once compacted"]):
        assert re.fullmatch(
            rf"lookup of 1377 hashes {when}: median [\d.]+ ms, p95 [\d.]+ ms, "
            r"[\d,]+ occurrences found",
            line,
        )
    assert len(lines) == 5
