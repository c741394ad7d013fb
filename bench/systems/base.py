"""The one interface every benchmarked system is driven through.

A system indexes the indexed tracks through its real command line, then answers every clip
file through its real command line. Songs are named by track key (``bench.split.Track.key``),
offsets in seconds of the song's own time line where the clip starts.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bench.split import Track


class Unavailable(RuntimeError):
    """The system cannot run here (not installed, not configured); the message says why."""


@dataclass(frozen=True)
class QueryClip:
    clip_id: str
    path: Path


@dataclass(frozen=True)
class IndexStats:
    """Indexing through the system's own command: seconds, bytes.

    ``wall_seconds`` includes decoding the tracks, whoever decodes them; ``decode_seconds`` is
    decoding alone, at the rate the system analyses at, for reference (None if not measured).
    """

    tracks: int
    audio_seconds: float
    wall_seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    storage_bytes: int
    decode_seconds: float | None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Answer:
    """A system's answer to one clip. ``score`` is the count its decision rests on (aligned
    hash matches); ``elapsed_ms`` the time it took to answer this clip once warm, when known;
    ``error`` the system's refusal code, if it refused the file (counted as no match)."""

    clip_id: str
    song: str | None
    offset_seconds: float | None
    score: float | None
    elapsed_ms: float | None
    error: str | None = None


@dataclass(frozen=True)
class QueryRun:
    answers: list[Answer]
    #: Every query process together, startup included.
    wall_seconds: float
    peak_rss_bytes: int
    notes: list[str] = field(default_factory=list)


class System(Protocol):
    name: str
    #: The exact command lines it was run with, for the report.
    commands: list[str]

    def index(self, tracks: Sequence[Track]) -> IndexStats: ...

    def query(self, clips: Sequence[QueryClip]) -> QueryRun: ...


def summarised_command(argv: Sequence[str], files: int) -> str:
    """``argv`` as a shell command line, its last ``files`` arguments shown as ``FILE×files``,
    for the report's list of exact commands."""
    return shlex.join(argv[: len(argv) - files]) + f" FILE×{files}"
