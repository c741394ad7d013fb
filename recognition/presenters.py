"""How a recognition is shown: the JSON shape shared by ``recognize --json`` and the API, and
the web page's result card with its words."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.urls import reverse

from .charts import MatchPictures
from .intake import ClipRejected
from .services import Recognition, Timeline


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


def timeline_json(timeline: Timeline) -> dict[str, Any]:
    """``{"duration_seconds", "segments": [...], "elapsed_ms"}``, the segments in order."""
    return {
        "duration_seconds": round(timeline.duration_seconds, 2),
        "segments": [
            {
                "from_seconds": round(s.segment.from_seconds, 2),
                "to_seconds": round(s.segment.to_seconds, 2),
                "song_id": s.song.pk,
                "title": s.song.title,
                "artist": s.song.artist.name,
                "album": s.song.album.title if s.song.album else None,
                "song_from_seconds": round(s.segment.song_from_seconds, 2),
                "song_to_seconds": round(s.segment.song_to_seconds, 2),
                "confidence": round(s.segment.confidence, 3),
                "speed": round(s.segment.speed, 3),
            }
            for s in timeline.segments
        ],
        "elapsed_ms": round(timeline.elapsed_ms, 1),
    }


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
    "rate_limited": "Too many recognitions",
    "length_required": "Kazoom needs the upload's length",
    "unavailable": "Kazoom can't take that right now",
    "interrupted": "The timeline could not be finished",
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


#: A clip without a match this long held enough of its song to be named, had the song been
#: indexed (a 5 s clip is named 95 % of the time, README): a longer one would not help.
LONG_ENOUGH_SECONDS = 8.0


def result_card(
    result: Recognition,
    *,
    interim: bool,
    share_token: str | None = None,
    pictures: MatchPictures | None = None,
) -> dict[str, object]:
    """The template context of the card for ``result``: which ``card``, and what it shows; a
    match logged with ``share_token`` links its permalink, one with ``pictures`` shows them
    under *Why this match?*."""
    if result.match is None:
        return {
            "card": Card.PENDING if interim else Card.NO_MATCH,
            "result": result,
            "long_enough": result.query_seconds >= LONG_ENOUGH_SECONDS,
        }
    percent = round(result.match.confidence * 100)
    context: dict[str, object] = {
        "card": Card.MATCH,
        "result": result,
        "confidence": confidence_level(percent),
        "confidence_percent": percent,
    }
    if share_token is not None:
        context["share_url"] = reverse("shared-result", args=[share_token])
    if pictures is not None:
        context["constellation_svg"] = pictures.constellation_svg
        context["histogram_svg"] = pictures.histogram_svg
        context["repeat"] = pictures.repeat
    return context


#: What to try next with a long recording sent for its timeline, where it differs.
TIMELINE_HINTS = ERROR_HINTS | {
    "too_big": "Send it in a smaller format (six hours of MP3 at 128 kbit/s take 350 MB), "
    "or in parts.",
    "too_short": "A timeline needs a recording of a second or more; a long one is the point.",
    "interrupted": "Send the recording again.",
}


def error_card(
    rejection: ClipRejected, *, hints: dict[str, str] = ERROR_HINTS
) -> dict[str, object]:
    """The template context of the card for a clip (or a recording) that could not be
    recognised, with ``hints`` of what to try next."""
    return {
        "card": Card.ERROR,
        "error": {
            "code": rejection.code,
            "headline": ERROR_HEADLINES.get(rejection.code, "That clip could not be used"),
            "message": rejection.message,
            "hint": hints.get(rejection.code, ""),
        },
    }


@dataclass(frozen=True)
class ConfidenceLevel:
    """A reading of a match's confidence: its words, and the name of its bar's colour."""

    least_percent: int
    words: str
    #: A CSS class: the page colours the confidence bar by it, one colour per level.
    name: str


#: From the most confident down.
CONFIDENCE_LEVELS = (
    ConfidenceLevel(90, "Certain", "certain"),
    ConfidenceLevel(75, "Very likely", "very-likely"),
    ConfidenceLevel(0, "Likely", "likely"),
)


def confidence_level(percent: int) -> ConfidenceLevel:
    """The level of a confidence as the card shows it, a whole percentage: the words and the
    bar's colour follow the number the person reads."""
    return next(level for level in CONFIDENCE_LEVELS if percent >= level.least_percent)
