"""A long recording's windows: where they fall, what they hold, and what is refused."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from fingerprints.audio import decode_audio
from fingerprints.config import EngineConfig
from fingerprints.errors import TooLong, TooShort
from fingerprints.pipeline import analyse_query
from fingerprints.windows import open_recording
from testsupport.codecs import write_audio
from testsupport.hostile import silent_flac
from testsupport.music import SAMPLE_RATE, synth_song


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """73 s of two songs in a row, as FLAC."""
    samples = np.concatenate([synth_song(21, 40.0), synth_song(22, 33.0)])
    return write_audio(tmp_path_factory.mktemp("rec") / "set.flac", samples, SAMPLE_RATE)


def test_windows_start_every_hop_and_the_last_ends_with_the_recording(
    recording: Path, config: EngineConfig
) -> None:
    opened = open_recording(recording, config)
    windows = list(opened.windows())
    whole = decode_audio(recording, sample_rate=config.sample_rate).samples

    starts = [w.start_seconds for w in windows]
    hop = config.frames_to_seconds(config.seconds_to_frames(config.timeline_hop_seconds))
    assert starts[:-1] == pytest.approx([n * hop for n in range(len(starts) - 1)])
    assert opened.duration_seconds == pytest.approx(73.0, abs=0.01)
    assert starts[-1] + config.timeline_window_seconds == pytest.approx(73.0, abs=0.1)
    assert starts[-1] - starts[-2] <= hop
    for window in windows:
        first = round(window.start_seconds * config.sample_rate)
        samples = window.query.audio.samples
        assert len(samples) / config.sample_rate == pytest.approx(
            config.timeline_window_seconds, abs=0.1
        )
        np.testing.assert_array_equal(samples, whole[first : first + len(samples)])


@pytest.mark.parametrize("chunk_seconds", [30.0, 2.0], ids=["5 min stretches", "20 s stretches"])
def test_a_window_hashes_as_its_samples_would_as_a_clip(
    recording: Path, config: EngineConfig, tmp_path: Path, chunk_seconds: float
) -> None:
    # With 2 s chunks, the peaks are settled 20 s at a time: windows straddle the stretches.
    config = dataclasses.replace(config, chunk_seconds=chunk_seconds)

    shares = []
    for window in open_recording(recording, config).windows():
        clip = write_audio(tmp_path / "clip.wav", window.query.audio.samples, config.sample_rate)
        alone = analyse_query(clip, config).analysis.hashes
        windowed = window.query.analysis.hashes
        pairs = set(zip(windowed.values.tolist(), windowed.frames.tolist()))
        clip_pairs = set(zip(alone.values.tolist(), alone.frames.tolist()))
        shares.append(len(pairs & clip_pairs) / max(len(pairs), len(clip_pairs)))
    # Peaks within half a density window of a window's edges are ranked against the music
    # beyond it, which a clip of it does not hold: those may differ, most where one song
    # ends and a louder one begins.
    assert np.median(shares) >= 0.9 and min(shares) >= 0.8, shares


@pytest.mark.parametrize("chunk_seconds", [30.0, 2.0], ids=["5 min stretches", "20 s stretches"])
def test_windows_after_the_first_few_are_exactly_the_whole_recording_s(
    config: EngineConfig, tmp_path: Path, chunk_seconds: float
) -> None:
    # 70.3 s: the last window starts 0.3 s after the one before, whose peaks it shares.
    samples = np.concatenate([synth_song(21, 40.0), synth_song(22, 30.3)])
    recording = write_audio(tmp_path / "set.flac", samples, SAMPLE_RATE)
    config = dataclasses.replace(config, chunk_seconds=chunk_seconds)
    whole = list(open_recording(recording, config).windows())
    assert whole[-1].start_seconds - whole[-2].start_seconds == pytest.approx(0.3, abs=0.01)

    for skip in (1, 2, 7, len(whole) - 2, len(whole) - 1, len(whole)):
        opened = open_recording(recording, config)
        after = list(opened.windows(skip=skip))

        assert opened.duration_seconds == pytest.approx(70.3, abs=0.01)
        assert [w.start_seconds for w in after] == [w.start_seconds for w in whole[skip:]]
        for resumed, window in zip(after, whole[skip:]):
            np.testing.assert_array_equal(resumed.query.audio.samples, window.query.audio.samples)
            for field in ("values", "frames"):
                np.testing.assert_array_equal(
                    getattr(resumed.query.analysis.hashes, field),
                    getattr(window.query.analysis.hashes, field),
                )


def test_a_recording_shorter_than_a_window_is_one_window(
    config: EngineConfig, tmp_path: Path
) -> None:
    path = write_audio(tmp_path / "short.wav", synth_song(5, 6.0), SAMPLE_RATE)
    opened = open_recording(path, config)

    [window] = opened.windows()

    assert window.start_seconds == 0.0
    assert window.query.audio.duration_seconds == pytest.approx(6.0, abs=0.01)
    assert len(window.query.analysis.hashes) > 100


def test_a_recording_under_a_second_is_refused(config: EngineConfig, tmp_path: Path) -> None:
    path = write_audio(tmp_path / "blip.wav", synth_song(5, 0.5), SAMPLE_RATE)

    with pytest.raises(TooShort, match="0.5 s long"):
        list(open_recording(path, config).windows())


def test_a_recording_declaring_more_than_the_limit_is_refused_before_decoding(
    config: EngineConfig, tmp_path: Path
) -> None:
    path = silent_flac(tmp_path / "day.flac", seconds=7 * 3600)

    with pytest.raises(
        TooLong, match="declares 7.0 h of audio, longer than the 6 h timeline limit"
    ):
        open_recording(path, config)


def test_a_recording_that_hides_its_length_is_cut_at_the_limit(tmp_path: Path) -> None:
    config = EngineConfig(max_timeline_seconds=60.0)
    path = silent_flac(tmp_path / "hidden.flac", seconds=90, declared=False)

    with pytest.raises(TooLong, match="is longer than the 0.0166667 h timeline limit"):
        list(open_recording(path, config).windows())
