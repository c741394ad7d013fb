"""Indexing killed (SIGKILL, through ``fingerprints.killpoints``) at every step of the commit
protocol, for new songs, a ``--song-id`` replacement and a re-index: after the next run the
two databases agree (``check_store``) and every song's own clips are named as that song.

The commands run in processes of their own on data directories of their own, with their
fingerprints in SQLite or, on the suite's PostgreSQL run, in a PostgreSQL database each.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from testsupport.codecs import write_audio
from testsupport.datadirs import DataDir, copied, migrated, removed
from testsupport.excerpts import write_clip
from testsupport.library import SongLibrary
from testsupport.music import SAMPLE_RATE


@dataclass(frozen=True)
class Scenario:
    """A command to kill, run on ``base``; then ``next_run`` (the same command if None); and
    the song each clip must then be named as (None: no song)."""

    base: str
    command: tuple[str, ...]
    next_run: tuple[str, ...] | None
    expected: dict[str, str | None]


FOLDER, NEWCOMER, REPLACED_ID, NOTHING = "{folder}", "{newcomer}", "{replaced_id}", "{nothing}"
EVERY_SONG = {f"song_{n}": f"Song {n}" for n in range(1, 6)} | {"newcomer": None}
SCENARIOS = {
    "new songs": Scenario("empty", ("index_songs", FOLDER), None, EVERY_SONG),
    "--song-id": Scenario(
        "indexed",
        ("index_songs", "--song-id", REPLACED_ID, NEWCOMER),
        None,
        EVERY_SONG | {"song_5": None, "newcomer": "Song 5"},
    ),
    # The next run is given no file: what the killed one left is settled all the same.
    "--reindex": Scenario(
        "indexed", ("index_songs", "--reindex", FOLDER), ("index_songs", NOTHING), EVERY_SONG
    ),
}
#: Every step of one song's commit, in order; kill points are ``step`` or ``step:n`` (the
#: n-th song to reach it), and several of them kill successive runs.
STEPS = ["stage-written", "staged", "catalog-written", "catalog-committed"]
STEPS += ["promote-written", "promoted"]
KILLS = (
    [("new songs", (step,)) for step in STEPS]
    + [("new songs", (point,)) for point in ["staged:3", "catalog-committed:5"]]
    # Only the library's songs have cover art: the newcomer of --song-id has none.
    + [("new songs", (point,)) for point in ["cover-kept", "cover-kept:3"]]
    + [("new songs", (point,)) for point in ["compacting", "compacted"]]
    + [("new songs", ("catalog-committed:2", "settling"))]
    + [("--song-id", (step,)) for step in STEPS]
    + [("--reindex", (point,)) for point in ["staged:2", "catalog-written:2"]]
    + [("--reindex", (point,)) for point in ["catalog-committed:4", "promote-written:3"]]
    + [("--reindex", (point,)) for point in ["compacting", "compacted"]]
    + [("--reindex", ("catalog-committed:1", "settling"))]
)


@dataclass(frozen=True)
class Material:
    bases: dict[str, DataDir]
    folder: Path
    #: An empty folder.
    nothing: Path
    newcomer: Path
    replaced_id: int
    clips: dict[str, Path]


@pytest.fixture(scope="module")
def material(
    song_library: SongLibrary, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Material]:
    """An empty and an indexed data directory, a song file not in the library, and a 5 s
    clip of every song."""
    folder = tmp_path_factory.mktemp("interrupted")
    empty = migrated(folder / "empty")
    indexed = copied(empty, folder / "indexed")
    assert indexed.manage("index_songs", str(song_library.folder)).returncode == 0
    newcomer = write_audio(folder / "newcomer.flac", song_library.stranger, SAMPLE_RATE)
    clips = {"newcomer": write_clip(folder / "newcomer.wav", song_library.stranger, 10.0)}
    for song in song_library.songs:
        clips[song.path.stem] = write_clip(folder / f"{song.path.stem}.wav", song.samples, 10.0)
    replaced = indexed.manage(
        "shell",
        "--no-imports",
        "-c",
        "from catalog.models import Song; print(Song.objects.get(title='Song 5').pk)",
    )
    yield Material(
        {"empty": empty, "indexed": indexed},
        song_library.folder,
        tmp_path_factory.mktemp("nothing"),
        newcomer,
        int(replaced.stdout),
        clips,
    )
    removed(empty)
    removed(indexed)


def filled(command: tuple[str, ...], material: Material) -> list[str]:
    values: dict[str, object] = {FOLDER: material.folder, NEWCOMER: material.newcomer}
    values[NOTHING] = material.nothing
    values[REPLACED_ID] = material.replaced_id
    return [str(values.get(arg, arg)) for arg in command]


#: Run in one process, to spare the suite a start-up per question: whether check_store
#: finds the databases agreeing, the fingerprints written since the last finished
#: compaction, and recognize's answer for each of PATHS.
VERIFY = """
import io, json
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
checked = io.StringIO()
try:
    call_command("check_store", stdout=checked)
    agree = True
except CommandError:
    agree = False
cursor = connections["fingerprints"].cursor()
cursor.execute("SELECT COALESCE(SUM(written_since_compaction), 0) FROM store_state")
answers = io.StringIO()
call_command("recognize", "--json", *PATHS, stdout=answers)
print(json.dumps([agree, checked.getvalue(), int(cursor.fetchone()[0]), answers.getvalue()]))
"""


@dataclass(frozen=True)
class Verdict:
    agree: bool
    check_output: str
    compaction_debt: int
    names: dict[str, str | None]


def verify(data: DataDir, clips: dict[str, Path]) -> Verdict:
    """What check_store says, the compaction debt, and the title recognize names for each
    clip (None for no match)."""
    code = f"PATHS = {json.dumps(list(map(str, clips.values())))}\n{VERIFY}"
    run = data.manage("shell", "--no-imports", "-c", code)
    assert run.returncode == 0, run.stderr
    agree, output, debt, answers = json.loads(run.stdout.splitlines()[-1])
    matches = [json.loads(line)["match"] for line in answers.splitlines()]
    titles = {name: match and match["title"] for name, match in zip(clips, matches)}
    return Verdict(agree, output, int(debt), titles)


@pytest.mark.parametrize(
    ("scenario", "kills"), KILLS, ids=[f"{s} at {' then '.join(k)}" for s, k in KILLS]
)
def test_after_a_kill_the_next_run_leaves_both_databases_agreeing(
    scenario: str, kills: tuple[str, ...], material: Material, tmp_path: Path
) -> None:
    plan = SCENARIOS[scenario]
    data = copied(material.bases[plan.base], tmp_path / "data")
    try:
        for kill in kills:
            killed = data.manage(*filled(plan.command, material), KAZOOM_KILL_AT=kill)
            assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr

        next_run = data.manage(*filled(plan.next_run or plan.command, material))
        verdict = verify(data, material.clips)

        assert next_run.returncode == 0, next_run.stdout + next_run.stderr
        assert verdict.agree, verdict.check_output
        assert verdict.names == plan.expected
        if kills[0].startswith("compact"):
            assert "0 song(s) indexed" in next_run.stdout and verdict.compaction_debt == 0
    finally:
        removed(data)
