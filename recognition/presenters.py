"""The JSON shape of a recognition, shared by ``recognize --json`` and the web API."""

from __future__ import annotations

from typing import Any

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
