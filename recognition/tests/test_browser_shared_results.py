"""A shared result in a real browser, on a desktop and a phone: the card's Share link leads to
a page that shows the same card to someone else, its runners-up and *Why this match?*
pictures included; axe-core finds no serious or critical violation; a screenshot of it, with
both opened, in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from testsupport.browser import OpenPage, assert_accessible_and_shot
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_shared_result_shows_the_same_card_to_someone_else(
    viewport: str, open_page: OpenPage, indexed: SongLibrary, tmp_path: Path
) -> None:
    song = indexed.songs[4]
    page = open_page(viewport=viewport)
    page.goto("/")
    page.set_input_files("#audio-file", str(write_clip(tmp_path / "c.ogg", song.samples, 7.0)))
    card = page.locator('#result [data-outcome="match"]')
    expect(card.locator(".song-title")).to_have_text(song.title)
    link = card.get_by_role("link", name="Share this result").get_attribute("href")
    assert link is not None

    friend = open_page(viewport=viewport)
    friend.goto(link)

    shared = friend.locator('[data-outcome="match"]')
    expect(shared.locator(".song-title")).to_have_text(song.title)
    expect(shared.locator(".song-artist")).to_have_text(song.artist)
    expect(shared).to_contain_text("at 0:07 of 0:30")
    expect(shared.locator(".confidence-words")).to_have_text(
        card.locator(".confidence-words").inner_text()
    )
    expect(shared.locator("img.cover")).to_be_visible()
    expect(shared.get_by_role("link", name="Recognise a song")).to_have_attribute("href", "/")
    assert_accessible_and_shot(friend, "shared-result", viewport)
    for part in (".runners", ".why"):
        friend.locator(f"{part} summary").click()
        expect(shared.locator(part)).to_have_attribute("open", "")
        assert shared.locator(part).text_content() == card.locator(part).text_content()
    expect(shared.locator(".why svg")).to_have_count(2)
    expect(shared.locator(".why svg").first).to_be_visible()
    assert_accessible_and_shot(friend, "shared-result-why", viewport)

    missing = friend.goto("/r/AAAAAAAAAAAAAAAAAAAAAA/")
    assert missing is not None and missing.status == 404
    expect(friend.locator("h1")).to_have_text("No such result")
