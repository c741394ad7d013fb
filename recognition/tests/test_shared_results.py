"""``/r/<token>/``: a match's permalink shows its card to anyone; the token is random and
stored with the attempt; an unknown one is a 404 on the site's page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from catalog.models import Song
from recognition.models import RecognitionAttempt
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

SHARE_LINK = re.compile(r'<a class="share" href="(/r/[A-Za-z0-9_-]{22}/)"')


def recognise(client: Client, path: Path) -> str:
    with path.open("rb") as audio:
        return client.post("/recognize", {"audio": audio}).content.decode()


def share_link(card: str) -> str:
    found = SHARE_LINK.search(card)
    assert found is not None, card
    return found.group(1)


def test_a_match_s_card_links_its_permalink_which_anyone_can_open(
    client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    card = recognise(client, write_clip(tmp_path / "c.wav", indexed.songs[2].samples, 20.0))
    link = SHARE_LINK.search(card)
    assert link is not None, card

    shared = Client().get(link.group(1))

    page = shared.content.decode()
    assert shared.status_code == 200
    assert '<h2 class="song-title">Song 3</h2>' in page and "at <strong>0:20</strong>" in page
    assert "Artist 1" in page and "<cite>Synthetic</cite>" in page
    attempt = RecognitionAttempt.objects.get(outcome=RecognitionAttempt.Outcome.MATCH)
    assert link.group(1) == f"/r/{attempt.share_token}/" and attempt.aligned_matches
    assert "Listen again" not in page and "Recognise a song" in page


def test_each_match_gets_its_own_token_and_nothing_else_gets_one(
    client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    clip = write_clip(tmp_path / "c.wav", indexed.songs[0].samples)
    links = {share_link(recognise(client, clip)) for _ in range(2)}
    stranger = recognise(client, write_clip(tmp_path / "s.wav", indexed.stranger))

    assert len(links) == 2 and SHARE_LINK.search(stranger) is None
    assert not RecognitionAttempt.objects.filter(
        share_token__isnull=False, outcome=RecognitionAttempt.Outcome.NO_MATCH
    ).exists()


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("token", ["AAAAAAAAAAAAAAAAAAAAAA", "no-such-thing"])
def test_an_unknown_token_is_a_404_on_the_site_s_page(
    token: str, debug: bool, client: Client, settings: Settings
) -> None:
    settings.DEBUG = debug

    response = client.get(f"/r/{token}/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "No such result" in page and 'class="site"' in page


def test_a_result_whose_song_left_the_catalog_is_a_404(
    client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    card = recognise(client, write_clip(tmp_path / "c.wav", indexed.songs[1].samples))
    link = SHARE_LINK.search(card)
    assert link is not None
    Song.objects.filter(title="Song 2").delete()

    assert client.get(link.group(1)).status_code == 404
