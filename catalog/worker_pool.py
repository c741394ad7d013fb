"""Processes that analyse files for the one process that writes, and die with it; and how any
child process is made to die with its parent."""

from __future__ import annotations

import ctypes
import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

#: prctl(2)'s option that asks the kernel to signal this process when its parent dies.
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int, signal_number: int = signal.SIGKILL) -> None:
    """Run in a child process (a pool initializer, a ``preexec_fn``): the kernel sends it
    ``signal_number`` when the process that started it dies (SIGTERM, SIGKILL or anything
    else), so no child outlives an interrupted run."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal_number, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:  # the parent died before the request was made
        os._exit(1)


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes that die with this one; leaving the block cancels the
    work not yet started (a run that stopped early does not wait for it)."""
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)
    )
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
