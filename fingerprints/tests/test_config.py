from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from fingerprints.config import EngineConfig


def test_defaults_construct_with_consistent_derived_values() -> None:
    config = EngineConfig()

    assert config.frames_to_seconds(config.frames_per_second) == pytest.approx(1.0)
    bin_hz = config.sample_rate / config.n_fft
    assert abs(config.min_bin * bin_hz - config.min_frequency_hz) <= bin_hz / 2
    assert abs(config.max_bin * bin_hz - config.max_frequency_hz) <= bin_hz / 2


@pytest.mark.parametrize(
    "seconds, frames",
    [
        pytest.param(0.25, 11, id="a spread slice (10.77 frames)"),
        pytest.param(0.5, 22, id="half a density window (21.53 frames)"),
        pytest.param(30.0, 1292, id="a chunk (1,291.99 frames)"),
        pytest.param(0.0, 0, id="nothing"),
    ],
)
def test_seconds_to_frames_rounds_to_the_nearest_frame(seconds: float, frames: int) -> None:
    config = EngineConfig()

    assert config.seconds_to_frames(seconds) == frames
    assert config.frames_to_seconds(frames) == pytest.approx(seconds, abs=0.5 / 43)


def test_frames_to_seconds_converts_arrays_alike() -> None:
    config = EngineConfig()
    frames = np.array([0, 43, -431])

    seconds = config.frames_to_seconds(frames)

    assert seconds.tolist() == [config.frames_to_seconds(int(f)) for f in frames]


def test_from_overrides_applies_a_value_and_keeps_the_rest() -> None:
    config = EngineConfig.from_overrides({"index_fan_out": 5})

    assert config.index_fan_out == 5
    assert config == EngineConfig(index_fan_out=5)
    assert config.n_fft == EngineConfig().n_fft


def test_from_overrides_without_overrides_is_the_default() -> None:
    assert EngineConfig.from_overrides({}) == EngineConfig()


def test_from_overrides_names_an_unknown_setting() -> None:
    with pytest.raises(ValueError, match="fan_outt"):
        EngineConfig.from_overrides({"index_fan_out": 4, "fan_outt": 4})


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"target_max_frames": 64}, "delta_frame_bits"),
        ({"delta_frame_bits": 5}, "delta_frame_bits"),
        ({"target_max_bins": 128}, "delta_bin_bits"),
        ({"n_fft": 2048}, "anchor_bin_bits"),
        ({"max_frequency_hz": 6000.0}, "Nyquist"),
        ({"target_min_frames": 0}, "target_min_frames"),
        ({"target_min_frames": 10, "target_max_frames": 9}, "target_min_frames"),
        ({"query_peaks_per_second": 10.0}, "as dense as the index"),
        ({"query_fan_out": 3}, "as dense as the index"),
        ({"neighbourhood_bins": 14}, "odd number"),
        ({"neighbourhood_frames": 8}, "odd number"),
        ({"speed_search_fan_out": 0}, "speed_search_fan_out"),
        ({"clumped_max_slices": 7}, "clumped_max_slices"),
        ({"min_voting_slices": 4}, "min_voting_slices"),
        ({"min_voting_slices": 0}, "min_voting_slices"),
    ],
)
def test_inconsistent_layout_is_refused(overrides: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        EngineConfig.from_overrides(overrides)
