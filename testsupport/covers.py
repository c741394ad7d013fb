"""Cover art for test songs: pictures made with Pillow, embedded with mutagen in the file's own
kind of tag."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import mutagen.flac
import mutagen.id3
import mutagen.oggvorbis
import mutagen.wave
from PIL import Image

from catalog.covers import FRONT_COVER


def picture(
    colour: tuple[int, int, int], size: tuple[int, int] = (400, 400), fmt: str = "PNG"
) -> bytes:
    """A picture of one ``colour`` with a white square in its top left quarter, as ``fmt``."""
    image = Image.new("RGB", size, colour)
    image.paste((255, 255, 255), (0, 0, size[0] // 4, size[1] // 4))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def embed_cover(path: Path, data: bytes, *, mime: str = "image/png") -> Path:
    """Embed ``data`` as the front cover of the FLAC, MP3, WAV or Ogg Vorbis file ``path``."""
    suffix = path.suffix.lower()
    if suffix == ".flac":
        audio = mutagen.flac.FLAC(path)
        audio.add_picture(_flac_picture(data, mime))
        audio.save()
    elif suffix == ".ogg":
        vorbis = mutagen.oggvorbis.OggVorbis(path)
        block = base64.b64encode(_flac_picture(data, mime).write()).decode("ascii")
        vorbis["metadata_block_picture"] = [block]
        vorbis.save()
    elif suffix in (".mp3", ".wav"):
        frame = mutagen.id3.APIC(encoding=3, mime=mime, type=FRONT_COVER, desc="", data=data)
        if suffix == ".wav":
            wave = mutagen.wave.WAVE(path)
            wave.add_tags()
            assert wave.tags is not None
            wave.tags.add(frame)
            wave.save()
        else:
            tags = mutagen.id3.ID3()
            tags.add(frame)
            tags.save(path)
    else:
        raise ValueError(f"no cover art for {suffix} files here")
    return path


def _flac_picture(data: bytes, mime: str) -> mutagen.flac.Picture:
    flac_picture = mutagen.flac.Picture()
    flac_picture.type = FRONT_COVER
    flac_picture.mime = mime
    flac_picture.data = data
    return flac_picture
