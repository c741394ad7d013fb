"""Voices for crowd babble, spoken by espeak-ng (Debian: ``apt-get install espeak-ng``).

Synthetic voices keep the benchmark free of recorded speech that would need a licence; what
matters to a fingerprint is speech-shaped energy in the music's band, which they have.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

ESPEAK = "espeak-ng"
#: (voice+variant, words per minute, pitch 0–99): men and women, several languages.
VOICES = (
    ("en-us+m3", 165, 40),
    ("en-gb+f2", 175, 65),
    ("en-us+f4", 150, 70),
    ("de+m1", 160, 35),
    ("fr+f3", 180, 60),
    ("es+m4", 170, 45),
    ("it+f1", 155, 75),
    ("nl+m2", 185, 30),
)
SENTENCES = (
    "Did you see where they put the tickets for tonight, I think they were on the table.",
    "The train was late again this morning, so we waited almost half an hour in the rain.",
    "Could you pass me the menu, I want to check whether they still serve the soup.",
    "She told me the meeting moved to Thursday, but nobody sent a message about it.",
)


class BabbleUnavailable(RuntimeError):
    """espeak-ng is not installed; babble conditions are skipped."""


def speech_utterances(folder: Path, sample_rate: int) -> list[np.ndarray]:
    """Every voice saying two of the sentences: mono float32 arrays at ``sample_rate``."""
    espeak = shutil.which(ESPEAK)
    if espeak is None:
        raise BabbleUnavailable(f"{ESPEAK} is not installed (Debian: apt-get install espeak-ng)")
    folder.mkdir(parents=True, exist_ok=True)
    utterances = []
    for number, (voice, words_per_minute, pitch) in enumerate(VOICES):
        for turn in range(2):
            text = SENTENCES[(number + turn) % len(SENTENCES)]
            path = folder / f"voice_{number}_{turn}.wav"
            command = [espeak, "-v", voice, "-s", str(words_per_minute), "-p", str(pitch)]
            subprocess.run([*command, "-w", str(path), text], check=True, capture_output=True)
            utterances.append(_read_mono(path, sample_rate))
    return utterances


def _read_mono(path: Path, sample_rate: int) -> np.ndarray:
    samples, rate = sf.read(path, dtype="float32", always_2d=True)
    return soxr.resample(samples.mean(axis=1), rate, sample_rate).astype(np.float32)
