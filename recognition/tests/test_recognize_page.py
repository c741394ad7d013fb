"""The recognition page: upload and microphone posts, every result state and error."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from django.test import Client

from fingerprints.config import EngineConfig
from fingerprints.store import FingerprintStore
from recognition.models import RecognitionAttempt
from testsupport.badfiles import empty_file, half_second_wav, text_renamed_mp3
from testsupport.catalog import small_catalog
from testsupport.codecs import write_audio
from testsupport.commands import run_command
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary
from testsupport.music import SAMPLE_RATE, synth_song

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


def _post(client: Client, path: Path | None, *, htmx: bool = True, **fields: str) -> Response:
    data: dict[str, object] = {"source": "upload", **fields}
    headers = {"HX-Request": "true"} if htmx else {}
    if path is None:
        return client.post("/recognize", data, headers=headers)
    with path.open("rb") as audio:
        data["audio"] = audio
        return client.post("/recognize", data, headers=headers)


def _outcome(response: Response) -> str:
    return json.loads(response["HX-Trigger-After-Swap"])["kazoom:outcome"]["outcome"]


def test_home_offers_listen_and_upload(client: Client, config: EngineConfig) -> None:
    page = client.get("/").content.decode()

    assert 'id="listen"' in page and "Listen" in page
    assert 'hx-post="/recognize"' in page and 'type="file" name="audio"' in page
    assert "django_htmx/htmx-2.min.js" in page
    assert "kazoom/listen.js" in page
    assert f'data-min-seconds="{config.min_query_seconds:g}"' in page
    # The microphone script's copy of the error card, for it to fill in.
    template = re.search(r'<template id="problem-card">(.*?)</template>', page, re.DOTALL)
    assert template is not None
    assert '<article class="card problem" data-outcome="error" data-code="">' in template[1]
    assert "<h2></h2>" in template[1] and "<p></p>" in template[1]


def test_an_uploaded_clip_shows_its_song_with_the_evidence(
    client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    song = indexed.songs[3]
    response = _post(client, write_clip(tmp_path / "clip.m4a", song.samples, 12.0))

    page = response.content.decode()
    assert response.status_code == 200
    assert _outcome(response) == "match"
    assert 'data-outcome="match"' in page
    assert song.title in page and song.artist in page and song.album in page
    assert "at <strong>0:12</strong>" in page
    assert "<meter" in page and "Why this match?" in page and page.count("<svg") == 2
    attempt = RecognitionAttempt.objects.get()
    assert attempt.song is not None
    assert (attempt.source, attempt.outcome, attempt.song.title) == ("upload", "match", song.title)
    assert attempt.offset_seconds == pytest.approx(12.0, abs=0.25)
    assert attempt.confidence is not None and attempt.confidence > 0.5
    assert attempt.elapsed_ms is not None and attempt.elapsed_ms > 0
    assert attempt.clip_seconds is not None and attempt.clip_seconds > 4.9


def test_without_htmx_the_whole_page_comes_back_with_the_result(
    client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    song = indexed.songs[0]
    response = _post(client, write_clip(tmp_path / "c.wav", song.samples), htmx=False)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page and 'id="listen"' in page and song.title in page


def test_a_long_clip_is_recognised_from_its_start(
    client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    looped = np.concatenate([indexed.songs[1].samples] * 2)
    response = _post(client, write_clip(tmp_path / "long.flac", looped, 0.0, 45.0))

    page = response.content.decode()
    assert _outcome(response) == "match"
    assert indexed.songs[1].title in page
    assert "listened to its first 30 seconds" in page


@pytest.mark.parametrize(
    ("interim", "outcome", "words"),
    [("1", "pending", "Still listening"), ("0", "no-match", "No match")],
)
def test_the_microphone_hears_an_unknown_song(
    interim: str, outcome: str, words: str, client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    clip = write_clip(tmp_path / "mic.wav", indexed.stranger, 2.0, 6.0)

    response = _post(client, clip, source="microphone", interim=interim)

    assert response.status_code == 200
    assert _outcome(response) == outcome
    assert words in response.content.decode()
    assert "File:" not in response.content.decode()
    attempt = RecognitionAttempt.objects.get()
    # An interim check is logged apart from a listen's outcome.
    assert (attempt.source, attempt.outcome) == ("microphone", outcome.replace("-", "_"))


def test_silence_is_no_match(client: Client, indexed: SongLibrary, tmp_path: Path) -> None:
    silence = write_audio(tmp_path / "s.wav", np.zeros(4 * SAMPLE_RATE, np.float32), SAMPLE_RATE)

    response = _post(client, silence)

    assert response.status_code == 200 and _outcome(response) == "no-match"
    assert "Try a longer clip" in response.content.decode()
    assert RecognitionAttempt.objects.get().outcome == "no_match"


def test_ten_seconds_of_an_unknown_song_is_not_told_to_try_a_longer_clip(
    client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    clip = write_clip(tmp_path / "mic.wav", indexed.stranger, 2.0, 10.0)

    page = _post(client, clip, source="microphone", interim="0").content.decode()

    assert "No match" in page and "longer clip" not in page
    assert "most likely not in Kazoom's catalog" in page


@pytest.mark.parametrize(("songs", "shown"), [(False, True), (True, False)])
def test_the_home_page_says_when_the_catalog_is_empty(
    songs: bool, shown: bool, client: Client, song_library: SongLibrary
) -> None:
    if songs:
        small_catalog(1)

    page = client.get("/").content.decode()

    assert ("No songs yet" in page) is shown
    assert ("manage.py index_songs" in page) is shown


def test_the_card_names_the_uploaded_file(
    client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    matched = _post(client, write_clip(tmp_path / "Holiday take.m4a", indexed.songs[0].samples))
    refused = _post(client, text_renamed_mp3(tmp_path))

    assert "File: <span>Holiday take.m4a</span>" in matched.content.decode()
    assert "File: <span>notes.mp3</span>" in refused.content.decode()


def test_why_this_match_gives_the_winning_bar_s_number_and_plain_runners_up(
    client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    page = _post(client, write_clip(tmp_path / "c.wav", indexed.songs[1].samples, 9.0)).content
    text = page.decode()

    aligned = re.search(r'<strong class="aligned">(\d+)</strong>', text)
    winning_bar = re.search(r"matched at one moment in it: (\d+) pile up at 0:09", text)
    assert aligned is not None and winning_bar is not None
    assert aligned[1] == winning_bar[1]
    assert f"The tallest, {aligned[1]} pairs at 0:09, is where your clip starts" in text
    assert "other places in this same song, not other songs" in text
    assert "a part the song repeats" not in text
    assert "aligned vs" not in text


@pytest.mark.parametrize(
    ("make", "status", "code", "headline"),
    [
        (text_renamed_mp3, 400, "not_audio", "doesn&#x27;t look like audio"),
        (empty_file, 400, "empty_file", "That file is empty"),
        (half_second_wav, 400, "too_short", "too short"),
        (lambda d: None, 400, "no_file", "No audio received"),
    ],
    ids=["not audio", "empty", "too short", "no file"],
)
def test_bad_clips_get_a_friendly_error_with_the_right_status(
    make,
    status: int,
    code: str,
    headline: str,
    client: Client,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    for htmx in (True, False):
        response = _post(client, make(tmp_path), htmx=htmx)

        page = response.content.decode()
        assert response.status_code == status
        assert f'data-code="{code}"' in page and headline in page
        assert ("<html" in page) is not htmx
    assert (
        list(RecognitionAttempt.objects.values_list("outcome", "error_code"))
        == [("error", code)] * 2
    )


def test_a_file_over_the_size_limit_is_refused_with_413(
    client: Client,
    indexed: SongLibrary,
    tmp_path: Path,
    settings,  # noqa: ANN001
) -> None:
    settings.KAZOOM_MAX_CLIP_BYTES = 100_000
    clip = write_clip(tmp_path / "big.wav", indexed.songs[0].samples, 0.0, 10.0)

    response = _post(client, clip)

    assert response.status_code == 413
    assert _outcome(response) == "error"
    assert "too big" in response.content.decode()
    assert RecognitionAttempt.objects.get().error_code == "too_big"


def test_a_server_failure_is_a_friendly_500_and_the_page_keeps_working(
    client: Client,
    indexed: SongLibrary,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    store: FingerprintStore,
) -> None:
    clip = write_clip(tmp_path / "c.wav", indexed.songs[2].samples)

    def broken_store_lookup(*args: object, **kwargs: object) -> None:
        raise OSError("disk I/O error")

    with monkeypatch.context() as patched:
        patched.setattr(type(store), "lookup", broken_store_lookup)
        failed = _post(client, clip)
    recovered = _post(client, clip)

    assert failed.status_code == 500
    assert "Something went wrong on our side" in failed.content.decode()
    assert recovered.status_code == 200 and _outcome(recovered) == "match"
    assert list(RecognitionAttempt.objects.order_by("pk").values_list("outcome", "error_code")) == [
        ("error", "server_error"),
        ("match", ""),
    ]


def test_pictures_that_cannot_be_drawn_are_a_friendly_500_logged_once(
    client: Client, indexed: SongLibrary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_drawing(*args: object) -> None:
        raise ValueError("no room for the picture")

    monkeypatch.setattr("recognition.intake.match_pictures", broken_drawing)

    failed = _post(client, write_clip(tmp_path / "c.wav", indexed.songs[2].samples))

    assert failed.status_code == 500 and _outcome(failed) == "error"
    assert list(RecognitionAttempt.objects.values_list("outcome", "error_code")) == [
        ("error", "server_error")
    ]


def test_why_this_match_names_the_part_a_song_repeats(client: Client, tmp_path: Path) -> None:
    verse = synth_song(21, seconds=12.0)
    folder = tmp_path / "library"
    folder.mkdir()
    write_audio(folder / "Round and round.flac", np.tile(verse, 2), SAMPLE_RATE)
    assert run_command("index_songs", str(folder)).exit_code == 0

    # The clip is in the first pass of the verse and in the second alike.
    page = _post(client, write_clip(tmp_path / "c.wav", verse, 2.0, 6.0)).content.decode()

    assert "Round and round" in page
    assert re.search(r"the bar at 0:(02|14) \(\d+ pairs\) is a part the song repeats", page)
