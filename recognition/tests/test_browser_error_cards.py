"""A refused upload shows its error card in place of the result, in both debug modes: the
header, the Listen button and the upload form stay, and the next upload works."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from testsupport.badfiles import empty_file, half_second_wav, text_renamed_mp3
from testsupport.browser import screenshot
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


def _no_file(page: Page, tmp_path: Path) -> None:
    page.get_by_role("button", name="Recognise file").click()


def _upload(make: Callable[[Path], Path]) -> Callable[[Page, Path], None]:
    def send(page: Page, tmp_path: Path) -> None:
        page.set_input_files("#audio-file", str(make(tmp_path)))

    return send


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"])
@pytest.mark.parametrize(
    ("send", "headline"),
    [
        (_upload(text_renamed_mp3), "That doesn't look like audio"),
        (_upload(empty_file), "That file is empty"),
        (_upload(half_second_wav), "That clip is too short"),
        (_no_file, "No audio received"),
    ],
    ids=["not audio", "empty file", "half a second", "no file"],
)
def test_a_refused_upload_shows_its_card_in_place(
    debug: bool,
    send: Callable[[Page, Path], None],
    headline: str,
    page: Page,
    indexed: SongLibrary,
    tmp_path: Path,
    settings,  # noqa: ANN001
) -> None:
    settings.DEBUG = debug
    page.goto("/")

    send(page, tmp_path)

    card = page.locator('#result article[data-outcome="error"]')
    expect(card.locator("h2")).to_have_text(headline)
    expect(page.locator("header.site")).to_be_visible()
    expect(page.get_by_role("button", name="Listen")).to_be_visible()
    expect(page.locator("h1")).to_have_text("What's playing?")
    screenshot(page, f"error-{card.get_attribute('data-code')}")
    page.set_input_files(
        "#audio-file", str(write_clip(tmp_path / "c.wav", indexed.songs[3].samples))
    )
    expect(page.locator('#result [data-outcome="match"] .song-title')).to_have_text(
        indexed.songs[3].title
    )


def test_a_client_over_its_rate_limit_sees_the_card_and_when_to_try_again(
    page: Page,
    indexed: SongLibrary,
    tmp_path: Path,
    settings,  # noqa: ANN001
) -> None:
    settings.KAZOOM_RATE_LIMIT = (1, 3600)
    cache.clear()  # the cache's table is not emptied between transactional tests
    page.goto("/")
    clip = write_clip(tmp_path / "c.wav", indexed.songs[1].samples)
    page.set_input_files("#audio-file", str(clip))
    expect(page.locator('#result [data-outcome="match"]')).to_be_visible()

    page.set_input_files("#audio-file", str(text_renamed_mp3(tmp_path)))

    card = page.locator('#result article[data-code="rate_limited"]')
    expect(card.locator("h2")).to_have_text("Too many recognitions")
    expect(card).to_contain_text("the limit is 1 an hour. Try again in")
    screenshot(page, "error-rate_limited")
