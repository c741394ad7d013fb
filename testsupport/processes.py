"""Processes as Linux shows them: a process's children, whether one still runs, and waiting
for something to hold."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (of any of its threads) that still exist."""
    found: list[int] = []
    for thread in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (thread / "children").read_text().split()]
        except OSError:  # the thread or the process ended meanwhile
            continue
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().split("\0")[:-1]
    except OSError:
        return []


def wait_for(value: Callable[[], T | None], timeout: float, what: str) -> T:
    """``value()`` once it is neither None nor false, asked every 20 ms; AssertionError
    naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = value()
        if got:
            return got
        time.sleep(0.02)
    raise AssertionError(f"waited {timeout} s for {what}")
