"""The systems the timeline benchmark compares. Each indexes the catalog, then names the
segments of every recording, through its own command line, each child pinned to one core.

* Kazoom: ``index_songs --workers 1``, then one ``timeline --json`` over the recordings.
* audfprint: ``new``, then one ``match --find-time-range --max-matches N`` over them
  (``bench.systems.audfprint``), its matches taken as they come: every (track, alignment) it
  reports is a segment, however much it overlaps another.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from bench.children import ChildRun, run_child
from bench.common import REPO_ROOT
from bench.kazoom_data import log_tail, manage_argv
from bench.split import Track
from bench.systems import audfprint
from bench.systems.base import summarised_command
from bench.timeline_scoring import Named
from testsupport.mixes import Played

if TYPE_CHECKING:
    from bench.systems.kazoom import Kazoom

SYSTEMS = ("kazoom", "audfprint")
#: audfprint reports at most this many matches per excerpt of the recording that holds the
#: most: room for every excerpt and a second alignment of each (a looped track matches at
#: several), while the weakest chance matches are left out.
MATCHES_PER_EXCERPT = 2


@dataclass(frozen=True)
class Recording:
    """A file the systems are asked about: its format's name, what played when, and how
    long it lasts in seconds."""

    format: str
    path: Path
    truth: list[Played]
    seconds: float


@dataclass(frozen=True)
class TimelineRun:
    child: ChildRun
    #: Each recording's segments, in the recordings' order.
    segments: list[list[Named]]


class TimelineSystem(Protocol):
    name: str
    #: The exact command lines it was run with, and what to know about its figures.
    commands: list[str]
    notes: list[str]

    def index(self, tracks: Sequence[Track]) -> ChildRun: ...

    def timelines(self, recordings: Sequence[Recording]) -> TimelineRun: ...


def make_timeline_system(name: str, work: Path) -> TimelineSystem:
    """The system called ``name``, ready to index; ``Unavailable`` says why it cannot run."""
    if name == "kazoom":
        from bench.systems.kazoom import Kazoom  # needs django.setup()

        return KazoomTimelines(Kazoom(work / "kazoom-data", work / "kazoom.log"), work)
    executable = audfprint.install()
    options = audfprint.LONG_TRACK_OPTIONS
    return AudfprintTimelines(audfprint.Audfprint(name, executable, work, options))


class KazoomTimelines:
    name = "kazoom"

    def __init__(self, kazoom: Kazoom, work: Path) -> None:
        self.kazoom = kazoom
        self.output = work / "timeline-output.txt"
        self.commands = kazoom.commands
        self.notes: list[str] = []

    def index(self, tracks: Sequence[Track]) -> ChildRun:
        self.kazoom.migrate()
        return self.kazoom.add(tracks)

    def timelines(self, recordings: Sequence[Recording]) -> TimelineRun:
        from catalog.models import Song  # needs django.setup()

        argv = manage_argv(["timeline", "--json", *(str(r.path) for r in recordings)])
        self.commands.append(summarised_command(argv, len(recordings)))
        with self.output.open("wb") as out:
            run = run_child(argv, out, cwd=REPO_ROOT, one_core=True)
        if run.returncode != 0:
            raise RuntimeError(f"timeline failed; see {self.output}:\n{log_tail(self.output)}")
        answers = _answers(self.output)
        tracks = dict(Song.objects.values_list("pk", "source_path"))
        segments = [
            [
                Named(tracks[s["song_id"]], s["from_seconds"], s["to_seconds"])
                for s in answers[str(recording.path)]["segments"]
            ]
            for recording in recordings
        ]
        return TimelineRun(run, segments)


def _answers(output: Path) -> dict[str, dict[str, Any]]:
    """The JSON objects ``timeline --json`` printed, by path (a progress bar's carriage
    returns may precede one on its line)."""
    answers = {}
    for line in output.read_text(errors="replace").splitlines():
        start = line.find('{"path"')
        if start >= 0:
            answer = json.loads(line[start:])
            answers[answer["path"]] = answer
    return answers


class AudfprintTimelines:
    name = "audfprint"

    def __init__(self, system: audfprint.Audfprint) -> None:
        self.system = system
        self.commands = system.commands
        self.notes = [
            f"audfprint: {' '.join(audfprint.LONG_TRACK_OPTIONS)} (times kept up to 25 min, "
            "not modulo 6.3 min), -Q "
            f"{audfprint.TIME_QUANTILE} (ranges from the 1 % to the 99 % quantile of the "
            f"aligned hashes), -x {MATCHES_PER_EXCERPT}× the most excerpts of a recording, "
            "-N 5 (its default) and its default density of 20 hashes/s; every match it "
            "reports is a segment",
            "audfprint has no speed search: an excerpt played off speed keeps its hashes "
            "aligned for a second or so at a time, so it is found at best in fragments",
        ]

    def index(self, tracks: Sequence[Track]) -> ChildRun:
        return self.system.add(tracks)

    def timelines(self, recordings: Sequence[Recording]) -> TimelineRun:
        most = max(len(recording.truth) for recording in recordings)
        run, ranges = self.system.time_ranges(
            [recording.path for recording in recordings], MATCHES_PER_EXCERPT * most
        )
        return TimelineRun(run, [segments_of(matches) for matches in ranges])


def segments_of(ranges: Sequence[audfprint.TimeRange]) -> list[Named]:
    """audfprint's matches of one recording as the segments of its timeline."""
    return [Named(r.track, r.from_seconds, r.to_seconds) for r in ranges]
