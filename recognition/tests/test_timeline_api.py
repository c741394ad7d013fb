"""``POST /api/timeline`` and ``GET /api/timeline/<id>``: a recording queued (202, with the
job's URL), its job polled as JSON until it holds the result, with the API's key, rate limits
and error shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from fingerprints.config import EngineConfig
from fingerprints.store import FingerprintStore
from recognition.models import TimelineJob
from recognition.timeline_jobs import run_job
from testsupport.badfiles import text_renamed_mp3
from testsupport.commands import run_command
from testsupport.hostile import wav_bytes
from testsupport.library import BOTH_DATABASES, SongLibrary
from testsupport.timeline_jobs import write_mix

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

JOB_FIELDS = {
    "id", "url", "status", "file_name", "progress", "created_at", "finished_at", "error", "result"
}  # fmt: skip


def _post(client: Client, path: Path | None, **headers: str) -> tuple[int, dict, str]:
    if path is None:
        response = client.post("/api/timeline", {}, headers=headers)
    else:
        with path.open("rb") as recording:
            response = client.post("/api/timeline", {"file": recording}, headers=headers)
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json(), response.get("Location", "")


def test_a_recording_is_queued_and_its_job_gives_the_timeline_once_done(
    indexed: SongLibrary, tmp_path: Path, store: FingerprintStore, config: EngineConfig
) -> None:
    client = Client(enforce_csrf_checks=True)  # the API is for curl: it needs no CSRF token
    write_mix(indexed, tmp_path / "set.wav")

    status, body, location = _post(client, tmp_path / "set.wav")

    job = TimelineJob.objects.get()
    assert status == 202
    assert set(body) == {"job"} and set(body["job"]) == JOB_FIELDS
    assert body["job"]["id"] == job.public_id and str(job.pk) != job.public_id
    assert location == body["job"]["url"] == f"http://testserver/api/timeline/{job.public_id}"
    assert body["job"]["status"] == "queued" and body["job"]["result"] is None
    assert body["job"]["progress"]["done_seconds"] == 0
    assert body["job"]["progress"]["total_seconds"] == pytest.approx(71, abs=1)

    run_job(job.pk, store=store, config=config, stopping=lambda: False)
    polled = client.get(location)

    assert polled.status_code == 200
    done = polled.json()["job"]
    assert done["status"] == "done" and done["error"] is None and done["finished_at"]
    expected = json.loads(run_command("timeline", "--json", str(tmp_path / "set.wav")).stdout)
    assert done["result"]["segments"] == expected["segments"]
    assert done["result"]["path"] == "set.wav" and str(tmp_path) not in json.dumps(done)
    assert done["progress"]["done_seconds"] == done["progress"]["total_seconds"]


def test_a_failed_job_has_its_error(client: Client) -> None:
    job = TimelineJob.objects.create(
        status="failed", error_code="too_short", error_message="the recording is 0.1 s long"
    )

    body = client.get(f"/api/timeline/{job.public_id}").json()["job"]

    assert body["status"] == "failed"
    assert body["error"] == {"code": "too_short", "message": "the recording is 0.1 s long"}


def test_an_unknown_job_is_a_404_in_the_api_s_shape(client: Client) -> None:
    job = TimelineJob.objects.create()

    response = client.get(f"/api/timeline/{job.pk}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_such_job"


@pytest.mark.parametrize(
    ("make", "status", "code"),
    [(text_renamed_mp3, 400, "not_audio"), (lambda folder: None, 400, "no_file")],
    ids=["not audio", "no file"],
)
def test_refusals_are_in_the_api_s_shape_and_keep_nothing(
    client: Client,
    tmp_path: Path,
    make,
    status: int,
    code: str,  # noqa: ANN001
) -> None:
    answered, body, _ = _post(client, make(tmp_path))

    assert answered == status and body["error"]["code"] == code and body["error"]["message"]
    assert not TimelineJob.objects.exists()


def test_a_body_declared_over_the_limit_is_refused_unread(
    client: Client,
    settings,  # noqa: ANN001
) -> None:
    settings.KAZOOM_TIMELINE_MAX_UPLOAD_BYTES = 1000

    response = client.generic(
        "POST",
        "/api/timeline",
        b"",
        content_type="multipart/form-data; boundary=x",
        headers={"Content-Length": str(10**9)},
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_big"
    assert not TimelineJob.objects.exists()


def test_a_chunked_upload_is_refused(client: Client) -> None:
    response = client.post("/api/timeline", {"file": b""}, headers={"Transfer-Encoding": "chunked"})

    assert response.status_code == 411 and response.json()["error"]["code"] == "length_required"


def test_the_api_key_guards_the_upload_and_the_job(
    client: Client,
    tmp_path: Path,
    settings,  # noqa: ANN001
) -> None:
    settings.KAZOOM_API_KEY = "sesame"
    (tmp_path / "blip.wav").write_bytes(wav_bytes())
    job = TimelineJob.objects.create()

    assert _post(client, tmp_path / "blip.wav")[1]["error"]["code"] == "api_key_required"
    wrong = client.get(f"/api/timeline/{job.public_id}", headers={"X-API-Key": "open"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "bad_api_key"
    assert _post(client, tmp_path / "blip.wav", authorization="Bearer sesame")[0] == 202
    right = client.get(f"/api/timeline/{job.public_id}", headers={"X-API-Key": "sesame"})
    assert right.status_code == 200


def test_uploads_count_against_the_rate_and_polls_do_not(
    client: Client,
    tmp_path: Path,
    settings,  # noqa: ANN001
) -> None:
    settings.KAZOOM_RATE_LIMIT = (1, 60)
    cache.clear()
    (tmp_path / "blip.wav").write_bytes(wav_bytes())
    _, body, location = _post(client, tmp_path / "blip.wav")

    for _ in range(3):
        assert client.get(location).status_code == 200
    status, refused, _ = _post(client, tmp_path / "blip.wav")

    assert status == 429 and refused["error"]["code"] == "rate_limited"
    assert TimelineJob.objects.count() == 1
