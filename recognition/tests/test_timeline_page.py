"""``/timeline/``: a long recording uploaded on its own page is queued and its job's page
shown; the job's page polls (htmx) while it is queued or running, then shows the timeline as a
picture and a table, with downloads as CSV and JSON; refusals are the page's card, in both
DEBUG modes, and keep nothing."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from catalog.models import Song
from fingerprints.config import EngineConfig
from fingerprints.store import FingerprintStore
from recognition.models import TimelineJob
from recognition.timeline_jobs import run_job
from testsupport.badfiles import empty_file, text_renamed_mp3
from testsupport.hostile import wav_bytes
from testsupport.library import BOTH_DATABASES, SongLibrary
from testsupport.timeline_jobs import write_mix

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

POLLING = 'hx-trigger="every 1s"'
DEBUG_MODES = pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"])


def _upload(client: Client, path: Path | None) -> tuple[int, str, str]:
    """POST the recording (or no file); the status, the page and where it leads."""
    if path is None:
        response = client.post("/timeline/", {})
    else:
        with path.open("rb") as recording:
            response = client.post("/timeline/", {"file": recording})
    return response.status_code, response.content.decode(), response.get("Location", "")


def _kept() -> list[Path]:
    return list(Path(settings.KAZOOM_TIMELINE_UPLOADS_DIR).iterdir())


def _done_job(
    library: SongLibrary, folder: Path, store: FingerprintStore, config: EngineConfig
) -> TimelineJob:
    write_mix(library, folder / "my set.wav")
    _, _, location = _upload(Client(), folder / "my set.wav")
    job = TimelineJob.objects.get()
    assert location == f"/timeline/{job.public_id}/"
    run_job(job.pk, store=store, config=config, stopping=lambda: False)
    job.refresh_from_db()
    return job


def test_the_page_takes_a_recording_up_to_its_limit(client: Client) -> None:
    page = client.get("/timeline/").content.decode()

    assert 'enctype="multipart/form-data"' in page and 'name="file"' in page
    assert "up to 500.0\xa0MB and 6 hours" in page
    assert '<a href="/timeline/" aria-current="page">Timeline</a>' in page


def test_a_recording_sent_is_queued_and_its_page_polls_for_its_progress(
    indexed: SongLibrary, client: Client, tmp_path: Path
) -> None:
    write_mix(indexed, tmp_path / "my set.wav")

    status, _, location = _upload(client, tmp_path / "my set.wav")

    job = TimelineJob.objects.get()
    assert status == 302 and location == f"/timeline/{job.public_id}/"
    assert (job.status, job.file_name) == ("queued", "my set.wav")
    assert job.total_seconds == pytest.approx(71, abs=1)
    assert _kept() == [job.upload_path()]
    page = client.get(location).content.decode()
    assert "<html" in page and "Timeline of" in page and "my set.wav" in page
    assert POLLING in page and "Waiting for its turn" in page
    polled = client.get(location, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in polled and POLLING in polled


def test_a_running_job_shows_how_far_it_has_got(client: Client) -> None:
    job = TimelineJob.objects.create(status="running", done_seconds=125.0, total_seconds=600.0)

    polled = client.get(f"/timeline/{job.public_id}/", headers={"HX-Request": "true"})

    text = polled.content.decode()
    assert POLLING in text
    assert '<progress id="job-progress" max="600" value="125">' in text
    assert "00:02:05 of 00:10:00" in text


def test_a_running_job_whose_worker_fell_silent_is_shown_waiting_again(
    client: Client,
    settings,  # noqa: ANN001
) -> None:
    settings.KAZOOM_TIMELINE_STALE_SECONDS = 60
    silent_since = timezone.now() - timedelta(seconds=61)
    job = TimelineJob.objects.create(status="running", attempts=1, heartbeat_at=silent_since)
    job.upload_path().write_bytes(b"the recording")
    lively = TimelineJob.objects.create(status="running", heartbeat_at=timezone.now())

    polled = client.get(f"/timeline/{job.public_id}/", headers={"HX-Request": "true"})

    text = polled.content.decode()
    assert "Waiting for its turn" in text and POLLING in text
    job.refresh_from_db()
    assert job.status == "queued" and job.upload_path().exists()
    assert POLLING in client.get(f"/timeline/{lively.public_id}/").content.decode()


def test_a_job_whose_worker_fell_silent_on_its_third_run_is_shown_failed(
    client: Client,
    settings,  # noqa: ANN001
) -> None:
    settings.KAZOOM_TIMELINE_STALE_SECONDS = 60
    silent_since = timezone.now() - timedelta(seconds=61)
    job = TimelineJob.objects.create(status="running", attempts=3, heartbeat_at=silent_since)
    job.upload_path().write_bytes(b"the recording")

    polled = client.get(f"/timeline/{job.public_id}/", headers={"HX-Request": "true"})

    text = polled.content.decode()
    assert 'data-code="interrupted"' in text and POLLING not in text
    assert "3 times" in text
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", "interrupted")
    assert not job.upload_path().exists()


def test_a_done_job_shows_its_timeline_and_stops_polling(
    indexed: SongLibrary, client: Client, tmp_path: Path, store: FingerprintStore, config
) -> None:  # noqa: ANN001
    job = _done_job(indexed, tmp_path, store, config)
    assert job.status == "done"

    polled = client.get(f"/timeline/{job.public_id}/", headers={"HX-Request": "true"})

    text = polled.content.decode()
    assert POLLING not in text and "hx-get" not in text
    songs = [Song.objects.get(title=t) for t in ("Song 1", "Song 2", "Song 3")]
    picture = text[text.index("<svg") : text.index("</svg>")]
    links = re.findall(r'<a class="segment" href="([^"]+)" aria-label="([^"]+)"', picture)
    assert [href for href, _ in links] == [f"/songs/{s.pk}/" for s in songs]
    assert links[0][1].startswith(f"Song 1 — {songs[0].artist.name}, from 00:00:00 to 00:00:")
    assert picture.count('class="tick"') >= 2
    table = text[text.index("<table") : text.index("</table>")]
    assert re.findall(r'<a href="(/songs/\d+/)">', table) == [f"/songs/{s.pk}/" for s in songs]
    assert table.count('class="gap"') == 1
    assert f"/timeline/{job.public_id}/timeline.csv" in text
    assert f"/timeline/{job.public_id}/timeline.json" in text


def test_the_downloads_are_the_result_as_csv_and_as_json(
    indexed: SongLibrary, client: Client, tmp_path: Path, store: FingerprintStore, config
) -> None:  # noqa: ANN001
    job = _done_job(indexed, tmp_path, store, config)
    assert job.result is not None

    as_json = client.get(f"/timeline/{job.public_id}/timeline.json")
    as_csv = client.get(f"/timeline/{job.public_id}/timeline.csv")

    assert as_json.json() == job.result
    assert as_json["Content-Disposition"] == 'attachment; filename="timeline.json"'
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert [row["title"] for row in rows] == ["Song 1", "Song 2", "Song 3"]
    assert [float(row["from_seconds"]) for row in rows] == [
        s["from_seconds"] for s in job.result["segments"]
    ]


def test_no_download_before_the_timeline_is_done(client: Client) -> None:
    job = TimelineJob.objects.create(status="running")

    assert client.get(f"/timeline/{job.public_id}/timeline.csv").status_code == 404
    assert client.get(f"/timeline/{job.public_id}/timeline.json").status_code == 404


@DEBUG_MODES
def test_a_failed_job_shows_its_card(client: Client, settings, debug: bool) -> None:  # noqa: ANN001
    settings.DEBUG = debug
    job = TimelineJob.objects.create(
        status="failed", error_code="interrupted", error_message="The worker stopped."
    )

    page = client.get(f"/timeline/{job.public_id}/").content.decode()

    assert 'data-code="interrupted"' in page and "The timeline could not be finished" in page
    assert "The worker stopped." in page and "Send the recording again." in page
    assert POLLING not in page


@DEBUG_MODES
def test_an_unknown_job_is_a_404_on_the_site_s_page(
    client: Client,
    settings,  # noqa: ANN001
    debug: bool,
) -> None:
    settings.DEBUG = debug
    job = TimelineJob.objects.create()

    response = client.get(f"/timeline/{job.pk}/")

    assert response.status_code == 404
    assert "No such timeline" in response.content.decode()


@DEBUG_MODES
@pytest.mark.parametrize(
    ("make", "status", "code"),
    [
        (text_renamed_mp3, 400, "not_audio"),
        (empty_file, 400, "empty_file"),
        (lambda folder: None, 400, "no_file"),
    ],
    ids=["not audio", "empty", "no file"],
)
def test_a_recording_that_cannot_be_used_is_refused_on_the_page_s_card(
    client: Client,
    tmp_path: Path,
    settings,  # noqa: ANN001
    debug: bool,
    make,  # noqa: ANN001
    status: int,
    code: str,
) -> None:
    settings.DEBUG = debug

    answered, page, _ = _upload(client, make(tmp_path))

    assert answered == status
    assert f'data-code="{code}"' in page and 'name="file"' in page
    assert not TimelineJob.objects.exists() and _kept() == []


@DEBUG_MODES
def test_a_recording_over_the_limit_is_refused_before_it_is_read(
    client: Client,
    tmp_path: Path,
    settings,  # noqa: ANN001
    debug: bool,
) -> None:
    settings.DEBUG = debug
    settings.KAZOOM_TIMELINE_MAX_UPLOAD_BYTES = 100_000
    (tmp_path / "big.wav").write_bytes(wav_bytes(data=b"\0" * 200_000))

    status, page, _ = _upload(client, tmp_path / "big.wav")

    assert status == 413
    assert 'data-code="too_big"' in page and "up to 97.7\xa0KB are accepted" in page
    assert "six hours of MP3 at 128 kbit/s take 350 MB" in page
    assert not TimelineJob.objects.exists() and _kept() == []
    assert list(Path(settings.FILE_UPLOAD_TEMP_DIR).glob("*.upload")) == []


@DEBUG_MODES
def test_the_rate_limit_applies_to_uploads(
    client: Client,
    tmp_path: Path,
    settings,  # noqa: ANN001
    debug: bool,
) -> None:
    settings.DEBUG = debug
    settings.KAZOOM_RATE_LIMIT = (1, 60)
    cache.clear()
    (tmp_path / "blip.wav").write_bytes(wav_bytes())
    assert _upload(client, tmp_path / "blip.wav")[0] == 302

    status, page, _ = _upload(client, tmp_path / "blip.wav")

    assert status == 429 and 'data-code="rate_limited"' in page
    assert TimelineJob.objects.count() == 1


def test_an_upload_without_the_csrf_token_is_refused_and_nothing_is_kept(
    tmp_path: Path,
) -> None:
    (tmp_path / "blip.wav").write_bytes(wav_bytes())

    status, _, _ = _upload(Client(enforce_csrf_checks=True), tmp_path / "blip.wav")

    assert status == 403
    assert not TimelineJob.objects.exists() and _kept() == []
