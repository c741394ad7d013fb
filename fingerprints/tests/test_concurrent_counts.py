"""Two processes that add songs holding the same new hash at once count it for both songs, on
whichever database the suite runs (a fingerprint store of a data directory's own)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from testsupport.datadirs import DataDir, migrated, removed
from testsupport.processes import wait_for

#: Adds song {song} holding hashes 10 and 20 in one transaction, touching {starting} first;
#: with {hold}, touches {written} once written and commits only once {release} exists.
ADD_SONG = """
import pathlib, time
import numpy as np
from django.db import transaction
from fingerprints.hashes import Hashes
from fingerprints.wiring import fingerprint_store
pathlib.Path({starting!r}).touch()
with transaction.atomic(using="fingerprints"):
    fingerprint_store().add({song}, Hashes(np.array([10, 20]), np.array([0, 1], np.int32)))
    if {hold}:
        pathlib.Path({written!r}).touch()
        deadline = time.monotonic() + 30
        while not pathlib.Path({release!r}).exists() and time.monotonic() < deadline:
            time.sleep(0.02)
"""

FILE_NAMES = ("starting", "written", "release")

COUNTS = """
import numpy as np
from fingerprints.wiring import fingerprint_store
store = fingerprint_store()
print(store.song_counts(np.array([10, 20])).tolist(), store.audit().miscounted_hashes)
"""


Files = tuple[Path, Path, Path]


def add_song(
    data: DataDir, song: int, folder: Path, *, hold: bool
) -> tuple[Files, subprocess.Popen[str]]:
    """Start adding ``song``: the files it touches (starting, written) and the one that lets it
    commit (release), and its process."""
    starting, written, release = (folder / f"{name}-{song}" for name in FILE_NAMES)
    code = ADD_SONG.format(
        song=song, hold=hold, starting=str(starting), written=str(written), release=str(release)
    )
    return (starting, written, release), data.started("shell", "--no-imports", "-c", code)


def test_a_write_that_counts_a_new_hash_waits_for_the_write_before_it(tmp_path: Path) -> None:
    data = migrated(tmp_path / "data")
    try:
        (_, written, release), first = add_song(data, 1, tmp_path, hold=True)
        wait_for(written.exists, 60, "the first song written, not committed")
        (starting, _, _), second = add_song(data, 2, tmp_path, hold=False)
        wait_for(starting.exists, 60, "the second song's write starting")
        time.sleep(1)  # the second write reaches the point where it waits for the first
        release.touch()
        errors = [process.communicate(timeout=60)[1] for process in (first, second)]
        assert (first.returncode, second.returncode) == (0, 0), errors

        counted = data.manage("shell", "--no-imports", "-c", COUNTS)

        assert counted.stdout.strip() == "[2, 2] 0", counted.stderr
    finally:
        removed(data)
