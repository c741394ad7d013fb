"""Cover art: a song file's embedded picture, re-encoded here and kept in the data directory
under a name the server makes.

Nothing of the tag is trusted as it is: not its bytes (Pillow decodes them and a fresh JPEG is
written), not its MIME type or description (never read), not its size (refused before
decoding when absurd).
"""

from __future__ import annotations

import base64
import io
import os
import re
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import mutagen
from django.conf import settings
from mutagen.flac import Picture
from mutagen.id3 import ID3
from mutagen.mp4 import MP4Tags
from PIL import Image

from .models import Song
from .tags import BoundedReads

#: A picture in a tag larger than this is not decoded: real cover art is a few hundred KB.
MAX_PICTURE_BYTES = 8 * 1024 * 1024
#: Nor one declaring more pixels than this (a 4096 px square), whatever its bytes: decoding
#: holds three bytes a pixel.
MAX_PICTURE_PIXELS = 4096 * 4096
#: The kept cover's longest side, in pixels: the song page shows it at up to 300 CSS px, twice
#: that on a high-density screen.
COVER_SIDE_PIXELS = 600
COVER_JPEG_QUALITY = 85
#: The formats Pillow may read a tag's picture as; no other decoder is tried.
PICTURE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP")
#: ID3's and FLAC's picture type of a front cover, preferred over any other picture.
FRONT_COVER = 3
#: The names ``keep_cover`` makes: only such a name is ever opened.
_KEPT_NAME = re.compile(r"[0-9a-f]{32}\.jpg")


def read_cover(path: Path) -> bytes | None:
    """The front cover embedded in the audio file ``path`` (else its first picture) as a JPEG
    of at most ``COVER_SIDE_PIXELS`` a side; None when it has no picture that can be used."""
    pictures = sorted(_embedded_pictures(path), key=lambda each: each[0] != FRONT_COVER)
    for _, data in pictures:
        cover = encode_cover(data)
        if cover is not None:
            return cover
    return None


def encode_cover(data: bytes) -> bytes | None:
    """``data`` decoded as a picture and written again as a bounded JPEG; None when it is too
    big, not one of ``PICTURE_FORMATS`` or damaged."""
    if len(data) > MAX_PICTURE_BYTES:
        return None
    try:
        with Image.open(io.BytesIO(data), formats=PICTURE_FORMATS) as image:
            if image.width * image.height > MAX_PICTURE_PIXELS:
                return None
            image.draft("RGB", (COVER_SIDE_PIXELS, COVER_SIDE_PIXELS))
            cover = image.convert("RGB")
        cover.thumbnail((COVER_SIDE_PIXELS, COVER_SIDE_PIXELS))
        out = io.BytesIO()
        cover.save(out, "JPEG", quality=COVER_JPEG_QUALITY)
    except Exception:  # Pillow raises many types for damaged pictures; all mean "no cover"
        return None
    return out.getvalue()


def _embedded_pictures(path: Path) -> Iterator[tuple[int, bytes]]:
    """(picture type, bytes) of each picture in the file's tags, read within the tag reader's
    bounds: FLAC picture blocks, ID3 APIC frames (MP3, WAV, AIFF), MP4 ``covr`` atoms and
    Vorbis comments' ``metadata_block_picture``."""
    try:
        with path.open("rb") as raw:
            audio = mutagen.File(BoundedReads(raw, path.name))
    except Exception:  # broken or oversized tags: read_tags says so; here they hold no cover
        return
    if audio is None:
        return
    for picture in getattr(audio, "pictures", []):
        yield picture.type, picture.data
    tags = audio.tags
    if isinstance(tags, ID3):
        yield from ((frame.type, frame.data) for frame in tags.getall("APIC"))
    elif isinstance(tags, MP4Tags):
        yield from ((FRONT_COVER, bytes(cover)) for cover in tags.get("covr", []))
    elif tags is not None and hasattr(tags, "get"):
        yield from _vorbis_pictures(tags.get("metadata_block_picture", []))


def _vorbis_pictures(values: Iterable[str]) -> Iterator[tuple[int, bytes]]:
    for value in values:
        try:
            picture = Picture(base64.b64decode(value))
        except Exception:  # a comment that is not a picture block is no cover
            continue
        yield picture.type, picture.data


def covers_dir() -> Path:
    return Path(settings.KAZOOM_COVERS_DIR)


def keep_cover(cover: bytes) -> str:
    """Write ``cover`` to the covers folder under a fresh random name, durably (the file and
    its directory entry synced); return the name.

    A name is never reused, so a cover, once kept, never changes under its name.
    """
    folder = covers_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.jpg"
    with (folder / name).open("xb") as out:
        out.write(cover)
        out.flush()
        os.fsync(out.fileno())
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)  # the file's name, too, is on disk before a Song names it
    finally:
        os.close(directory)
    return name


def kept_cover(name: str) -> Path | None:
    """The path of the cover ``keep_cover`` named ``name``; None for any other name."""
    return covers_dir() / name if _KEPT_NAME.fullmatch(name) else None


def discard_cover(name: str) -> None:
    path = kept_cover(name)
    if path is not None:
        path.unlink(missing_ok=True)


def stray_covers() -> list[Path]:
    """Files of the covers folder that no Song names: left by a commit that was interrupted, or
    by a deletion whose file removal was. The catalog is read only when the folder holds
    files."""
    folder = covers_dir()
    kept = sorted(folder.iterdir()) if folder.is_dir() else []
    if not kept:
        return []
    in_use = set(Song.objects.exclude(cover="").values_list("cover", flat=True))
    return [path for path in kept if path.name not in in_use]
