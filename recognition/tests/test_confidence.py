"""The confidence a result card shows: its words follow the percentage shown (its bar's
colour follows the words: see test_browser_result_states)."""

from __future__ import annotations

import pytest

from recognition.presenters import confidence_level


@pytest.mark.parametrize(
    ("percent", "words"),
    [
        (100, "Certain"),
        (90, "Certain"),
        (89, "Very likely"),
        (86, "Very likely"),
        (84, "Very likely"),
        (75, "Very likely"),
        (74, "Likely"),
        (0, "Likely"),
    ],
)
def test_the_words_follow_the_percentage_shown(percent: int, words: str) -> None:
    assert confidence_level(percent).words == words
