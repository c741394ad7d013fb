"""Permalinks of results: ``/r/<token>/`` shows a match's card to anyone who opens it."""

from __future__ import annotations

import secrets

from .models import RecognitionAttempt
from .services import Recognition, SongMatch

#: Random bytes in a token: 128 bits, written in 22 URL-safe characters.
SHARE_TOKEN_BYTES = 16


def new_share_token() -> str:
    return secrets.token_urlsafe(SHARE_TOKEN_BYTES)


def shared_recognition(token: str) -> Recognition | None:
    """The match logged under ``token``, as its card shows it; None for no such match (or one
    whose song has left the catalog).

    The log keeps what the card says, not the clip: a shared card has no *why this match*
    pictures and no runners-up.
    """
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
    return Recognition(
        match=match,
        runners_up=[],
        query_seconds=attempt.clip_seconds or 0.0,
        query_complete=True,
        elapsed_ms=attempt.elapsed_ms or 0.0,
    )
