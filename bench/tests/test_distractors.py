"""Distractor songs: made outside the speed search, cached, and no clip of the track they come
from lines up with them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.distractors import MIN_SPEED_OFFSET, Variant, distractor_tracks, variants
from bench.duplicates import DISTRACTOR_SPEED_STEP
from bench.split import Track
from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes
from fingerprints.pipeline import analyse_query, analyse_song
from testsupport.codecs import write_audio
from testsupport.excerpts import write_clip
from testsupport.music import SAMPLE_RATE, synth_song


@pytest.fixture(scope="module")
def tracks(tmp_path_factory: pytest.TempPathFactory) -> list[Track]:
    folder = tmp_path_factory.mktemp("music")
    paths = [
        write_audio(folder / f"t{seed}.flac", synth_song(seed), SAMPLE_RATE) for seed in (1, 2)
    ]
    return [Track(str(path), 30.0) for path in paths]


def test_every_variant_plays_beyond_the_reach_of_the_speed_search() -> None:
    every = list(variants())
    assert len({variant.name for variant in every}) == len(every)
    assert all(abs(v.speed - 1) >= MIN_SPEED_OFFSET - 1e-9 for v in every)
    assert every[:2] == [Variant(1.12, reversed=False), Variant(1.12, reversed=True)]


def test_the_duplicates_benchmark_distractors_are_no_copies_of_each_other() -> None:
    """A track's distractors all play forwards, each pair further apart in speed than the
    duplicates finder searches, with a percent to spare."""
    furthest = max(EngineConfig().duplicate_speed_search) + 0.01
    every = list(variants(DISTRACTOR_SPEED_STEP, backwards=False))
    speeds = sorted(v.speed for v in every)
    assert len(speeds) >= 8 and not any(v.reversed for v in every)
    assert all(faster / slower > furthest for slower, faster in zip(speeds, speeds[1:]))


def test_distractors_add_up_to_the_hours_asked_and_are_written_once(
    tracks: list[Track], tmp_path: Path
) -> None:
    assert distractor_tracks(tracks, 0, tmp_path) == []
    chosen = distractor_tracks(tracks, 2.5 / 60, tmp_path)  # two and a half minutes
    assert sum(t.duration_seconds for t in chosen) >= 150
    assert sum(t.duration_seconds for t in chosen[:-1]) < 150
    written = {t.key: Path(t.key).stat().st_mtime_ns for t in chosen}
    again = distractor_tracks(tracks, 2.5 / 60, tmp_path)
    assert again == chosen
    assert {t.key: Path(t.key).stat().st_mtime_ns for t in again} == written
    assert not list(tmp_path.glob("*.partial.*"))


def test_no_clip_of_a_track_lines_up_with_its_distractors(
    tracks: list[Track], tmp_path: Path
) -> None:
    config = EngineConfig()
    clips = [
        analyse_query(write_clip(tmp_path / f"clip{start}.wav", synth_song(1), start), config)
        for start in (3.0, 12.0, 20.0)
    ]
    distractors = distractor_tracks(tracks[:1], 6 / 60, tmp_path / "cache")
    assert len(distractors) >= 12

    def most_aligned_with(paths: list[Path]) -> int:
        songs = [analyse_song(path, config).hashes for path in paths]
        return max(_most_aligned(clip.analysis.hashes, song) for clip in clips for song in songs)

    # A distractor lines up with a clip of its track no better than another song does...
    other_songs = [
        write_audio(tmp_path / f"other{n}.flac", synth_song(n), SAMPLE_RATE) for n in range(2, 7)
    ]
    assert most_aligned_with([t.path for t in distractors]) <= most_aligned_with(other_songs)
    # ... where the same measure finds each clip in its own song many times over.
    own = analyse_song(tracks[0].path, config).hashes
    assert all(_most_aligned(clip.analysis.hashes, own) > 100 for clip in clips)


def _most_aligned(a: Hashes, b: Hashes) -> int:
    """The most pairs of ``a`` and ``b`` with the same hash at one offset between them."""
    a_values, a_frames = a.values, a.frames
    b_values, b_frames = b.values, b.frames
    common = np.intersect1d(a_values, b_values)
    offsets = [
        b_frames[b_values == value][:, None] - a_frames[a_values == value][None, :]
        for value in common
    ]
    if not offsets:
        return 0
    every = np.concatenate([o.ravel() for o in offsets])
    return int(np.bincount(every - every.min()).max())
