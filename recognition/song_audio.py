"""The song itself, for the players: the file the catalog indexed it from, whole or a byte
range of it, to those ``KAZOOM_PLAYBACK`` lets play."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from catalog.media_types import audio_media_type
from catalog.models import Song

from .playback import may_play
from .ranges import ByteRange

#: Bytes read and sent at a time.
CHUNK_BYTES = 256 * 1024


class AudioRefused(Exception):
    """The song cannot be played: the HTTP status, and what to tell the person."""

    def __init__(self, status: int, headline: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.headline = headline
        self.message = message


@dataclass(frozen=True)
class SongAudio:
    #: Open for reading; ``FilePart`` closes it.
    file: BinaryIO
    size: int
    media_type: str


def song_audio(song_id: int, user: AbstractBaseUser | AnonymousUser) -> SongAudio:
    """The audio of song ``song_id``, opened by the path the catalog holds (never a name a
    client sent). Raises AudioRefused: 403 for a person ``KAZOOM_PLAYBACK`` does not let play,
    404 for no such song (or one never indexed from a file), 410 when its file is gone."""
    if not may_play(user):
        raise AudioRefused(
            403, "Playing songs is for staff", "Sign in with a staff account to play songs."
        )
    song = Song.objects.filter(pk=song_id).exclude(source_path="").first()
    if song is None:
        raise AudioRefused(404, "No such song", "Kazoom has no song by that number.")
    try:
        file = open(song.source_path, "rb")  # noqa: SIM115 - FilePart closes it
    except OSError as error:
        raise AudioRefused(
            410, "This song's file is gone", "Kazoom no longer has the file it indexed it from."
        ) from error
    try:
        size = os.fstat(file.fileno()).st_size
        return SongAudio(file, size, audio_media_type(file))
    except BaseException:
        file.close()
        raise


class FilePart:
    """Bytes ``part`` of ``file``, read a chunk at a time as a response is sent; the file is
    closed when the response is, sent or not."""

    def __init__(self, file: BinaryIO, part: ByteRange) -> None:
        self._file = file
        self._part = part

    def __iter__(self) -> Iterator[bytes]:
        self._file.seek(self._part.first)
        left = self._part.length
        while left > 0:
            block = self._file.read(min(CHUNK_BYTES, left))
            if not block:
                return
            left -= len(block)
            yield block

    def close(self) -> None:
        self._file.close()
