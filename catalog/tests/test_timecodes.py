"""``catalog.timecodes.clock``: m:ss to the nearest second, signed."""

from __future__ import annotations

import numpy as np
import pytest

from catalog.timecodes import clock


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0.0, "0:00"),
        (9.4, "0:09"),
        (74.6, "1:15"),
        (599.5, "10:00"),
        (3725.0, "62:05"),
        (-3.2, "-0:03"),
        (-61.0, "-1:01"),
        (-0.4, "0:00"),
        (np.float64(187.4), "3:07"),
    ],
)
def test_clock(seconds: float, expected: str) -> None:
    assert clock(seconds) == expected
