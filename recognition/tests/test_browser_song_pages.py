"""A song's page, its player and the result card's player and "Listen again" in a real
browser, on a desktop and a phone: what each shows, no accessibility violation of serious or
critical impact (axe-core), and a screenshot of each in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from catalog.models import Song
from testsupport.browser import (
    MIC_SONG,
    OpenPage,
    assert_accessible_and_shot,
    assert_cover_shows,
)
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

VIEWPORTS = ["desktop", "phone"]
STAFF_PASSWORD = "Kaz00m-staff-pass"


def _sign_in_as_staff(page: Page, django_user_model: type[User]) -> None:
    django_user_model.objects.create_superuser("staff", "staff@example.org", STAFF_PASSWORD)
    page.goto("/admin/login/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", STAFF_PASSWORD)
    page.click('input[type="submit"]')
    expect(page).to_have_url("/admin/")


def _metadata_loaded(page: Page) -> None:
    page.wait_for_function("() => document.querySelector('audio').readyState >= 1", timeout=10_000)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_song_s_page_from_the_song_list(
    viewport: str, open_page: OpenPage, indexed: SongLibrary
) -> None:
    song = indexed.songs[2]
    page = open_page(viewport=viewport)
    page.goto("/songs/")

    page.get_by_role("link", name=song.title).click()

    expect(page.locator("h1")).to_have_text(song.title)
    expect(page.locator(".song-page")).to_contain_text(song.artist)
    expect(page.locator(".song-page")).to_contain_text("0:30")
    expect(page.locator(".times-recognised")).to_have_text("not yet")
    assert song.cover_colour is not None
    assert_cover_shows(page.locator(".song-page img.cover"), song.cover_colour)
    # Playing is for staff, and nobody is signed in.
    expect(page.locator("audio")).to_have_count(0)
    assert_accessible_and_shot(page, "song-page", viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_staff_play_the_song_on_its_page(
    viewport: str, open_page: OpenPage, indexed: SongLibrary, django_user_model: type[User]
) -> None:
    page = open_page(viewport=viewport)
    _sign_in_as_staff(page, django_user_model)
    song = Song.objects.get(title=indexed.songs[0].title)

    page.goto(f"/songs/{song.pk}/")

    _metadata_loaded(page)
    duration = page.evaluate("document.querySelector('audio').duration")
    assert abs(duration - 30.0) < 0.5
    expect(page.locator(".song-page .no-cover")).to_be_visible()  # Song 1 has no cover art
    assert_accessible_and_shot(page, "song-page-player", viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_unknown_song_has_the_site_s_404_page(viewport: str, open_page: OpenPage) -> None:
    page = open_page(viewport=viewport)

    response = page.goto("/songs/4242/")

    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("No such song")
    expect(page.locator("header.site")).to_be_visible()
    assert_accessible_and_shot(page, "song-not-found", viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_result_card_plays_from_the_matched_moment_and_listens_again(
    viewport: str,
    open_page: OpenPage,
    indexed: SongLibrary,
    django_user_model: type[User],
    tmp_path: Path,
) -> None:
    page = open_page(viewport=viewport)
    _sign_in_as_staff(page, django_user_model)
    page.goto("/")
    song = indexed.songs[3]

    page.set_input_files("#audio-file", str(write_clip(tmp_path / "c.wav", song.samples, 14.0)))

    card = page.locator('#result [data-outcome="match"]')
    expect(card.locator(".song-title")).to_have_text(song.title)
    expect(card.locator(".player figcaption")).to_have_text(
        "Hear it from 0:14, where your clip starts"
    )
    _metadata_loaded(page)
    start = page.evaluate("document.querySelector('#result audio').currentTime")
    assert 13.5 <= start <= 14.5
    assert_accessible_and_shot(page, "match-player", viewport)

    again = card.get_by_role("button", name="Listen again")
    again.scroll_into_view_if_needed()
    again.click()

    expect(page.locator("#listen")).to_be_in_viewport()
    expect(page.locator("#listen")).to_be_focused()
    heard = page.locator('#result [data-outcome="match"] .song-title')
    expect(heard).to_have_text(indexed.songs[MIC_SONG].title, timeout=20_000)


def test_without_playback_the_card_has_no_player_but_links_the_song(
    page: Page, indexed: SongLibrary, tmp_path: Path
) -> None:
    song = indexed.songs[1]
    page.goto("/")
    page.set_input_files("#audio-file", str(write_clip(tmp_path / "c.wav", song.samples)))

    card = page.locator('#result [data-outcome="match"]')
    expect(card.locator(".song-title")).to_have_text(song.title)
    expect(card.locator("audio")).to_have_count(0)
    card.get_by_role("link", name="About this song").click()
    expect(page.locator("h1")).to_have_text(song.title)
