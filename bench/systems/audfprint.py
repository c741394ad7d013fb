"""audfprint (Dan Ellis's landmark fingerprinter, as the ``audfprint2`` package on PyPI), run
through its own command line from a virtual environment of its own outside the repository.

audfprint decodes every file with a system ``ffmpeg`` (Debian: ``apt-get install ffmpeg``);
its options go before the command::

    audfprint [OPTIONS] -d fp.hdf new TRACK...
    audfprint [OPTIONS] -v -C -d fp.hdf match CLIP...

It prints its matches only at the debug level (``-v``), one line per clip, in input order::

    DEBUG:audfprint2:Matched CLIP 5.0 sec 318 raw hashes as TRACK at   50.0 s with    80 of
      108 common hashes at rank  0
    DEBUG:audfprint2:NOMATCH: CLIP 5.0 sec 12 raw hashes

With ``-R`` (``--find-time-range``) and ``-x N`` (``--max-matches``) it prints up to N lines per
query, one per (track, alignment), the most aligned hashes first: how long the match lasts,
where it starts in the query and in the track::

    DEBUG:audfprint2:Matched   61.0 s starting at  694.9 s in QUERY to time   80.0 s in TRACK
      with  1948 of 46195 common hashes at rank  1
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.children import ChildRun, run_child, run_child_lines
from bench.split import Track
from bench.systems.base import (
    Answer,
    IndexStats,
    QueryClip,
    QueryRun,
    Unavailable,
    summarised_command,
)

PACKAGE = "audfprint2"
#: audfprint's analysis rate (its ``-r`` default), for the decoder-alone reference.
SAMPLE_RATE = 11025
#: Far denser landmarks (hashes per second, pairs per peak, peaks per frame), and exact
#: counting of aligned hashes when matching: the tuning that makes audfprint most accurate.
DENSE_OPTIONS = ("-n", "80", "-F", "8", "-P", "10")
DENSE_MATCH_OPTIONS = ("-X",)
#: Times stored up to 65,536 frames (25 min) rather than modulo 16,384 (6.3 min): a long
#: query's hashes at one alignment with a track would otherwise split in two where the track
#: passes 6.3 min. The 16 bits left of each 32-bit entry still name 65,535 tracks.
LONG_TRACK_OPTIONS = ("-t", "65536")
#: A match's time range runs from the 1 % to the 99 % quantile of its aligned hashes' times in
#: the query (audfprint's default is 5 %, cutting a tenth off every range): on a 32 min mix of
#: the timeline benchmark the median boundary error was 2.3 s at 1 %, 2.8 s at 2 % and 4.7 s
#: at 5 %, and no range at 1 % reached into unknown audio.
TIME_QUANTILE = 0.01
_PREFIX = "DEBUG:audfprint2:"
_MATCHED = re.compile(
    r" [\d.]+ sec \d+ raw hashes as (?P<song>.+) at\s+(?P<offset>-?[\d.]+) s "
    r"with\s+(?P<count>\d+) of\s+\d+ common hashes at rank\s+\d+$"
)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kazoom-bench"


def install(venv: Path | None = None) -> Path:
    """The ``audfprint`` executable, installing ``audfprint2`` into ``venv`` first if needed."""
    venv = venv or cache_dir() / "audfprint-venv"
    executable = venv / "bin" / "audfprint"
    if shutil.which("ffmpeg") is None:
        raise Unavailable("audfprint reads audio through ffmpeg: apt-get install ffmpeg")
    if executable.exists():
        return executable
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", PACKAGE]
        subprocess.run(pip, check=True, capture_output=True)
    except subprocess.CalledProcessError as error:
        raise Unavailable(f"installing {PACKAGE} failed: {error.stderr.decode()[-500:]}") from None
    return executable


class Audfprint:
    def __init__(
        self,
        name: str,
        executable: Path,
        work: Path,
        options: Sequence[str] = (),
        match_options: Sequence[str] = (),
    ) -> None:
        self.name = name
        self.executable = executable
        self.database = work / f"{name}.hdf"
        self.log_path = work / f"{name}.log"
        self.options = list(options)
        self.match_options = list(match_options)
        self.commands: list[str] = []

    def index(self, tracks: Sequence[Track]) -> IndexStats:
        run = self.add(tracks)
        keys = [track.key for track in tracks]
        return IndexStats(
            tracks=len(tracks),
            audio_seconds=sum(track.duration_seconds for track in tracks),
            wall_seconds=run.wall_seconds,
            cpu_seconds=run.cpu_seconds,
            peak_rss_bytes=run.peak_rss_bytes,
            storage_bytes=self.database.stat().st_size,
            decode_seconds=ffmpeg_decode_seconds(tuple(keys)),
            notes=[
                "storage: the .hdf hash table, a fixed-size table (2^20 buckets × 100) "
                "compressed, so it says little per hour on a small collection",
                "times are stored modulo 16384 frames (6.3 min) by default",
            ],
        )

    def add(self, tracks: Sequence[Track]) -> ChildRun:
        """A new database of ``tracks``, made by ``audfprint new`` pinned to one core."""
        keys = [track.key for track in tracks]
        argv = [str(self.executable), *self.options, "-d", str(self.database), "new", *keys]
        self.commands.append(summarised_command(argv, len(keys)))
        with self.log_path.open("ab") as log:
            run = run_child(argv, log, one_core=True)
        if run.returncode != 0 or not self.database.exists():
            raise RuntimeError(f"audfprint new exited with {run.returncode}; see {self.log_path}")
        return run

    def time_ranges(
        self, queries: Sequence[Path], max_matches: int
    ) -> tuple[ChildRun, list[list[TimeRange]]]:
        """Each query's matches by ``match --find-time-range --max-matches MAX_MATCHES``, one
        process over every query pinned to one core; an unreadable query stops it."""
        database = ["-d", str(self.database)]
        ranges = ["-R", "-Q", str(TIME_QUANTILE), "-x", str(max_matches)]
        argv = [str(self.executable), *self.options, *ranges, "-v", *database, "match"]
        argv += [str(query) for query in queries]
        self.commands.append(summarised_command(argv, len(queries)))
        run, lines = run_child_lines(argv, one_core=True)
        if run.returncode != 0:
            tail = "\n".join(line.text for line in lines[-10:])
            raise RuntimeError(f"audfprint match exited with {run.returncode}:\n{tail}")
        texts = [line.text for line in lines]
        return run, [parse_time_ranges(query, texts) for query in queries]

    def query(self, clips: Sequence[QueryClip]) -> QueryRun:
        paths = [str(clip.path) for clip in clips]
        database = ["-d", str(self.database)]
        argv = [str(self.executable), *self.options, *self.match_options, "-v", "-C", *database]
        argv += ["match", *paths]
        self.commands.append(summarised_command(argv, len(paths)))
        run, lines = run_child_lines(argv, one_core=True)
        answers = parse_matches(clips, [(line.text, line.at_seconds) for line in lines])
        return QueryRun(
            answers,
            run.wall_seconds,
            run.peak_rss_bytes,
            [
                "latency: time between successive answer lines of one match process (decoding "
                "included); the first clip, which pays for loading the hash table, is left out",
            ],
        )


def parse_matches(clips: Sequence[QueryClip], lines: Sequence[tuple[str, float]]) -> list[Answer]:
    """One answer per clip from audfprint's debug output, in the clips' order.

    A clip without an answer line (audfprint skipped it: unreadable with ``-C``) is no match.
    """
    found: dict[str, Answer] = {}
    expected = iter(clips)
    clip = next(expected, None)
    previous_at: float | None = None
    for text, at_seconds in lines:
        body = text.removeprefix(_PREFIX)
        result = _result(body, clip)
        if clip is None or result is None:
            continue
        elapsed = None if previous_at is None else (at_seconds - previous_at) * 1000
        found[clip.clip_id] = Answer(clip.clip_id, *result, elapsed)
        previous_at = at_seconds
        clip = next(expected, None)
    return [found.get(c.clip_id) or Answer(c.clip_id, None, None, None, None) for c in clips]


def _result(body: str, clip: QueryClip | None) -> tuple[str | None, float | None, int] | None:
    """(song, offset, count) when ``body`` answers ``clip``; None when it is another line."""
    if clip is None:
        return None
    if body.startswith(f"NOMATCH: {clip.path} "):
        return None, None, 0
    head = f"Matched {clip.path}"
    matched = _MATCHED.match(body[len(head) :]) if body.startswith(head) else None
    if matched is None:
        return None
    return matched["song"], float(matched["offset"]), int(matched["count"])


@dataclass(frozen=True)
class TimeRange:
    """One match of a query: ``track`` heard from ``from_seconds`` to ``to_seconds`` of the
    query, from ``song_from_seconds`` of the track on, by ``aligned_hashes`` hashes."""

    track: str
    from_seconds: float
    to_seconds: float
    song_from_seconds: float
    aligned_hashes: int


def parse_time_ranges(query: Path, lines: Sequence[str]) -> list[TimeRange]:
    """``query``'s matches in audfprint's ``--find-time-range`` debug output, in its order."""
    matched = re.compile(
        rf"{_PREFIX}Matched\s+(?P<seconds>[\d.]+) s starting at\s+(?P<start>[\d.]+) s "
        rf"in {re.escape(str(query))} to time\s+(?P<song>-?[\d.]+) s in (?P<track>.+) "
        r"with\s+(?P<count>\d+) of\s+\d+ common hashes at rank\s+\d+$"
    )
    ranges = []
    for line in lines:
        match = matched.match(line)
        if match is not None:
            start = float(match["start"])
            ranges.append(
                TimeRange(
                    match["track"],
                    start,
                    start + float(match["seconds"]),
                    float(match["song"]),
                    int(match["count"]),
                )
            )
    return ranges


@functools.cache
def ffmpeg_decode_seconds(paths: tuple[str, ...]) -> float:
    """Seconds for ffmpeg alone to decode ``paths`` to mono float at audfprint's rate."""
    started = time.perf_counter()
    for path in paths:
        argv = ["ffmpeg", "-v", "error", "-i", path, "-ac", "1", "-ar", str(SAMPLE_RATE)]
        subprocess.run([*argv, "-f", "f32le", "-"], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started
