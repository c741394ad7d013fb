"""How a recognition is shown: the JSON shape shared by ``recognize --json`` and the API, and
the web page's result card with its words."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from .charts import constellation_svg, offset_histogram_svg
from .intake import ClipRejected
from .services import Recognition


def recognition_json(result: Recognition, *, with_paths: bool) -> dict[str, Any]:
    """``{"match": null | {...}, "elapsed_ms": ...}``; ``source_path`` only ``with_paths``
    (server file paths never leave the server through the web)."""
    return {"match": _match_json(result, with_paths), "elapsed_ms": round(result.elapsed_ms, 1)}


def _match_json(result: Recognition, with_paths: bool) -> dict[str, Any] | None:
    if result.match is None:
        return None
    song = result.match.song
    body: dict[str, Any] = {
        "song_id": song.pk,
        "title": song.title,
        "artist": song.artist.name,
        "album": song.album.title if song.album else None,
        "confidence": round(result.match.confidence, 3),
        "offset_seconds": round(result.match.offset_seconds, 2),
        "aligned_matches": result.match.aligned_matches,
    }
    if with_paths:
        body["source_path"] = song.source_path
    return body


#: What to say first about each refusal; the engine's own message follows it.
ERROR_HEADLINES = {
    "no_file": "No audio received",
    "too_big": "That file is too big",
    "empty_file": "That file is empty",
    "not_audio": "That doesn't look like audio",
    "unsupported_audio": "Kazoom can't read that recording",
    "truncated": "That file is cut short",
    "too_short": "That clip is too short",
    "missing_file": "No audio received",
    "server_error": "Something went wrong on our side",
}
#: What to try next, per refusal.
ERROR_HINTS = {
    "too_big": "A few seconds of the song is all Kazoom needs.",
    "not_audio": "Try an MP3, M4A, WAV, FLAC, Ogg, Opus or WebM recording.",
    "unsupported_audio": "Try the recording in another format, such as MP3 or M4A.",
    "truncated": "The upload may have been interrupted: try sending it again.",
    "too_short": "Record or upload at least a second; three to ten seconds works best.",
    "server_error": "Please try again in a moment.",
}


class Card(StrEnum):
    """Which result card the page shows; also the outcome the page's ``kazoom:outcome`` event
    tells the microphone script."""

    MATCH = "match"
    NO_MATCH = "no-match"
    #: No match yet in an interim microphone clip: the microphone goes on listening.
    PENDING = "pending"
    ERROR = "error"


def result_card(result: Recognition, *, interim: bool) -> dict[str, object]:
    """The template context of the card for ``result``: which ``card``, and what it shows."""
    if result.match is None:
        return {"card": Card.PENDING if interim else Card.NO_MATCH, "result": result}
    context: dict[str, object] = {
        "card": Card.MATCH,
        "result": result,
        "confidence_words": confidence_words(result.match.confidence),
        "confidence_percent": round(result.match.confidence * 100),
    }
    if result.evidence is not None:
        context["constellation_svg"] = constellation_svg(result.evidence)
        context["histogram_svg"] = offset_histogram_svg(result.evidence)
    return context


def error_card(rejection: ClipRejected) -> dict[str, object]:
    """The template context of the card for a clip that could not be recognised."""
    return {
        "card": Card.ERROR,
        "error": {
            "code": rejection.code,
            "headline": ERROR_HEADLINES.get(rejection.code, "That clip could not be used"),
            "message": rejection.message,
            "hint": ERROR_HINTS.get(rejection.code, ""),
        },
    }


def confidence_words(confidence: float) -> str:
    """A plain-words reading of a match's confidence."""
    if confidence >= 0.9:
        return "Certain"
    if confidence >= 0.75:
        return "Very likely"
    return "Likely"
