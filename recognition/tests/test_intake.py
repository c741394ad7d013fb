"""The web intake: every request to recognise a clip, from the page or the API, is one entry in
the log of attempts whatever became of it, and the size limit is stated in one set of words."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from pytest_django.fixtures import Settings

from fingerprints.store import FingerprintStore
from recognition.models import RecognitionAttempt
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES
from testsupport.music import synth_song

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES)

#: front end → (URL, request headers, the source its attempts are logged under)
FRONT_ENDS = {
    "page (htmx)": ("/recognize", {"HX-Request": "true"}, "upload"),
    "page (plain)": ("/recognize", {}, "upload"),
    "API": ("/api/recognize", {}, "api"),
}


def _send(client: Client, front_end: str, audio: bytes | None) -> Response:
    url, headers, _ = FRONT_ENDS[front_end]
    data: dict[str, object] = {"source": "upload"} if url == "/recognize" else {}
    if audio is not None:
        data["audio"] = SimpleUploadedFile("clip.wav", audio)
    return client.post(url, data, headers=headers)


def _code(response: Response) -> str:
    if response["Content-Type"] == "application/json":
        return response.json()["error"]["code"]
    found = re.search(r'data-outcome="error" data-code="(\w+)"', response.content.decode())
    assert found, response.content.decode()
    return found[1]


def _clip(tmp_path: Path) -> bytes:
    return write_clip(tmp_path / "clip.wav", synth_song(5, seconds=10)).read_bytes()


@dataclass(frozen=True)
class Failure:
    audio: Callable[[Path], bytes | None]
    code: str
    status: int
    limit_bytes: int | None = None
    broken_store: bool = False


FAILURES = {
    "no file": Failure(lambda d: None, "no_file", 400),
    "not audio": Failure(lambda d: b"Shopping list\n" * 100, "not_audio", 400),
    "declared body too big": Failure(lambda d: b"\0" * 100_000, "too_big", 413, 10_000),
    "upload too big": Failure(lambda d: b"\0" * 60_000, "too_big", 413, 50_000),
    "server failure": Failure(_clip, "server_error", 500, broken_store=True),
}


@pytest.mark.parametrize("front_end", FRONT_ENDS)
@pytest.mark.parametrize("case", FAILURES)
def test_a_failed_request_is_logged_once(
    case: str,
    front_end: str,
    client: Client,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    store: FingerprintStore,
) -> None:
    failure = FAILURES[case]
    if failure.limit_bytes is not None:
        settings.KAZOOM_MAX_CLIP_BYTES = failure.limit_bytes
    if failure.broken_store:
        monkeypatch.setattr(type(store), "lookup", _disk_error)

    with caplog.at_level(logging.ERROR, logger="recognition"):
        response = _send(client, front_end, failure.audio(tmp_path))

    assert (response.status_code, _code(response)) == (failure.status, failure.code)
    source = FRONT_ENDS[front_end][2]
    attempts = RecognitionAttempt.objects.values_list("source", "outcome", "error_code")
    assert list(attempts) == [(source, "error", failure.code)]
    logged = [r for r in caplog.records if r.name.startswith("recognition")]
    assert len(logged) == int(failure.broken_store)


def _disk_error(*args: object, **kwargs: object) -> None:
    raise OSError("disk I/O error")


def test_a_recognised_request_is_logged_once(client: Client, tmp_path: Path) -> None:
    response = _send(client, "API", _clip(tmp_path))

    assert response.status_code == 200 and response.json()["match"] is None
    attempt = RecognitionAttempt.objects.get()
    assert (attempt.source, attempt.outcome, attempt.error_code) == ("api", "no_match", "")
    assert attempt.clip_seconds == pytest.approx(5.0, abs=0.05)


@pytest.mark.parametrize("limit_bytes", [20 * 1024 * 1024, 3_000_000])
def test_the_page_and_the_refusal_state_the_same_limit(
    limit_bytes: int, client: Client, settings: Settings
) -> None:
    settings.KAZOOM_MAX_CLIP_BYTES = limit_bytes
    words = filesizeformat(limit_bytes)
    too_big = b"\0" * (limit_bytes + 1)

    page = client.get("/").content.decode()
    card = _send(client, "page (htmx)", too_big).content.decode()
    refusal = _send(client, "API", too_big).json()["error"]["message"]

    stated = re.search(r"up to ([^<]+)</span>", page)
    assert stated is not None and stated[1] == words
    assert f"clips of up to {words} are accepted" in card
    assert f"clips of up to {words} are accepted" in refusal
