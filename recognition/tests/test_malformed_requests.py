"""Every malformed request is the client's mistake: a 4xx in the API's JSON error shape or with
the page's error card, never a 500, and no response shows a server path or a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from recognition.models import RecognitionAttempt
from testsupport.commands import REPO
from testsupport.library import BOTH_DATABASES
from testsupport.malformed import Upload, malformed_uploads

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES)

#: What would give the server away in a response body.
LEAKS = ["Traceback", 'File "', "site-packages", str(REPO), "/tmp/"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Upload]:
    return list(malformed_uploads(tmp_path_factory.mktemp("corpus")))


def post(client: Client, path: str, upload: Upload, **headers: str) -> Response:
    return client.generic(
        "POST",
        path,
        upload.body,
        content_type=upload.content_type,
        headers={**upload.headers, **headers},
    )


def page_client() -> Client:
    """A browser's client: the CSRF check is enforced, so it reads the form before the view."""
    client = Client(enforce_csrf_checks=True)
    client.get("/")
    return client


def assert_told_plainly(upload: Upload, response: Response, tmp_path: Path) -> str:
    body = response.content.decode("utf-8", "replace")
    assert response.status_code < 500, f"{upload.name}: {response.status_code}"
    assert response.status_code in (200, 400, 411, 413), upload.name
    for leak in [*LEAKS, str(tmp_path)]:
        assert leak not in body, f"{upload.name} shows {leak!r}"
    return body


def test_the_corpus_is_large(corpus: list[Upload]) -> None:
    assert len(corpus) >= 1000
    assert len({u.name for u in corpus}) == len(corpus)


def test_no_malformed_upload_is_a_server_error_on_the_api(
    corpus: list[Upload], tmp_path: Path
) -> None:
    client = Client()
    statuses: dict[int, int] = {}
    for upload in corpus:
        response = post(client, "/api/recognize", upload)
        assert_told_plainly(upload, response, tmp_path)
        assert response["Content-Type"] == "application/json", upload.name
        answer = json.loads(response.content)
        if response.status_code == 200:
            assert set(answer) == {"match", "elapsed_ms"}, upload.name
        else:
            assert set(answer) == {"error"} and set(answer["error"]) == {"code", "message"}
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    print(f"{len(corpus)} malformed uploads to the API: statuses {sorted(statuses.items())}")
    assert RecognitionAttempt.objects.count() == len(corpus)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "whole page"])
def test_no_malformed_upload_is_a_server_error_on_the_page(
    corpus: list[Upload], tmp_path: Path, htmx: bool
) -> None:
    client = page_client()
    token = client.cookies["csrftoken"].value
    extra = {"x-csrftoken": token} | ({"hx-request": "true"} if htmx else {})
    for upload in corpus:
        response = post(client, "/recognize", upload, **extra)
        body = assert_told_plainly(upload, response, tmp_path)
        if response.status_code != 200:
            assert 'data-outcome="error"' in body, upload.name
        if htmx:
            assert "kazoom:outcome" in response["HX-Trigger-After-Swap"], upload.name


def test_another_bad_request_gets_the_site_s_400_page() -> None:
    response = Client().get("/", headers={"host": "kazoom.invalid"})

    assert response.status_code == 400
    assert b"<h1>Bad request</h1>" in response.content
