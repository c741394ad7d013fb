"""Files whose headers declare what no honest file does: absurd rates, encodings and lengths,
and tags that are mostly cover art."""

from __future__ import annotations

import struct
from pathlib import Path

import mutagen.id3
import numpy as np
import soundfile as sf

#: WAVE_FORMAT_PCM, and the tag WAVE_FORMAT_EXTENSIBLE reserves for "use the sub-format".
PCM = 1
EXTENSIBLE_TAG = 0xFFFF


def wav_bytes(
    *,
    format_tag: int = PCM,
    channels: int = 1,
    rate: int = 11025,
    bits: int = 16,
    data: bytes = b"\0" * 22050,
    declared_data_bytes: int | None = None,
) -> bytes:
    """A RIFF WAVE file with exactly these ``fmt `` fields, whatever they mean together; the
    ``data`` chunk declares ``declared_data_bytes`` (its true size unless given)."""
    block_align = channels * bits // 8 & 0xFFFF
    byte_rate = rate * block_align & 0xFFFFFFFF
    fmt = struct.pack("<HHIIHH", format_tag, channels, rate, byte_rate, block_align, bits)
    data_size = len(data) if declared_data_bytes is None else declared_data_bytes
    body = b"WAVE" + _chunk(b"fmt ", fmt) + b"data" + struct.pack("<I", data_size) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _chunk(name: bytes, payload: bytes) -> bytes:
    return name + struct.pack("<I", len(payload)) + payload


def silent_flac(path: Path, *, seconds: int, rate: int = 8000, declared: bool = True) -> Path:
    """``seconds`` of digital silence as FLAC (a few hundred kB for hours), written block by
    block; with ``declared=False`` its STREAMINFO says its length is unknown, as a streamed
    FLAC's does."""
    block_seconds = 600
    with sf.SoundFile(path, "w", rate, 1, format="FLAC", subtype="PCM_16") as out:
        for start in range(0, seconds, block_seconds):
            out.write(np.zeros(rate * min(block_seconds, seconds - start), np.int16))
    if not declared:
        forget_flac_length(path)
    return path


def forget_flac_length(path: Path) -> None:
    """Zero the 36-bit total-samples field of the STREAMINFO block, which follows "fLaC", the
    block's 4-byte header and 10 bytes of block and frame sizes, in the low bits of 8 bytes."""
    data = bytearray(path.read_bytes())
    field = slice(18, 26)
    value = int.from_bytes(data[field], "big") & ~((1 << 36) - 1)
    data[field] = value.to_bytes(8, "big")
    path.write_bytes(bytes(data))


def with_cover_art(path: Path, art_bytes: int) -> Path:
    """Add an ID3 front-cover picture of ``art_bytes`` (random, so nothing compresses it) and a
    title to the MP3 at ``path``."""
    tags = mutagen.id3.ID3()
    picture = np.random.default_rng(0).bytes(art_bytes)
    tags.add(mutagen.id3.APIC(encoding=3, mime="image/jpeg", type=3, desc="", data=picture))
    tags.add(mutagen.id3.TIT2(encoding=3, text="Mostly a picture"))
    tags.save(path)
    return path
