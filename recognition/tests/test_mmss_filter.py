"""The ``mmss`` template filter: durations and places in a song on the web pages."""

from __future__ import annotations

import pytest

from recognition.templatetags.kazoom import mmss


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(187.4, "3:07"), (74.6, "1:15"), (0.0, "0:00"), (-3.2, "0:00"), (None, "")],
    ids=["duration", "offset", "start", "before the song starts", "unknown"],
)
def test_mmss(seconds: float | None, shown: str) -> None:
    assert mmss(seconds) == shown
