"""``python -m bench.load`` end to end with tiny sizes: gunicorn as the README runs it, clients
posting every kind of clip while index_songs adds a song, and every figure printed.

Speeds are never asserted (they depend on the machine); only that they were measured and
that every answer was right.
"""

from __future__ import annotations

import re

from bench.tests.scripts import run_script

REQUESTS = 30


def test_load_prints_its_figures_and_finds_no_wrong_answer() -> None:
    options = ["--clients", "3", "--requests", str(REQUESTS), "--songs", "2"]
    options += ["--added-songs", "1", "--max-seconds", "120", "--seed", "3"]

    done = run_script("bench.load", options, timeout_seconds=600)

    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert re.search(rf"^{REQUESTS} requests in [\d.]+ s: [\d.]+ req/s$", out, re.M), out
    assert re.search(r"^latency: p50 \d+ ms, p95 \d+ ms, p99 \d+ ms$", out, re.M), out
    statuses = re.search(r"^statuses: (.*)$", out, re.M)
    assert statuses is not None
    assert set(re.findall(r"(\d{3}): \d+", statuses[1])) <= {"200", "400"}
    for kind in ("catalog", "unknown"):
        assert f"{kind} (" in out
    assert re.search(r"^index_songs during the load: ok: 1 song\(s\) indexed", out, re.M), out
    assert out.rstrip().endswith("0 wrong answer(s) or unexpected status(es)")
