"""``/songs/<id>/``: a song's own page, linked from ``/songs/``; the player only for those who
may play; an unknown song is a 404 on the site's page."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from catalog.models import Song
from recognition.models import RecognitionAttempt
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

Outcome = RecognitionAttempt.Outcome
Source = RecognitionAttempt.Source


def song_2() -> Song:
    return Song.objects.get(title="Song 2")


def test_the_page_shows_the_song_and_how_often_it_was_recognised(
    client: Client, indexed: SongLibrary
) -> None:
    song, other = song_2(), Song.objects.get(title="Song 3")
    for found, outcome in [(song, Outcome.MATCH), (song, Outcome.MATCH), (other, Outcome.MATCH)]:
        RecognitionAttempt.objects.create(source=Source.UPLOAD, outcome=outcome, song=found)
    RecognitionAttempt.objects.create(source=Source.UPLOAD, outcome=Outcome.NO_MATCH)

    page = client.get(f"/songs/{song.pk}/").content.decode()

    assert '<h1 id="song-title">Song 2</h1>' in page
    assert "Artist 0" in page and "<cite>Synthetic</cite>" in page and "0:30" in page
    assert f'src="/songs/{song.pk}/cover?v={song.cover_version()}"' in page
    assert "2 times, last on" in page
    assert "<audio" not in page and song.source_path not in page


def test_a_song_never_recognised_says_so(client: Client, indexed: SongLibrary) -> None:
    page = client.get(f"/songs/{song_2().pk}/").content.decode()

    assert '<dd class="times-recognised">not yet</dd>' in page


def test_staff_get_a_player(admin_client: Client, indexed: SongLibrary) -> None:
    song = song_2()

    page = admin_client.get(f"/songs/{song.pk}/").content.decode()

    assert f'src="/songs/{song.pk}/audio"' in page and "<audio controls" in page


def test_everyone_gets_a_player_when_the_setting_says_so(
    client: Client, settings: Settings, indexed: SongLibrary
) -> None:
    settings.KAZOOM_PLAYBACK = "everyone"

    assert "<audio controls" in client.get(f"/songs/{song_2().pk}/").content.decode()


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_song_is_a_404_on_the_site_s_page(
    debug: bool, client: Client, settings: Settings, indexed: SongLibrary
) -> None:
    settings.DEBUG = debug

    response = client.get("/songs/9999/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "No such song" in page and 'class="site"' in page and "kazoom.css" in page


def test_the_song_list_links_each_song_to_its_page(client: Client, indexed: SongLibrary) -> None:
    page = client.get("/songs/").content.decode()

    for song in Song.objects.all():
        assert f'<a class="title-cell" href="/songs/{song.pk}/">' in page
