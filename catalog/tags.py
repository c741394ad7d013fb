"""Title, artist and album from a file's tags, falling back to its name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import mutagen

UNKNOWN_ARTIST = "Unknown artist"
_MAX_LENGTH = 255


@dataclass(frozen=True)
class SongTags:
    title: str
    artist: str
    album: str | None
    #: Set when the tags could not be read and the file name was used instead.
    warning: str | None = None


def read_tags(path: Path) -> SongTags:
    """Tags of ``path``; missing fields fall back to the file name and an unknown artist."""
    try:
        tags = mutagen.File(path, easy=True)
    except Exception as error:  # mutagen raises many types for broken tags; all mean the same
        return _from_name(path, f"its tags could not be read ({error}); using the file name")
    fields = tags.tags if tags is not None and tags.tags is not None else {}
    return SongTags(
        title=_first(fields, "title") or _title_from_name(path),
        artist=_first(fields, "artist") or _first(fields, "albumartist") or UNKNOWN_ARTIST,
        album=_first(fields, "album"),
    )


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
    return SongTags(_title_from_name(path), UNKNOWN_ARTIST, None, warning)
