"""Kazoom in a real browser: Debian's Chromium, headless, driven by Playwright.

The microphone is Chromium's fake capture device playing a WAV of an indexed song, so the
Listen flow runs end to end: Web Audio capture, WAV encoding, htmx posts, result card.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from catalog.models import Artist
from testsupport.badfiles import text_renamed_mp3
from testsupport.browser import ARTIFACTS, MIC_SONG, OpenPage
from testsupport.excerpts import write_clip
from testsupport.indexing_jobs import run_queued_jobs
from testsupport.library import BOTH_DATABASES, SongLibrary
from testsupport.music import synth_song

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


def test_uploading_a_clip_shows_the_song(page: Page, indexed: SongLibrary, tmp_path: Path) -> None:
    song = indexed.songs[4]
    page.goto("/")
    page.set_input_files("#audio-file", str(write_clip(tmp_path / "clip.mp3", song.samples, 9.0)))

    card = page.locator('#result [data-outcome="match"]')
    expect(card).to_be_visible(timeout=15_000)
    expect(card.locator(".song-title")).to_have_text(song.title)
    expect(card).to_contain_text("0:09")
    card.locator("details.why summary").click()
    expect(card.locator("details.why svg")).to_have_count(2)
    ARTIFACTS.mkdir(exist_ok=True)
    card.screenshot(path=str(ARTIFACTS / "result-card.png"))


def test_listening_names_the_song_the_microphone_hears(page: Page, indexed: SongLibrary) -> None:
    page.goto("/")
    page.click("#listen")
    expect(page.locator("#listen")).to_have_attribute("aria-pressed", "true")

    card = page.locator('#result [data-outcome="match"]')
    expect(card).to_be_visible(timeout=20_000)
    expect(card.locator(".song-title")).to_have_text(indexed.songs[MIC_SONG].title)
    expect(page.locator("#listen")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#listen-message")).to_have_text("Got it.")


def test_a_refused_microphone_says_so_and_upload_still_works(
    open_page: OpenPage, indexed: SongLibrary, tmp_path: Path
) -> None:
    page = open_page(browser="refusing")
    page.goto("/")
    page.click("#listen")

    refused = page.locator('#result [data-code="NotAllowedError"]')
    expect(refused.locator("h2")).to_have_text("Microphone access was refused")
    expect(refused).to_have_attribute("data-outcome", "error")
    page.set_input_files(
        "#audio-file", str(write_clip(tmp_path / "c.wav", indexed.songs[0].samples))
    )
    expect(page.locator('#result [data-outcome="match"] .song-title')).to_have_text(
        indexed.songs[0].title
    )


def test_without_a_secure_connection_listening_says_so(open_page: OpenPage) -> None:
    page = open_page()
    # What a page served over plain http (not localhost) sees.
    page.add_init_script("Object.defineProperty(navigator, 'mediaDevices', {value: undefined})")
    page.goto("/")
    page.click("#listen")

    card = page.locator("#result article")
    expect(card).to_have_class("card problem")
    expect(card).to_have_attribute("data-outcome", "error")
    expect(card).to_have_attribute("data-code", "insecure")
    expect(card.locator("h2")).to_have_text("Listening needs a secure connection")
    expect(card.locator("p")).to_have_text(re.compile("^Open Kazoom over https"))
    expect(page.locator("#listen-message")).to_have_text("Listening needs a secure connection.")
    expect(page.locator("#listen")).to_have_attribute("aria-pressed", "false")


def test_a_non_audio_upload_shows_its_error_and_the_page_keeps_working(
    page: Page, indexed: SongLibrary, tmp_path: Path
) -> None:
    page.goto("/")
    page.set_input_files("#audio-file", str(text_renamed_mp3(tmp_path)))

    problem = page.locator('#result [data-outcome="error"]')
    expect(problem).to_contain_text("doesn't look like audio")
    page.set_input_files(
        "#audio-file", str(write_clip(tmp_path / "c.flac", indexed.songs[1].samples))
    )
    expect(page.locator('#result [data-outcome="match"] .song-title')).to_have_text(
        indexed.songs[1].title
    )


def test_an_admin_adds_a_song_by_upload_and_it_is_recognised(
    page: Page,
    django_user_model,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    django_user_model.objects.create_superuser("boss", "boss@example.org", "Kaz00m-admin-pass")
    Artist.objects.create(name="Browser Band")
    new_song = synth_song(77, seconds=25)
    page.goto("/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "Kaz00m-admin-pass")
    page.click('input[type="submit"]')

    page.goto("/admin/catalog/song/add/")
    page.fill("#id_title", "Added In The Browser")
    page.click("#id_artist + .select2 .select2-selection")
    page.fill(".select2-search__field", "Browser")
    page.click('.select2-results__option:has-text("Browser Band")')
    page.set_input_files("#id_audio_file", str(write_clip(tmp_path / "take.ogg", new_song, 0, 25)))
    page.click('input[name="_save"]')
    expect(page.locator(".messagelist")).to_contain_text("is queued for indexing")
    [job] = run_queued_jobs()
    assert job.status == "done"

    page.goto("/")
    page.set_input_files("#audio-file", str(write_clip(tmp_path / "clip.wav", new_song, 15.0)))
    card = page.locator('#result [data-outcome="match"]')
    expect(card.locator(".song-title")).to_have_text("Added In The Browser")
    expect(card.locator(".song-artist")).to_have_text("Browser Band")


def test_the_page_works_from_the_keyboard(page: Page, indexed: SongLibrary) -> None:
    page.goto("/")
    expect(page.get_by_role("button", name="Listen")).to_be_visible()
    expect(page.get_by_label("Drop an audio file here")).to_have_attribute("type", "file")

    focused = []
    for _ in range(10):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id"))
        if focused[-1] == "listen":
            break
    assert focused[-1] == "listen"
    page.keyboard.press("Enter")

    expect(page.locator('#result [data-outcome="match"] .song-title')).to_have_text(
        indexed.songs[MIC_SONG].title, timeout=20_000
    )
