"""A timeline's checkpoint: the windows matched so far, as JSON, read back to windows whose
segments are the windows' own; and a timeline gone on with after any window of a checkpoint
is the timeline of the whole run, window for window."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from fingerprints.config import EngineConfig
from fingerprints.store import FingerprintStore
from recognition.services import Timeline, recognize_timeline
from recognition.timeline import Window, build_segments, heard_votes
from recognition.timeline_checkpoints import windows_from_json, windows_json
from testsupport.codecs import write_audio
from testsupport.library import BOTH_DATABASES, SongLibrary
from testsupport.mixes import Excerpt, mix

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


@pytest.fixture
def recording(indexed: SongLibrary, tmp_path: Path) -> Path:
    """Three songs crossfaded, the second 4 % fast, then 15 s no catalog holds: about 75 s."""
    songs = indexed.songs
    samples, _ = mix(
        [
            Excerpt(songs[0].samples, 2.0, 22.0, songs[0].title),
            Excerpt(songs[1].samples, 3.0, 22.0, songs[1].title, 1.04, crossfade_seconds=3.0),
            Excerpt(songs[2].samples, 4.0, 22.0, songs[2].title, crossfade_seconds=3.0),
            Excerpt(indexed.stranger, 5.0, 15.0, None),
        ],
        indexed.sample_rate,
    )
    return write_audio(tmp_path / "set.wav", samples, indexed.sample_rate)


class _Windows:
    """A progress callback that keeps the windows matched so far."""

    def __init__(self) -> None:
        self.windows: list[Window] = []

    def __call__(self, done: float, declared: float | None, windows: Sequence[Window]) -> None:
        self.windows = list(windows)


def _through_json(windows: Sequence[Window]) -> list[Window]:
    return windows_from_json(json.loads(json.dumps(windows_json(windows))))


def _same_windows(got: Sequence[Window], expected: Sequence[Window]) -> None:
    """Window for window the same, votes as segments read them included."""
    assert got == expected
    for window, other in zip(got, expected):
        matches = [window.match, *window.also_heard]
        others = [other.match, *other.also_heard]
        for match, same in zip(matches, others):
            if match is not None and same is not None:
                assert heard_votes(match.vote_seconds).tolist() == (
                    heard_votes(same.vote_seconds).tolist()
                )


def test_windows_read_back_from_their_json_make_the_same_segments(
    recording: Path, store: FingerprintStore, config: EngineConfig
) -> None:
    kept = _Windows()
    recognize_timeline(recording, store=store, config=config, on_progress=kept)
    read_back = _through_json(kept.windows)

    _same_windows(read_back, kept.windows)
    assert build_segments(read_back, config) == build_segments(kept.windows, config)
    assert any(w.also_heard for w in kept.windows)
    assert {m.speed for w in kept.windows if (m := w.match)} >= {1.0, 1.04}
    # A vote is a digit or two: a window of ~100 votes weighs a few hundred bytes.
    heaviest = max(len(json.dumps(windows_json([w]))) for w in kept.windows)
    assert heaviest < 1500, heaviest


def test_a_timeline_gone_on_with_after_any_window_is_the_whole_run_s(
    recording: Path, store: FingerprintStore, config: EngineConfig
) -> None:
    whole = _Windows()
    timeline = recognize_timeline(recording, store=store, config=config, on_progress=whole)
    count = len(whole.windows)

    for done in (1, 4, 7, count - 2, count - 1, count):
        resumed = _Windows()
        gone_on = recognize_timeline(
            recording,
            store=store,
            config=config,
            on_progress=resumed,
            resumed=_through_json(whole.windows[:done]),
        )

        _same_windows(resumed.windows[done:], whole.windows[done:])
        assert _segments(gone_on) == _segments(timeline)
        assert gone_on.duration_seconds == timeline.duration_seconds
    assert [s.song.title for s in timeline.segments] == ["Song 1", "Song 2", "Song 3"]


def _segments(timeline: Timeline) -> list[tuple[object, ...]]:
    return [(s.segment, s.song.pk) for s in timeline.segments]
