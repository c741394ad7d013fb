"""The admin's log of recognition attempts: a listen's interim checks apart from its outcome,
figures rounded; and its timeline jobs: read-only, newest first, linked to their pages, and
deleted with their recordings."""

from __future__ import annotations

import pytest
from django.test import Client

from catalog.models import Artist, Song
from recognition.models import RecognitionAttempt, TimelineJob

pytestmark = pytest.mark.django_db(transaction=True)

Outcome = RecognitionAttempt.Outcome
LOG = "/admin/recognition/recognitionattempt/"


def _rows(client: Client, path: str = LOG, **filters: str) -> str:
    """The changelist's table body."""
    page = client.get(path, filters).content.decode()
    return page.split("<tbody>")[1].split("</tbody>")[0]


def test_the_log_shows_interim_checks_apart_and_rounds_its_figures(admin_client: Client) -> None:
    song = Song.objects.create(title="Heard", artist=Artist.objects.create(name="Someone"))
    microphone = RecognitionAttempt.Source.MICROPHONE
    RecognitionAttempt.objects.create(
        source=microphone, outcome=Outcome.PENDING, clip_seconds=3.0133, elapsed_ms=41.77
    )
    RecognitionAttempt.objects.create(
        source=microphone,
        outcome=Outcome.MATCH,
        song=song,
        confidence=0.8641975308641976,
        clip_seconds=6.02,
        elapsed_ms=52.3,
    )

    rows = _rows(admin_client)

    assert "Still listening" in rows and "No match" not in rows
    assert "86%" in rows and "0.864" not in rows
    assert "3.0 s" in rows and "42 ms" in rows and "6.0 s" in rows


def test_the_log_filters_on_outcomes_alone(admin_client: Client) -> None:
    for outcome in (Outcome.PENDING, Outcome.PENDING, Outcome.NO_MATCH):
        RecognitionAttempt.objects.create(source="microphone", outcome=outcome)

    assert _rows(admin_client, outcome__exact="no_match").count("<tr") == 1


JOBS = "/admin/recognition/timelinejob/"


def _job(file_name: str, **fields: object) -> TimelineJob:
    job = TimelineJob.objects.create(file_name=file_name, **fields)
    job.upload_path().parent.mkdir(parents=True, exist_ok=True)
    job.upload_path().write_bytes(b"the recording")
    return job


def test_timeline_jobs_are_listed_newest_first_with_their_progress_and_page(
    admin_client: Client,
) -> None:
    older = _job("older.mp3", status="failed", error_code="not_audio", error_message="no sound")
    running = _job("set.mp3", status="running", done_seconds=150.0, total_seconds=600.0)

    rows = _rows(admin_client, path=JOBS)

    assert rows.index("set.mp3") < rows.index("older.mp3")
    assert "25%" in rows and "not_audio: no sound" in rows
    assert f'href="/timeline/{running.public_id}/"' in rows
    assert f'href="/timeline/{older.public_id}/"' in rows
    failed = _rows(admin_client, path=JOBS, status__exact="failed")
    assert "older.mp3" in failed and "set.mp3" not in failed


def test_timeline_jobs_are_read_only(admin_client: Client) -> None:
    job = _job("set.mp3", status="queued")

    assert admin_client.get(f"{JOBS}add/").status_code == 403
    posted = admin_client.post(f"{JOBS}{job.pk}/change/", {"file_name": "renamed.mp3"})
    assert posted.status_code == 403
    job.refresh_from_db()
    assert job.file_name == "set.mp3"


def test_deleting_timeline_jobs_one_or_many_deletes_their_recordings(
    admin_client: Client,
) -> None:
    one, two, three, kept = (_job(f"{n}.mp3") for n in ("one", "two", "three", "kept"))

    admin_client.post(f"{JOBS}{one.pk}/delete/", {"post": "yes"})
    admin_client.post(
        JOBS, {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"}
    )

    assert list(TimelineJob.objects.all()) == [kept]
    assert [job.upload_path().exists() for job in (one, two, three)] == [False] * 3
    assert kept.upload_path().exists()
