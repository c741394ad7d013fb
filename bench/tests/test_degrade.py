"""The degradations do what their names and units say."""

from __future__ import annotations

import numpy as np
import pytest

from bench import degrade
from testsupport.music import synth_song

RATE = 22050


@pytest.fixture(scope="module")
def music() -> np.ndarray:
    return synth_song(4, seconds=4, sample_rate=RATE)


@pytest.mark.parametrize("snr_db", [5.0, 0.0, -5.0])
def test_white_noise_lands_at_the_asked_snr(music: np.ndarray, snr_db: float) -> None:
    noisy = degrade.white_noise(music, snr_db, np.random.default_rng(0))
    noise = noisy - music
    measured = 10 * np.log10(degrade.mean_power(music) / degrade.mean_power(noise))
    assert measured == pytest.approx(snr_db, abs=0.01)


def test_babble_is_several_talkers_at_the_asked_snr(music: np.ndarray) -> None:
    rng = np.random.default_rng(1)
    voices = [np.sin(np.arange(RATE) * f / RATE).astype(np.float32) for f in (900, 1400, 2100)]
    mixed = degrade.babble(music, 0.0, voices, RATE, rng)
    measured = degrade.mean_power(music) / degrade.mean_power(mixed - music)
    assert measured == pytest.approx(1.0, rel=1e-3)


def test_speed_change_shortens_or_lengthens(music: np.ndarray) -> None:
    assert len(degrade.change_speed(music, 1.05, RATE)) == pytest.approx(len(music) / 1.05, abs=2)
    assert len(degrade.change_speed(music, 0.95, RATE)) == pytest.approx(len(music) / 0.95, abs=2)


def test_room_and_call_keep_the_length_at_their_own_rates(music: np.ndarray) -> None:
    seconds = len(music) / RATE
    rng = np.random.default_rng(2)
    room = degrade.room(music, RATE, rng)
    call = degrade.voice_call(music, RATE, rng)
    assert len(room) == pytest.approx(seconds * degrade.PHONE_SAMPLE_RATE, abs=2)
    assert len(call) == pytest.approx(seconds * degrade.CALL_SAMPLE_RATE, abs=2)


def test_room_response_decays_by_60_db_over_rt60() -> None:
    response = degrade.room_impulse_response(RATE, np.random.default_rng(3))
    assert response[0] == 1.0
    tail = response[int(0.01 * RATE) :]
    early, late = tail[: RATE // 50], tail[-RATE // 50 :]
    assert 10 * np.log10(np.mean(early**2) / np.mean(late**2)) > 40


def test_fit_peak_only_turns_down() -> None:
    loud = np.array([0.0, 2.0, -1.0], np.float32)
    assert np.max(np.abs(degrade.fit_peak(loud))) == pytest.approx(degrade.PEAK)
    quiet = np.array([0.1, -0.2], np.float32)
    assert np.array_equal(degrade.fit_peak(quiet), quiet)
