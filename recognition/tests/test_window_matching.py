"""Windows of a long recording matched against a real index: what each heard, and at which
speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from fingerprints.config import EngineConfig
from fingerprints.store import FingerprintStore
from recognition.services import recognize_timeline
from testsupport.codecs import write_audio
from testsupport.library import BOTH_DATABASES, SongLibrary
from testsupport.mixes import Excerpt, mix

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


@pytest.mark.parametrize("speed", [0.94, 1.06])
def test_a_song_off_speed_after_one_as_it_is_starts_where_it_starts(
    indexed: SongLibrary,
    store: FingerprintStore,
    config: EngineConfig,
    tmp_path: Path,
    speed: float,
) -> None:
    """The window the crossfade ends in is named as the first song, voted on at its speed
    alone; the second is first named a window later, and starts there unless the window
    before is voted on again at the second's speed."""
    first, second = indexed.songs[0], indexed.songs[1]
    excerpts = [
        Excerpt(first.samples, 2.0, 24.0, first.title),
        Excerpt(second.samples, 3.0, 24.0, second.title, crossfade_seconds=4.0, speed=speed),
    ]
    samples, truth = mix(excerpts, indexed.sample_rate)
    path = write_audio(tmp_path / "set.wav", samples, indexed.sample_rate)

    timeline = recognize_timeline(path, store=store, config=config)

    assert [s.song.title for s in timeline.segments] == [first.title, second.title]
    crossing = truth[1].from_seconds
    assert timeline.segments[0].segment.to_seconds == pytest.approx(crossing, abs=1.0)
    assert timeline.segments[1].segment.from_seconds == pytest.approx(crossing, abs=1.0)
