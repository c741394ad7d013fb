"""The repeat rule: a loop of a track is the same audio, another passage of it is not."""

from __future__ import annotations

import numpy as np

from bench.repeats import REPEAT_THRESHOLD, SAMPLE_RATE, passage_similarity, same_passage_judge
from testsupport.music import synth_song

SONG = synth_song(3, seconds=20.0, sample_rate=SAMPLE_RATE)
#: The song, then its 5–10 s again from 20 s on: a loop.
LOOPED = np.concatenate([SONG, SONG[5 * SAMPLE_RATE : 10 * SAMPLE_RATE]])


def test_a_repeat_is_the_same_passage_even_a_frame_off() -> None:
    assert passage_similarity(LOOPED, 6.0, 21.0, 3.0) > 0.99
    assert passage_similarity(LOOPED, 6.0, 21.04, 3.0) >= REPEAT_THRESHOLD


def test_another_passage_of_the_same_song_is_not() -> None:
    for other_seconds in (1.0, 12.0, 16.5):
        assert passage_similarity(LOOPED, 6.0, other_seconds, 3.0) < REPEAT_THRESHOLD - 0.2


def test_outside_the_track_or_silent_is_never_the_same() -> None:
    assert passage_similarity(LOOPED, 6.0, 24.0, 3.0) == 0.0
    silence = np.zeros(10 * SAMPLE_RATE, np.float32)
    assert passage_similarity(silence, 1.0, 5.0, 2.0) == 0.0


def test_the_judge_decodes_each_track_once() -> None:
    decoded: list[str] = []

    def decode(path: object) -> np.ndarray:
        decoded.append(str(path))
        return LOOPED

    same = same_passage_judge(decode)
    assert same("/m/loop.ogg", 6.0, 21.0, 3.0)
    assert not same("/m/loop.ogg", 6.0, 12.0, 3.0)
    assert decoded == ["/m/loop.ogg"]
