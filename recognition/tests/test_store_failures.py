"""When a database fails under the web: the API answers 503 in its JSON shape, the page its
error card; a catalog that cannot be written costs the attempt's log entry, not the answer;
the catalog page's failure is logged."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import DatabaseError, connections, transaction
from django.test import Client

from recognition.models import RecognitionAttempt
from testsupport.excerpts import write_clip
from testsupport.faults import table_gone
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


@contextmanager
def catalog_disk_full() -> Iterator[None]:
    """The catalog's SQLite file may grow no more (``max_page_count``), and the attempts'
    table has filled its last page: the next attempt fails as on a full disk."""
    with connections["default"].cursor() as cursor:
        cursor.execute("PRAGMA max_page_count")
        (unlimited,) = cursor.fetchone()
        cursor.execute("PRAGMA page_count")
        (pages,) = cursor.fetchone()
        cursor.execute(f"PRAGMA max_page_count = {pages}")
    try:
        with pytest.raises(DatabaseError, match="full"):  # noqa: PT012 - fill until it is
            for _ in range(10_000):
                with transaction.atomic():
                    RecognitionAttempt.objects.create(source="api", outcome="error")
        yield
    finally:
        with connections["default"].cursor() as cursor:
            cursor.execute(f"PRAGMA max_page_count = {unlimited}")


def post_clip(path: str, clip: Path, **headers: str) -> tuple[int, str, bytes]:
    with clip.open("rb") as audio:
        response = Client().post(path, {"audio": audio}, headers=headers)
    return response.status_code, response["Content-Type"], response.content


def test_the_api_answers_503_in_its_shape_when_the_store_fails(
    indexed: SongLibrary, tmp_path: Path
) -> None:
    clip = write_clip(tmp_path / "c.wav", indexed.songs[0].samples)

    with table_gone("fingerprints", "song_hash"):
        status, content_type, body = post_clip("/api/recognize", clip)

    assert (status, content_type) == (503, "application/json")
    assert json.loads(body)["error"]["code"] == "unavailable"
    assert b"song_hash" not in body
    assert RecognitionAttempt.objects.get().error_code == "unavailable"


def test_the_page_shows_its_error_card_when_the_store_fails(
    indexed: SongLibrary, tmp_path: Path
) -> None:
    clip = write_clip(tmp_path / "c.wav", indexed.songs[0].samples)

    with table_gone("fingerprints", "song_hash"):
        status, _, body = post_clip("/recognize", clip, **{"HX-Request": "true"})

    assert status == 503
    assert b'data-outcome="error" data-code="unavailable"' in body


def test_a_full_catalog_disk_costs_the_log_entry_not_the_answer(
    indexed: SongLibrary, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clip = write_clip(tmp_path / "c.wav", indexed.songs[3].samples)

    with catalog_disk_full():
        logged_before = RecognitionAttempt.objects.count()
        status, _, body = post_clip("/api/recognize", clip)

    assert status == 200
    assert json.loads(body)["match"]["title"] == indexed.songs[3].title
    assert RecognitionAttempt.objects.count() == logged_before
    assert "the recognition attempt could not be logged" in caplog.text


class KeptRecords(logging.Handler):
    """Keeps what is logged; Django's loggers do not propagate to pytest's capture."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_the_catalog_page_logs_its_failure(db: None) -> None:
    kept = KeptRecords()
    logging.getLogger("django.request").addHandler(kept)
    try:
        with table_gone("default", "catalog_song"):
            response = Client(raise_request_exception=False).get("/songs/")
    finally:
        logging.getLogger("django.request").removeHandler(kept)

    assert response.status_code == 500
    assert any(r.levelno == logging.ERROR and r.exc_info for r in kept.records)
    assert b"catalog_song" not in response.content
