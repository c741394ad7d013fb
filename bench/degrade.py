"""What happens to music between the speaker and the recognizer, as pure functions of arrays.

Every function takes mono float32 samples (shape ``(n,)``) and returns new ones; rates are in
Hz, levels in dB, times in seconds. Randomness comes only from the ``rng`` passed in, so a
seeded grid is the same grid on every machine. Codecs are not here: they are the files the
grid writes (``testsupport.codecs.write_audio``).

Sources of the recipes, in words:

* Signal-to-noise ratios are mean power over the whole clip, the definition used by noisy
  speech corpora such as NOISEX-92 and by audfprint's own noise experiments.
* The room follows the statistical model of a diffuse reverberant field (Schroeder; Polack):
  a direct sound followed by Gaussian noise under an exponential envelope that falls 60 dB
  in RT60 seconds. A small living room measures 0.2–0.4 s.
* The voice call keeps the 300–3400 Hz telephone band of ITU-T G.712 at 8 kHz.
* Speed changes resample, so tempo and pitch move together, as on a turntable run fast.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.signal
import soxr

#: A phone held up to a small speaker in a room.
SPEAKER_HIGHPASS_HZ = 150.0
#: 24 dB per octave below the cut-off: a small driver's bass roll-off.
SPEAKER_HIGHPASS_ORDER = 4
ROOM_RT60_SECONDS = 0.3
#: Direct sound over the reverberant tail: a phone about a metre from the speaker.
ROOM_DIRECT_TO_REVERB_DB = 2.0
#: Hum, traffic and fans behind the music: low, but always there.
ROOM_NOISE_SNR_DB = 20.0
PHONE_SAMPLE_RATE = 16000
CALL_BAND_HZ = (300.0, 3400.0)
CALL_SAMPLE_RATE = 8000
#: Clips are scaled down, never up, to peak here, as a recorder's gain would (SNR unchanged).
PEAK = 0.99
#: Noise clips stand at this RMS level (dBFS): a quiet room or a hissing line.
NOISE_CLIP_DBFS = -20.0
#: Near-silence: the hiss of a good recording chain with nothing playing.
HISS_DBFS = -70.0


def mean_power(samples: np.ndarray) -> float:
    return float(np.mean(np.square(samples, dtype=np.float64))) if len(samples) else 0.0


def mix_at_snr(signal: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """``signal`` plus ``noise`` (same length) scaled to ``snr_db`` below the signal's power."""
    noise_power = mean_power(noise)
    if noise_power == 0:
        return signal.astype(np.float32)
    gain = np.sqrt(mean_power(signal) / noise_power / 10 ** (snr_db / 10))
    return (signal + gain * noise).astype(np.float32)


def coloured_noise(length: int, rng: np.random.Generator, exponent: float = 0.0) -> np.ndarray:
    """Gaussian noise whose power falls as 1/f**exponent: 0 white, 1 pink, 2 brown.

    Unit RMS, ``length`` samples.
    """
    white = rng.standard_normal(length)
    if exponent == 0 or length < 2:
        return _unit_rms(white)
    spectrum = np.fft.rfft(white)
    frequencies = np.fft.rfftfreq(length)
    frequencies[0] = frequencies[1]
    shaped = np.fft.irfft(spectrum / frequencies ** (exponent / 2), n=length)
    return _unit_rms(shaped)


def white_noise(signal: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    return mix_at_snr(signal, coloured_noise(len(signal), rng), snr_db)


def babble_noise(
    length: int,
    utterances: Sequence[np.ndarray],
    sample_rate: int,
    voices: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """``voices`` people talking at once, ``length`` samples, unit RMS.

    Each voice is a chain of ``utterances`` (at ``sample_rate``) in random order with pauses of
    0.1–0.6 s, starting at a random point so no two voices line up.
    """
    mix = np.zeros(length)
    for _ in range(voices):
        mix += _unit_rms(_one_talker(length, utterances, sample_rate, rng))
    return _unit_rms(mix)


def babble(
    signal: np.ndarray,
    snr_db: float,
    utterances: Sequence[np.ndarray],
    sample_rate: int,
    rng: np.random.Generator,
    voices: tuple[int, int] = (4, 6),
) -> np.ndarray:
    """``signal`` in a crowd of between ``voices[0]`` and ``voices[1]`` talkers at ``snr_db``."""
    count = int(rng.integers(voices[0], voices[1] + 1))
    crowd = babble_noise(len(signal), utterances, sample_rate, count, rng)
    return mix_at_snr(signal, crowd, snr_db)


def _one_talker(
    length: int, utterances: Sequence[np.ndarray], sample_rate: int, rng: np.random.Generator
) -> np.ndarray:
    pieces, total = [], 0
    while total < 2 * length:
        speech = utterances[int(rng.integers(len(utterances)))]
        pause = np.zeros(int(rng.uniform(0.1, 0.6) * sample_rate))
        pieces += [speech, pause]
        total += len(speech) + len(pause)
    talk = np.concatenate(pieces)
    start = int(rng.integers(0, len(talk) - length + 1))
    return talk[start : start + length]


def room_impulse_response(
    sample_rate: int,
    rng: np.random.Generator,
    rt60_seconds: float = ROOM_RT60_SECONDS,
    direct_to_reverb_db: float = ROOM_DIRECT_TO_REVERB_DB,
) -> np.ndarray:
    """A direct sound at sample 0 and an exponentially decaying diffuse tail.

    The tail starts 2 ms after the direct sound (the first reflection off a nearby wall) and
    lasts ``rt60_seconds``; its energy is ``direct_to_reverb_db`` below the direct sound's.
    """
    first_reflection = int(0.002 * sample_rate)
    time = np.arange(int(rt60_seconds * sample_rate)) / sample_rate
    # 60 dB of decay in rt60 seconds: amplitude falls as exp(-3 ln(10) t / rt60).
    tail = rng.standard_normal(len(time)) * np.exp(-3 * np.log(10) * time / rt60_seconds)
    tail *= np.sqrt(10 ** (-direct_to_reverb_db / 10) / np.sum(tail**2))
    response = np.zeros(first_reflection + len(tail))
    response[0] = 1.0
    response[first_reflection:] += tail
    return response


def room(signal: np.ndarray, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """A phone recording a small speaker in a small room, at ``PHONE_SAMPLE_RATE``.

    Bass roll-off of the speaker, the room's reverberation, low background noise (pink, at
    ``ROOM_NOISE_SNR_DB``), then the phone's 16 kHz recording rate.
    """
    highpass = scipy.signal.butter(
        SPEAKER_HIGHPASS_ORDER, SPEAKER_HIGHPASS_HZ, "highpass", fs=sample_rate, output="sos"
    )
    played = scipy.signal.sosfilt(highpass, signal)
    response = room_impulse_response(sample_rate, rng)
    heard = scipy.signal.fftconvolve(played, response)[: len(signal)]
    noisy = mix_at_snr(heard, coloured_noise(len(heard), rng, exponent=1.0), ROOM_NOISE_SNR_DB)
    return soxr.resample(noisy, sample_rate, PHONE_SAMPLE_RATE).astype(np.float32)


def voice_call(signal: np.ndarray, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """The same room, heard over a narrow-band voice call: 300–3400 Hz at 8 kHz."""
    recorded = room(signal, sample_rate, rng)
    band = scipy.signal.butter(4, CALL_BAND_HZ, "bandpass", fs=PHONE_SAMPLE_RATE, output="sos")
    narrow = scipy.signal.sosfilt(band, recorded)
    return soxr.resample(narrow, PHONE_SAMPLE_RATE, CALL_SAMPLE_RATE).astype(np.float32)


def change_speed(signal: np.ndarray, factor: float, sample_rate: int) -> np.ndarray:
    """``signal`` played ``factor`` times as fast (1.05 is 5 % faster and 5 % sharper).

    The result has ``len(signal) / factor`` samples, at the same ``sample_rate``.
    """
    return soxr.resample(signal, sample_rate * factor, sample_rate).astype(np.float32)


def noise_clip(length: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    """``length`` samples of ``kind`` noise ("white", "pink", "brown") at ``NOISE_CLIP_DBFS``."""
    exponent = {"white": 0.0, "pink": 1.0, "brown": 2.0}[kind]
    return at_dbfs(coloured_noise(length, rng, exponent), NOISE_CLIP_DBFS)


def silence_clip(length: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    """Digital silence ("zero") or the faint hiss of an idle recorder ("hiss")."""
    if kind == "zero":
        return np.zeros(length, np.float32)
    return at_dbfs(coloured_noise(length, rng), HISS_DBFS)


def at_dbfs(samples: np.ndarray, rms_dbfs: float) -> np.ndarray:
    """``samples`` (unit RMS) scaled to ``rms_dbfs`` (dB re a full-scale square wave)."""
    return (samples * 10 ** (rms_dbfs / 20)).astype(np.float32)


def fit_peak(samples: np.ndarray, peak: float = PEAK) -> np.ndarray:
    """Scale ``samples`` down so no sample exceeds ``peak``; quieter ones are left as they are."""
    loudest = float(np.max(np.abs(samples))) if len(samples) else 0.0
    scale = peak / loudest if loudest > peak else 1.0
    return (samples * scale).astype(np.float32)


def _unit_rms(samples: np.ndarray) -> np.ndarray:
    power = mean_power(samples)
    return samples / np.sqrt(power) if power > 0 else samples
