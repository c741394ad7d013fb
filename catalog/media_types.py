"""The media type of an indexed audio file, from its first bytes: the admin keeps files under
names without an extension, and a name says less than the content does."""

from __future__ import annotations

from typing import BinaryIO

#: (offset, signature, media type), tried in order.
_SIGNATURES = (
    (0, b"fLaC", "audio/flac"),
    (0, b"OggS", "audio/ogg"),
    (0, b"ID3", "audio/mpeg"),
    (4, b"ftyp", "audio/mp4"),
    (0, b"\x1a\x45\xdf\xa3", "audio/webm"),
)
_RIFF_WAVE = (b"RIFF", b"WAVE")
_AIFF = (b"FORM", b"AIFF")
#: Bytes enough for every signature above.
_HEAD_BYTES = 12


def audio_media_type(audio: BinaryIO) -> str:
    """The media type of the file open as ``audio``, by its first bytes (read from its start,
    leaving it there); ``application/octet-stream`` when unknown."""
    audio.seek(0)
    head = audio.read(_HEAD_BYTES)
    audio.seek(0)
    for offset, signature, media_type in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return media_type
    if (head[:4], head[8:12]) == _RIFF_WAVE:
        return "audio/wav"
    if (head[:4], head[8:12]) == _AIFF:
        return "audio/aiff"
    # An MPEG audio frame starts with 11 set bits (an MP3 without ID3 tags).
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "audio/mpeg"
    return "application/octet-stream"
