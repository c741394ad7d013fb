"""Permalinks of results: ``/r/<token>/`` shows a match's card to anyone who opens it.

The log keeps what the card says, not the clip: its fields, the *why this match* pictures as
they were drawn (JSON, zlib-compressed: most of it is their spectrogram, a PNG already) and
its runners-up by song id. A match logged without pictures (the API draws none) is shared
without them; a runner-up that has left the catalog is left out.
"""

from __future__ import annotations

import json
import secrets
import zlib
from dataclasses import dataclass

from catalog.models import Song

from .charts import MatchPictures
from .models import RecognitionAttempt
from .services import Recognition, SongMatch

#: Random bytes in a token: 128 bits, written in 22 URL-safe characters.
SHARE_TOKEN_BYTES = 16


@dataclass(frozen=True)
class SharedResult:
    recognition: Recognition
    pictures: MatchPictures | None


def new_share_token() -> str:
    return secrets.token_urlsafe(SHARE_TOKEN_BYTES)


def packed_pictures(pictures: MatchPictures) -> bytes:
    """``pictures`` as the log keeps them (``RecognitionAttempt.card_pictures``)."""
    fields = {
        "constellation_svg": pictures.constellation_svg,
        "histogram_svg": pictures.histogram_svg,
        "repeat": pictures.repeat,
    }
    return zlib.compress(json.dumps(fields).encode(), level=9)


def unpacked_pictures(packed: bytes) -> MatchPictures:
    fields = json.loads(zlib.decompress(packed))
    repeat = fields["repeat"]
    return MatchPictures(
        fields["constellation_svg"],
        fields["histogram_svg"],
        (float(repeat[0]), int(repeat[1])) if repeat else None,
    )


def kept_runners_up(runners_up: list[tuple[Song, int]]) -> list[list[int]]:
    """``runners_up`` as the log keeps them (``RecognitionAttempt.runners_up``)."""
    return [[song.pk, votes] for song, votes in runners_up]


def shared_recognition(token: str) -> SharedResult | None:
    """The match logged under ``token``, as its card shows it; None for no such match (or one
    whose song has left the catalog)."""
    attempt = (
        RecognitionAttempt.objects.select_related("song__artist", "song__album__artist")
        .filter(share_token=token, outcome=RecognitionAttempt.Outcome.MATCH, song__isnull=False)
        .first()
    )
    if attempt is None or attempt.song is None:
        return None
    match = SongMatch(
        song=attempt.song,
        confidence=attempt.confidence or 0.0,
        offset_seconds=attempt.offset_seconds or 0.0,
        aligned_matches=attempt.aligned_matches or 0,
    )
    recognition = Recognition(
        match=match,
        runners_up=_runners_up(attempt.runners_up),
        query_seconds=attempt.clip_seconds or 0.0,
        query_complete=True,
        elapsed_ms=attempt.elapsed_ms or 0.0,
    )
    packed = attempt.card_pictures
    return SharedResult(recognition, unpacked_pictures(bytes(packed)) if packed else None)


def _runners_up(kept: list[list[int]]) -> list[tuple[Song, int]]:
    songs = Song.objects.select_related("artist").in_bulk([song_id for song_id, _ in kept])
    return [(songs[song_id], votes) for song_id, votes in kept if song_id in songs]
