"""Title, artist, album and album artist from a file's tags, falling back to its name.

An album is its title and its album artist: the ``albumartist`` tag (Vorbis comments'
``ALBUMARTIST`` or ``ALBUM ARTIST``, ID3's ``TPE2``, MP4's ``aART``); else ``VARIOUS_ARTISTS``
when the file says it belongs to a compilation (``COMPILATION``, ID3's ``TCMP``, MP4's
``cpil``); else the song's own artist. Songs by other artists under one album title without
either tag are other albums: two artists' "Greatest Hits" are not one record, and one file
cannot tell which case it is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import mutagen
from mutagen.easymp4 import EasyMP4Tags

UNKNOWN_ARTIST = "Unknown artist"
#: The album artist of a compilation whose files name none.
VARIOUS_ARTISTS = "Various Artists"
#: Values of a compilation flag that mean "no" (Vorbis comments hold text, MP4 a boolean).
_NOT_SET = {"", "0", "false", "no"}
_MAX_LENGTH = 255
#: The most bytes the tag reader may take in one read: any real cover art fits, and a tag
#: that needs more (a 60 MB "picture") is not read at all, since mutagen holds several copies
#: of what it reads.
MAX_TAG_READ_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class SongTags:
    title: str
    artist: str
    album: str | None
    #: The album's artist: who the album is by, not always who sings this song.
    album_artist: str
    #: Set when the tags could not be read and the file name was used instead.
    warning: str | None = None


def read_tags(path: Path, name: str | None = None) -> SongTags:
    """Tags of ``path``; missing fields fall back to the file's name (``name``, the one its
    owner knows, for a file kept under a name the server made) and an unknown artist."""
    shown = Path(name or path.name)
    try:
        with path.open("rb") as raw:
            tags = mutagen.File(BoundedReads(raw, path.name), easy=True)
    except Exception as error:  # mutagen raises many types for broken tags; all mean the same
        return _from_name(shown, f"its tags could not be read ({error}); using the file name")
    fields = tags.tags if tags is not None and tags.tags is not None else {}
    # Vorbis comments have no fixed name for it; these two are the ones taggers write.
    album_artist = _first(fields, "albumartist") or _first(fields, "album artist")
    artist = _first(fields, "artist") or album_artist or UNKNOWN_ARTIST
    if album_artist is None:
        album_artist = VARIOUS_ARTISTS if _is_compilation(fields) else artist
    return SongTags(
        title=_first(fields, "title") or _title_from_name(shown),
        artist=artist,
        album=_first(fields, "album"),
        album_artist=album_artist,
    )


def _is_compilation(fields: object) -> bool:
    flag = _first(fields, "compilation")
    return flag is not None and flag.lower() not in _NOT_SET


def _mp4_compilation(tags: dict[str, object], key: str) -> list[str]:
    return ["1"] if tags.get("cpil") else []


# mutagen's easy MP4 tags name no compilation flag; this one reads MP4's ``cpil``.
EasyMP4Tags.RegisterKey("compilation", getter=_mp4_compilation)


class TagTooLarge(Exception):
    """A tag asked for more than ``MAX_TAG_READ_BYTES`` at once."""


class BoundedReads(io.RawIOBase):
    """``raw``, read-only, refusing any one read of more than ``MAX_TAG_READ_BYTES``.

    ``name`` is what mutagen guesses a format from, beside the content.
    """

    def __init__(self, raw: io.BufferedReader, name: str) -> None:
        super().__init__()
        self._raw = raw
        self.name = name

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            here = self._raw.tell()
            size = self._raw.seek(0, io.SEEK_END) - here
            self._raw.seek(here)
        if size > MAX_TAG_READ_BYTES:
            raise TagTooLarge(f"a tag of more than {MAX_TAG_READ_BYTES // 2**20} MiB")
        return self._raw.read(size)


def _first(fields: object, key: str) -> str | None:
    try:
        values = fields[key]  # type: ignore[index]
    except (KeyError, ValueError, TypeError):
        return None
    if isinstance(values, str):
        values = [values]
    for value in values:
        text = str(value).strip()
        if text:
            return text[:_MAX_LENGTH]
    return None


def _title_from_name(path: Path) -> str:
    return path.stem.replace("_", " ").strip()[:_MAX_LENGTH] or path.name[:_MAX_LENGTH]


def _from_name(path: Path, warning: str) -> SongTags:
    return SongTags(_title_from_name(path), UNKNOWN_ARTIST, None, UNKNOWN_ARTIST, warning)
