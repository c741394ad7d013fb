"""Files that are not usable audio, each made the way it happens in real life."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from .codecs import write_audio
from .hostile import EXTENSIBLE_TAG, wav_bytes
from .music import SAMPLE_RATE, synth_song


def text_renamed_mp3(folder: Path) -> Path:
    path = folder / "notes.mp3"
    path.write_text("Shopping list:\n- eggs\n- milk\n" * 50)
    return path


def empty_file(folder: Path) -> Path:
    path = folder / "empty.wav"
    path.write_bytes(b"")
    return path


def half_second_wav(folder: Path) -> Path:
    """Audio, but shorter than any clip Kazoom recognises."""
    return write_audio(folder / "short.wav", synth_song(8, seconds=0.5), SAMPLE_RATE)


def truncated_flac(folder: Path) -> Path:
    whole = write_audio(folder / "whole.flac", synth_song(7, seconds=10), SAMPLE_RATE)
    path = folder / "truncated.flac"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    whole.unlink()
    return path


def silent_wav(folder: Path) -> Path:
    return write_audio(folder / "silence.wav", np.zeros(10 * SAMPLE_RATE, np.float32), SAMPLE_RATE)


def zero_bit_wav(folder: Path) -> Path:
    """A WAV header saying 0 bits per sample, as a broken recorder app writes."""
    path = folder / "zero-bits.wav"
    path.write_bytes(wav_bytes(bits=0))
    return path


def extensible_tag_wav(folder: Path) -> Path:
    """A WAV tagged WAVE_FORMAT_EXTENSIBLE without the extension that says what it holds."""
    path = folder / "extensible.wav"
    path.write_bytes(wav_bytes(format_tag=EXTENSIBLE_TAG))
    return path


def missing_path(folder: Path) -> Path:
    return folder / "no-such-song.flac"


#: name → maker, with the words the error message must contain.
BAD_FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "text renamed .mp3": (text_renamed_mp3, "not a recognised audio file"),
    "empty file": (empty_file, "empty"),
    "truncated file": (truncated_flac, "cut short"),
    "missing path": (missing_path, "no such file"),
    "WAV of 0 bits per sample": (zero_bit_wav, "an encoding that cannot be decoded"),
    "WAV tagged 0xFFFF": (extensible_tag_wav, "an encoding that cannot be decoded"),
}
