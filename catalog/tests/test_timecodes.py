"""``catalog.timecodes``: m:ss to the nearest second, signed, and places in a song."""

from __future__ import annotations

import numpy as np
import pytest

from catalog.timecodes import clock, place_in_song


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


@pytest.mark.parametrize(("seconds", "expected"), [(74.6, "1:15"), (0.0, "0:00"), (-3.2, "0:00")])
def test_a_place_in_a_song_is_never_before_its_start(seconds: float, expected: str) -> None:
    assert place_in_song(seconds) == expected
