"""Your recent finds: the matches of this browser and of the signed-in account, on the home
page and after each match (out of band, for htmx); Clear forgets them, the log keeps them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from recognition.models import RecognitionAttempt
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

FIND = re.compile(r'<a href="/r/[^"]+/">([^<]+)</a>')
PASSWORD = "Kaz00m-finder-pass"


def recognise(client: Client, clip: Path, *, htmx: bool = False) -> str:
    headers = {"HX-Request": "true"} if htmx else {}
    with clip.open("rb") as audio:
        return client.post("/recognize", {"audio": audio}, headers=headers).content.decode()


def finds(client: Client) -> list[str]:
    page = client.get("/").content.decode()
    section = page[
        page.index('id="recent-finds"') : page.index("</section>", page.index('id="recent-finds"'))
    ]
    return FIND.findall(section)


@pytest.fixture
def clips(indexed: SongLibrary, tmp_path: Path) -> dict[str, Path]:
    return {
        "Song 2": write_clip(tmp_path / "two.wav", indexed.songs[1].samples, 12.0),
        "Song 4": write_clip(tmp_path / "four.wav", indexed.songs[3].samples),
        "stranger": write_clip(tmp_path / "stranger.wav", indexed.stranger),
    }


def test_a_browser_s_matches_are_its_recent_finds_newest_first(
    client: Client, clips: dict[str, Path]
) -> None:
    for name in ("Song 2", "stranger", "Song 4"):
        recognise(client, clips[name])

    page = client.get("/").content.decode()

    assert finds(client) == ["Song 4", "Song 2"]
    assert "at 0:12 · " in page and "Your recent finds" in page
    assert finds(Client()) == []


def test_a_new_browser_shows_no_finds_and_starts_no_session(client: Client) -> None:
    page = client.get("/").content.decode()

    assert re.search(r'id="recent-finds"[^>]* hidden', page)
    assert "sessionid" not in client.cookies


def test_an_account_s_finds_follow_it_and_outlive_signing_in(
    client: Client, clips: dict[str, Path]
) -> None:
    fan = User.objects.create_user("fan", password=PASSWORD)
    recognise(client, clips["Song 2"])
    client.force_login(fan)
    recognise(client, clips["Song 4"])
    elsewhere = Client()
    elsewhere.force_login(fan)

    assert finds(client) == ["Song 4", "Song 2"]
    assert finds(elsewhere) == ["Song 4"]


def test_clear_forgets_the_finds_but_the_log_keeps_the_attempts(
    clips: dict[str, Path],
) -> None:
    mine, theirs = Client(enforce_csrf_checks=True), Client()
    page = mine.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    for client in (mine, theirs):
        with clips["Song 2"].open("rb") as audio:
            client.post("/recognize", {"audio": audio, "csrfmiddlewaretoken": token})
    logged = RecognitionAttempt.objects.count()

    refused = mine.post("/finds/clear")
    cleared = mine.post("/finds/clear", {"csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert cleared.status_code == 302 and cleared["Location"] == "/"
    assert finds(mine) == [] and finds(theirs) == ["Song 2"]
    assert RecognitionAttempt.objects.count() == logged
    assert RecognitionAttempt.objects.filter(browser_id="", user=None).count() == logged - 1


def test_htmx_gets_the_finds_out_of_band_after_a_match_only(
    client: Client, clips: dict[str, Path]
) -> None:
    matched = recognise(client, clips["Song 4"], htmx=True)
    unmatched = recognise(client, clips["stranger"], htmx=True)
    emptied = client.post("/finds/clear", HTTP_HX_REQUEST="true").content.decode()

    assert re.search(r'<section id="recent-finds"[^>]* hx-swap-oob="true"', matched)
    assert FIND.findall(matched) == ["Song 4"]
    assert 'id="recent-finds"' not in unmatched
    assert re.search(r'<section id="recent-finds"[^>]* hidden', emptied)


def test_the_api_s_attempts_are_nobody_s_finds(client: Client, clips: dict[str, Path]) -> None:
    with clips["Song 2"].open("rb") as audio:
        assert client.post("/api/recognize", {"audio": audio}).json()["match"] is not None

    attempt = RecognitionAttempt.objects.get()
    assert attempt.browser_id == "" and attempt.user is None and finds(client) == []
