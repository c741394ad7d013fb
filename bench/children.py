"""Running a benchmarked command as a child process: wall time, CPU time and peak memory.

Every command starts through ``bench/launch.py``, a small interpreter that forks it and reports
its ``wait4`` figures, so the peak memory is the command's own and not the benchmark's (Linux
keeps a process's peak RSS across ``exec``; see launch.py). The command's output goes where
the caller says; only the figures come back through a file.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

#: Started by its path, not with ``-m``: it imports nothing of the package, so it runs from
#: any working directory, and the command it starts keeps the one its caller gave.
_LAUNCH_PY = Path(__file__).with_name("launch.py")
#: ru_maxrss is in kibibytes on Linux, in bytes on macOS.
_RSS_UNIT_BYTES = 1 if sys.platform == "darwin" else 1024
MIB = 1 << 20
#: Thread pools of numpy's BLAS and friends, held to one thread so "one core" means one core.
SINGLE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}


@dataclass(frozen=True)
class ChildRun:
    returncode: int
    wall_seconds: float
    cpu_seconds: float
    peak_rss_bytes: int

    def figures(self) -> dict[str, float]:
        """Wall and CPU seconds and peak MiB, rounded, as the results files keep them."""
        return {
            "wall_seconds": round(self.wall_seconds, 1),
            "cpu_seconds": round(self.cpu_seconds, 1),
            "peak_memory_mib": round(self.peak_rss_bytes / MIB, 1),
        }


@dataclass(frozen=True)
class TimedLine:
    """One line a child printed, and ``perf_counter`` seconds when the parent read it."""

    text: str
    at_seconds: float


def run_child(
    argv: Sequence[str],
    log: IO[bytes],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    one_core: bool = False,
) -> ChildRun:
    """Run ``argv`` with its stdout and stderr going to ``log``.

    ``env`` is added to this process's environment. ``one_core`` pins the command (and whatever
    it starts, such as a decoder process) to a single CPU.
    """
    log.flush()
    with _launched(argv, one_core) as (command, result):
        subprocess.run(command, cwd=cwd, env=_environment(env), stdout=log, stderr=log)
        return _figures(result)


def run_child_lines(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    one_core: bool = False,
) -> tuple[ChildRun, list[TimedLine]]:
    """Run ``argv`` and read its stdout and stderr, merged, line by line as they come.

    Each line carries the time it arrived, so a command that answers many queries in one
    process shows how long each answer took once it was warm.
    """
    with _launched(argv, one_core) as (command, result):
        child = subprocess.Popen(
            command,
            cwd=cwd,
            env=_environment(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert child.stdout is not None
        lines = []
        with child.stdout:
            for raw in child.stdout:
                text = raw.decode("utf-8", errors="replace").rstrip("\n")
                lines.append(TimedLine(text, time.perf_counter()))
        child.wait()
        return _figures(result), lines


@contextlib.contextmanager
def _launched(argv: Sequence[str], one_core: bool) -> Iterator[tuple[list[str], Path]]:
    """The command line that runs ``argv`` through launch.py, and where its figures will be."""
    pinned = one_core and hasattr(os, "sched_getaffinity")
    core = str(max(os.sched_getaffinity(0))) if pinned else "-"
    handle, name = tempfile.mkstemp(prefix="kazoom-bench-child-", suffix=".txt")
    os.close(handle)
    try:
        yield [sys.executable, "-S", str(_LAUNCH_PY), name, core, *argv], Path(name)
    finally:
        os.unlink(name)


def _figures(result: Path) -> ChildRun:
    fields = result.read_text().split()
    if len(fields) != 4:
        raise RuntimeError(f"the launcher reported nothing for the command ({result})")
    wall_seconds, cpu_seconds, max_rss, returncode = fields
    return ChildRun(
        int(returncode), float(wall_seconds), float(cpu_seconds), int(max_rss) * _RSS_UNIT_BYTES
    )


def _environment(extra: Mapping[str, str] | None) -> dict[str, str] | None:
    return None if extra is None else {**os.environ, **extra}
