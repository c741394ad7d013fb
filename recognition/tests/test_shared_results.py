"""``/r/<token>/``: a match's permalink shows its card to anyone, *why this match* and
runners-up included, as the log keeps them with the attempt (a permalink logged before they
were kept shows the rest); the token is random and stored with the attempt; an unknown one is
a 404 on the site's page; recognition migration 0005 keeps the old attempts' permalinks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from pytest_django.fixtures import Settings

from catalog.models import Song
from recognition.models import RecognitionAttempt
from recognition.sharing import new_share_token
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary
from testsupport.migrations import migrated_back

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

SHARE_LINK = re.compile(r'<a class="share" href="(/r/[A-Za-z0-9_-]{22}/)"')
#: What a card shows of a match beyond the log's fields: its runners-up, its pictures.
RUNNERS_UP = re.compile(r'<details class="runners">.*?</details>', re.S)
WHY = re.compile(r'<details class="why">.*?</details>', re.S)
#: The most bytes the log may keep of a match's pictures (they measure 12 to 15 kB).
MOST_PICTURE_BYTES = 30_000


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


def test_a_shared_card_shows_the_same_runners_up_and_why_this_match(
    client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    card = recognise(client, write_clip(tmp_path / "c.wav", indexed.songs[3].samples, 10.0))
    runners_up, why = RUNNERS_UP.search(card), WHY.search(card)
    assert runners_up is not None and why is not None, card

    page = Client().get(share_link(card)).content.decode()

    assert RUNNERS_UP.findall(page) == [runners_up.group(0)]
    assert WHY.findall(page) == [why.group(0)]
    assert "<svg" in why.group(0) and "data:image/png;base64," in why.group(0)
    attempt = RecognitionAttempt.objects.get(outcome=RecognitionAttempt.Outcome.MATCH)
    assert attempt.card_pictures is not None
    assert 0 < len(attempt.card_pictures) < MOST_PICTURE_BYTES


def test_a_runner_up_that_left_the_catalog_is_left_out(
    client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    card = recognise(client, write_clip(tmp_path / "c.wav", indexed.songs[0].samples, 10.0))
    attempt = RecognitionAttempt.objects.get(outcome=RecognitionAttempt.Outcome.MATCH)
    (gone_id, _), *kept = attempt.runners_up
    gone = Song.objects.get(pk=gone_id)
    assert f"<li>{gone.title} — " in card
    gone.delete()

    page = Client().get(share_link(card)).content.decode()

    assert f"<li>{gone.title} — " not in page
    for song_id, votes in kept:
        assert f"<li>{Song.objects.get(pk=song_id).title} — " in page
        assert f"{votes} matching pair" in page


def test_a_permalink_kept_without_them_shows_the_rest_of_the_card(
    client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    card = recognise(client, write_clip(tmp_path / "c.wav", indexed.songs[1].samples, 10.0))
    RecognitionAttempt.objects.update(card_pictures=None, runners_up=[])

    response = Client().get(share_link(card))

    page = response.content.decode()
    assert response.status_code == 200 and '<h2 class="song-title">Song 2</h2>' in page
    assert not RUNNERS_UP.search(page) and not WHY.search(page)


def test_the_api_s_matches_are_shared_with_their_runners_up_but_no_pictures(
    client: Client, indexed: SongLibrary, tmp_path: Path
) -> None:
    with write_clip(tmp_path / "c.wav", indexed.songs[2].samples, 10.0).open("rb") as audio:
        assert client.post("/api/recognize", {"audio": audio}).json()["match"]
    attempt = RecognitionAttempt.objects.get(outcome=RecognitionAttempt.Outcome.MATCH)

    page = client.get(f"/r/{attempt.share_token}/").content.decode()

    assert attempt.card_pictures is None and attempt.runners_up
    assert RUNNERS_UP.search(page) and not WHY.search(page)


@pytest.fixture
def before_kept_cards() -> Iterator[MigrationExecutor]:
    with migrated_back("recognition", "0004_finders") as executor:
        yield executor


def test_the_migration_keeps_the_permalinks_logged_before_it(
    before_kept_cards: MigrationExecutor, client: Client, indexed: SongLibrary
) -> None:
    old = before_kept_cards.loader.project_state(("recognition", "0004_finders")).apps
    token = new_share_token()
    old.get_model("recognition", "RecognitionAttempt").objects.create(
        source="upload",
        outcome="match",
        song_id=Song.objects.get(title="Song 5").pk,
        confidence=0.9,
        offset_seconds=12.0,
        aligned_matches=40,
        clip_seconds=5.0,
        share_token=token,
    )

    before_kept_cards.migrate([("recognition", "0005_match_evidence")])

    attempt = RecognitionAttempt.objects.get(share_token=token)
    assert (attempt.card_pictures, attempt.runners_up) == (None, [])
    page = client.get(f"/r/{token}/").content.decode()
    assert '<h2 class="song-title">Song 5</h2>' in page and "at <strong>0:12</strong>" in page
