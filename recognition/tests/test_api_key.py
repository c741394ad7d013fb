"""The optional API key (``KAZOOM_API_KEY``): unset, the API is open; set, ``POST
/api/recognize`` needs it as ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``, else 401 in
the API's shape, and nothing is logged. The page never needs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from recognition.models import RecognitionAttempt
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary

KEY = "k-3f9a8c1e5b7d"


@pytest.fixture
def key_needed(settings) -> None:  # noqa: ANN001
    settings.KAZOOM_API_KEY = KEY


def _api(**headers: str) -> tuple[int, dict, str | None]:
    response = Client().post("/api/recognize", {}, headers=headers)
    return response.status_code, response.json(), response.get("WWW-Authenticate")


@pytest.mark.django_db
def test_without_a_key_set_the_api_is_open() -> None:
    status, body, _ = _api()

    assert status == 400 and body["error"]["code"] == "no_file"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": f"Basic {KEY}"}, {"Authorization": "Bearer "}, {"X-API-Key": " "}],
    ids=["no header", "another scheme", "an empty bearer", "an empty X-API-Key"],
)
def test_a_request_without_the_key_is_refused(headers: dict[str, str], key_needed: None) -> None:
    status, body, challenge = _api(**headers)

    assert status == 401
    assert body["error"]["code"] == "api_key_required"
    assert "Authorization: Bearer KEY" in body["error"]["message"]
    assert challenge == 'Bearer realm="Kazoom API"'
    assert not RecognitionAttempt.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [{"Authorization": "Bearer wrong"}, {"X-API-Key": KEY[:-1]}, {"X-API-Key": KEY + "x"}],
    ids=["wrong bearer", "a prefix", "longer"],
)
def test_a_wrong_key_is_refused(headers: dict[str, str], key_needed: None) -> None:
    status, body, _ = _api(**headers)

    assert status == 401 and body["error"]["code"] == "bad_api_key"
    assert KEY not in body["error"]["message"]


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
@pytest.mark.parametrize(
    "header", [("Authorization", f"Bearer {KEY}"), ("X-API-Key", KEY)], ids=["bearer", "x-api-key"]
)
def test_the_right_key_gets_the_answer(
    header: tuple[str, str], key_needed: None, indexed: SongLibrary, tmp_path: Path
) -> None:
    song = indexed.songs[2]
    clip = write_clip(tmp_path / "clip.wav", song.samples, 8.0)

    with clip.open("rb") as audio:
        response = Client().post("/api/recognize", {"audio": audio}, headers=dict([header]))

    assert response.status_code == 200
    assert response.json()["match"]["title"] == song.title


@pytest.mark.django_db
def test_the_page_does_not_need_the_key(key_needed: None) -> None:
    response = Client().post("/recognize", {"source": "upload"}, headers={"HX-Request": "true"})

    assert response.status_code == 400 and 'data-code="no_file"' in response.content.decode()
