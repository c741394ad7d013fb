"""Olaf (Joren Six's Overly Lightweight Acoustic Fingerprinting), its C core, from a checkout
named by ``OLAF_DIR``. No Olaf code lives in this repository.

When ``OLAF_DIR/bin/olaf_core`` is missing the bench builds it with Olaf's own
``make compile_core`` in ``OLAF_DIR``. The core reads raw 32-bit float mono audio at 16 kHz,
each file followed by the name to store or report it under::

    HOME=WORK olaf_core store TRACK.raw TRACK_KEY ...
    HOME=WORK olaf_core query CLIP.raw CLIP_ID

Its database is LMDB under ``$HOME/.olaf/db/``: HOME points into the bench's work folder. Audio
is converted by Kazoom's decoder, and that time is counted as Olaf's decoding. ``query`` prints
its matches best first, one line each, or an all-zero line when there is none::

    COUNT, QUERY_START, QUERY_STOP, TRACK_KEY, TRACK_ID, REFERENCE_START, REFERENCE_STOP
"""

from __future__ import annotations

import shlex
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import soundfile as sf

from bench.children import run_child, run_child_lines
from bench.split import Track
from bench.systems.base import Answer, IndexStats, QueryClip, QueryRun, Unavailable
from fingerprints.audio import decode_audio

SAMPLE_RATE = 16000
BINARY = Path("bin") / "olaf_core"


def build(olaf_dir: Path, log_path: Path) -> Path:
    """``OLAF_DIR/bin/olaf_core``, built by Olaf's ``make compile_core`` if it is missing."""
    binary = olaf_dir / BINARY
    if binary.exists():
        return binary
    if not (olaf_dir / "Makefile").exists():
        raise Unavailable(f"OLAF_DIR={olaf_dir} is not an Olaf checkout (no Makefile)")
    with log_path.open("ab") as log:
        made = subprocess.run(["make", "compile_core"], cwd=olaf_dir, stdout=log, stderr=log)
    if made.returncode != 0 or not binary.exists():
        raise Unavailable(f"make compile_core failed in {olaf_dir}; see {log_path}")
    return binary


class Olaf:
    name = "olaf"

    def __init__(self, binary: Path, work: Path) -> None:
        self.binary = binary
        self.home = work / "olaf-home"
        self.database = self.home / ".olaf" / "db"
        self.raw = work / "olaf-raw"
        self.log_path = work / "olaf.log"
        self.commands: list[str] = []
        self.database.mkdir(parents=True, exist_ok=True)
        self.raw.mkdir(parents=True, exist_ok=True)

    def index(self, tracks: Sequence[Track]) -> IndexStats:
        started = time.perf_counter()
        argv = [str(self.binary), "store"]
        for number, track in enumerate(tracks):
            argv += [str(to_raw(Path(track.key), self.raw / f"track_{number:04d}.raw")), track.key]
        decode_seconds = time.perf_counter() - started
        self.commands.append(
            f"HOME={self.home} {shlex.join(argv[:2])} TRACK.raw TRACK ×{len(tracks)}"
        )
        with self.log_path.open("ab") as log:
            run = run_child(argv, log, env={"HOME": str(self.home)}, one_core=True)
        if run.returncode != 0:
            raise RuntimeError(f"olaf_core store exited with {run.returncode}; see {self.log_path}")
        for raw in self.raw.glob("track_*.raw"):
            raw.unlink()
        return IndexStats(
            tracks=len(tracks),
            audio_seconds=sum(track.duration_seconds for track in tracks),
            wall_seconds=decode_seconds + run.wall_seconds,
            cpu_seconds=decode_seconds + run.cpu_seconds,
            peak_rss_bytes=run.peak_rss_bytes,
            storage_bytes=sum(f.stat().st_size for f in self.database.iterdir() if f.is_file()),
            decode_seconds=decode_seconds,
            notes=[
                "indexing time = Kazoom's decoder writing 16 kHz raw files (in the bench "
                f"process, {decode_seconds:.1f} s) + olaf_core store; peak memory is "
                "olaf_core's alone",
                "storage: the LMDB files under $HOME/.olaf/db",
            ],
        )

    def query(self, clips: Sequence[QueryClip]) -> QueryRun:
        self.commands.append(f"HOME={self.home} {self.binary} query CLIP.raw CLIP_ID  (per clip)")
        answers, wall, peak = [], 0.0, 0
        for clip in clips:
            started = time.perf_counter()
            raw = to_raw(clip.path, self.raw / f"{clip.clip_id}.raw")
            decode_seconds = time.perf_counter() - started
            argv = [str(self.binary), "query", str(raw), clip.clip_id]
            run, lines = run_child_lines(argv, env={"HOME": str(self.home)}, one_core=True)
            elapsed = decode_seconds + run.wall_seconds
            raw.unlink()
            wall += elapsed
            peak = max(peak, run.peak_rss_bytes)
            song, offset, count = best_match([line.text for line in lines])
            answers.append(Answer(clip.clip_id, song, offset, count, elapsed * 1000))
        note = "latency: decoding the clip to 16 kHz raw + one olaf_core query process"
        return QueryRun(answers, wall, peak, [note])


def to_raw(source: Path, raw: Path) -> Path:
    """``source`` as raw 32-bit float mono samples at ``SAMPLE_RATE``, the core's input."""
    samples = decode_audio(source, sample_rate=SAMPLE_RATE).samples
    sf.write(raw, samples, SAMPLE_RATE, format="RAW", subtype="FLOAT")
    return raw


def best_match(lines: Sequence[str]) -> tuple[str | None, float | None, int]:
    """(track key, offset in seconds, aligned count) of the first result line, or no match."""
    for line in lines:
        fields = line.split(", ")
        if len(fields) < 7 or not fields[0].isdigit():
            continue
        count = int(fields[0])
        if count == 0:
            return None, None, 0
        query_start, reference_start = float(fields[1]), float(fields[-2])
        return ", ".join(fields[3:-3]), reference_start - query_start, count
    return None, None, 0
