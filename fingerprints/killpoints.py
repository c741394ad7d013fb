"""A test hook: the process kills itself (SIGKILL) at a named step of the commit protocol.

``KAZOOM_KILL_AT=STEP`` kills at the first time ``STEP`` is reached, ``STEP:N`` at the N-th.
Unset, ``reached`` only reads the environment. The fault-injection tests
(``catalog/tests/test_interrupted_indexing.py``) set it on the commands they kill; the steps are
named where ``reached`` is called.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENVIRONMENT_VARIABLE = "KAZOOM_KILL_AT"

_times_reached: Counter[str] = Counter()


def reached(step: str) -> None:
    """Count ``step``, and kill this process if the environment names it at this count."""
    wanted = os.environ.get(ENVIRONMENT_VARIABLE)
    if not wanted:
        return
    name, _, nth = wanted.partition(":")
    if name != step:
        return
    _times_reached[step] += 1
    if _times_reached[step] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
