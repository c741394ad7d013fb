"""Start one command and report its own peak memory: ``python -S launch.py RESULT CORE ARGV...``.

Run by its path by ``bench.children``, never imported: it needs the standard library alone.
Linux keeps a process's peak RSS across ``exec``, and a child forked from the benchmark
(hundreds of MiB of numpy and Django) would start with the benchmark's peak as its own. Forked
from this small interpreter instead, the command's peak is its own plus at most this process's
few MiB.

Pins itself (and so the command) to CPU ``CORE`` unless it is ``-``; writes
"wall_seconds cpu_seconds ru_maxrss returncode" to RESULT; exits as the command did.
"""

import os
import sys
import time


def main() -> int:
    result, core, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    if core != "-":
        os.sched_setaffinity(0, {int(core)})
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall_seconds = time.perf_counter() - started
    returncode = os.waitstatus_to_exitcode(status)
    with open(result, "w") as out:
        cpu_seconds = usage.ru_utime + usage.ru_stime
        out.write(f"{wall_seconds} {cpu_seconds} {usage.ru_maxrss} {returncode}\n")
    return returncode if returncode >= 0 else 128 - returncode


if __name__ == "__main__":
    sys.exit(main())
