"""The admin's log of recognition attempts: a listen's interim checks apart from its outcome,
figures rounded."""

from __future__ import annotations

import pytest
from django.test import Client

from catalog.models import Artist, Song
from recognition.models import RecognitionAttempt

pytestmark = pytest.mark.django_db

Outcome = RecognitionAttempt.Outcome
LOG = "/admin/recognition/recognitionattempt/"


def _rows(client: Client, **filters: str) -> str:
    """The changelist's table body."""
    page = client.get(LOG, filters).content.decode()
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
