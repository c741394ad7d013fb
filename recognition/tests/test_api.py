"""``POST /api/recognize``: the JSON shape of ``recognize --json``, less server paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from catalog.models import Song
from recognition.models import RecognitionAttempt
from testsupport.badfiles import text_renamed_mp3
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


def _post(path: Path | None) -> tuple[int, dict]:
    client = Client(enforce_csrf_checks=True)  # the API is for curl: it needs no CSRF token
    if path is None:
        response = client.post("/api/recognize", {})
    else:
        with path.open("rb") as audio:
            response = client.post("/api/recognize", {"audio": audio})
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def test_a_match_has_the_documented_fields(indexed: SongLibrary, tmp_path: Path) -> None:
    song = indexed.songs[4]

    status, body = _post(write_clip(tmp_path / "c.mp3", song.samples, 20.0))

    assert status == 200
    assert set(body) == {"match", "elapsed_ms"}
    match = body["match"]
    assert set(match) == {
        "song_id", "title", "artist", "album", "confidence", "offset_seconds", "aligned_matches"
    }  # fmt: skip
    assert match["song_id"] == Song.objects.get(title=song.title).pk
    assert (match["title"], match["artist"], match["album"]) == (
        song.title,
        song.artist,
        song.album,
    )
    assert match["offset_seconds"] == pytest.approx(20.0, abs=0.25)
    assert str(tmp_path) not in str(body) and "source_path" not in match
    assert RecognitionAttempt.objects.get().source == "api"


def test_an_unknown_song_is_a_null_match(indexed: SongLibrary, tmp_path: Path) -> None:
    status, body = _post(write_clip(tmp_path / "c.wav", indexed.stranger))

    assert status == 200 and body["match"] is None and body["elapsed_ms"] > 0


@pytest.mark.parametrize(
    ("make", "status", "code"),
    [(text_renamed_mp3, 400, "not_audio"), (lambda d: None, 400, "no_file")],
    ids=["not audio", "no file"],
)
def test_errors_are_json_with_a_code_and_status(
    make,
    status: int,
    code: str,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    got_status, body = _post(make(tmp_path))

    assert got_status == status
    assert body["error"]["code"] == code and body["error"]["message"]


def test_too_big_is_413(indexed: SongLibrary, tmp_path: Path, settings) -> None:  # noqa: ANN001
    settings.KAZOOM_MAX_CLIP_BYTES = 50_000

    status, body = _post(write_clip(tmp_path / "c.wav", indexed.songs[0].samples))

    assert status == 413 and body["error"]["code"] == "too_big"


def test_only_post_is_allowed(client: Client) -> None:
    assert client.get("/api/recognize").status_code == 405
