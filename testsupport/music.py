"""Music-like synthetic songs for tests: melody, chords, bass and drums from a seed.

Each seed gives a different key, scale, tempo, instruments and tune, so songs share no more
than real songs of one genre do. Like played music, no two bars are exactly alike (chords,
drum fills and loudness vary), so a clip has one true position in its song. Nothing here is
fast or clever; it only has to sound like music to a spectrogram: harmonic notes with
envelopes, rhythm and transients.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 22050
_MAJOR = np.array([0, 2, 4, 5, 7, 9, 11])
_MINOR = np.array([0, 2, 3, 5, 7, 8, 10])


def synth_song(seed: int, seconds: float = 30.0, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """A mono float32 song peaking near −1 dBFS."""
    rng = np.random.default_rng(seed)
    out = np.zeros(int(seconds * sample_rate) + sample_rate, np.float32)
    beat = 60.0 / rng.uniform(84, 150)
    tonic = 45 + int(rng.integers(0, 12))  # MIDI note of the key's A2..G#3
    scale = _MAJOR if rng.random() < 0.5 else _MINOR
    brightness = rng.uniform(0.45, 0.8)
    _melody(out, rng, beat, tonic + 12, scale, brightness, sample_rate)
    _chords_and_bass(out, rng, beat, tonic, scale, sample_rate)
    _drums(out, rng, beat, sample_rate)
    out = out[: int(seconds * sample_rate)]
    return (out / np.max(np.abs(out)) * 0.89).astype(np.float32)


def _melody(
    out: np.ndarray,
    rng: np.random.Generator,
    beat: float,
    tonic: int,
    scale: np.ndarray,
    brightness: float,
    sample_rate: int,
) -> None:
    t, degree = 0.0, 7
    phrase = [(int(rng.integers(-2, 3)), rng.choice([0.5, 0.5, 1.0, 1.5])) for _ in range(16)]
    while t < len(out) / sample_rate - 1:
        for step, length in phrase:
            degree = int(np.clip(degree + step + rng.integers(-1, 2), 0, 14))
            pitch = tonic + 12 * (degree // 7) + scale[degree % 7]
            velocity = rng.uniform(0.3, 0.6)
            _note(out, t, length * beat, pitch, velocity, brightness, sample_rate)
            t += length * beat


def _chords_and_bass(
    out: np.ndarray,
    rng: np.random.Generator,
    beat: float,
    tonic: int,
    scale: np.ndarray,
    sample_rate: int,
) -> None:
    bar = 4 * beat
    t = 0.0
    while t < len(out) / sample_rate - 1:
        root = int(rng.integers(0, 7))
        for third in (0, 2, 4):
            d = root + third
            _note(out, t, bar, tonic + 12 * (d // 7) + scale[d % 7], 0.12, 0.3, sample_rate)
        for quarter in range(4):
            d = root + int(rng.choice([0, 2, 4, 7]))
            bass = tonic - 12 + 12 * (d // 7) + scale[d % 7]
            _note(out, t + quarter * beat, beat, bass, rng.uniform(0.25, 0.4), 0.6, sample_rate)
        t += bar


def _note(
    out: np.ndarray,
    start: float,
    length: float,
    midi: int,
    gain: float,
    brightness: float,
    sample_rate: int,
) -> None:
    """Add a harmonic note with a quick attack and exponential decay to ``out``."""
    first = int(start * sample_rate)
    n = min(int(length * sample_rate), len(out) - first)
    if n <= 0:
        return
    time = np.arange(n) / sample_rate
    frequency = 440.0 * 2 ** ((midi - 69) / 12)
    tone = np.zeros(n)
    for harmonic in range(1, 7):
        if harmonic * frequency < sample_rate / 2:
            tone += brightness ** (harmonic - 1) * np.sin(2 * np.pi * harmonic * frequency * time)
    envelope = np.minimum(1.0, time / 0.01) * np.exp(-time / (0.25 + length / 2))
    out[first : first + n] += (gain * tone * envelope).astype(np.float32)


def _drums(out: np.ndarray, rng: np.random.Generator, beat: float, sample_rate: int) -> None:
    """Kick, snare and hi-hat on eighth notes, the groove varied a little every bar."""
    groove = rng.random((3, 8)) < np.array([[0.5], [0.3], [0.8]])
    groove[0, 0] = groove[1, 4] = True
    hit = int(beat / 2 * sample_rate)
    noise = np.random.default_rng(int(rng.integers(1 << 31))).normal(0, 1, hit).astype(np.float32)
    snare = noise * np.exp(-np.arange(hit) / (0.05 * sample_rate)).astype(np.float32) * 0.3
    hat = np.diff(noise, prepend=0) * np.exp(-np.arange(hit) / (0.01 * sample_rate)) * 0.1
    sounds = [_kick(sample_rate)[:hit], snare, hat.astype(np.float32)]
    for eighth, first in enumerate(range(0, len(out) - hit, hit)):
        if eighth % 8 == 0:
            bar = groove ^ (rng.random(groove.shape) < 0.15)
        for voice in np.flatnonzero(bar[:, eighth % 8]):
            sound = sounds[voice]
            out[first : first + len(sound)] += sound * rng.uniform(0.6, 1.0)


def _kick(sample_rate: int) -> np.ndarray:
    time = np.arange(int(0.3 * sample_rate)) / sample_rate
    sweep = 2 * np.pi * (50 * time + 60 * (1 - np.exp(-time / 0.03)) * 0.03)
    return (0.8 * np.sin(sweep) * np.exp(-time / 0.08)).astype(np.float32)


def add_white_noise(signal: np.ndarray, snr_db: float, seed: int = 0) -> np.ndarray:
    """``signal`` plus white noise at ``snr_db`` (signal power over noise power)."""
    power = np.mean(signal.astype(np.float64) ** 2)
    noise = np.random.default_rng(seed).normal(0, np.sqrt(power / 10 ** (snr_db / 10)), len(signal))
    return (signal + noise).astype(np.float32)
