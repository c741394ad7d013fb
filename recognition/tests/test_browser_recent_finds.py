"""Your recent finds in a real browser, on a desktop and a phone: each match joins the list at
once (htmx, out of band), the list outlives a reload, and Clear empties it; axe-core finds no
serious or critical violation; screenshots in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from testsupport.browser import MIC_SONG, OpenPage, assert_accessible_and_shot
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_finds_join_the_list_as_they_are_made_and_clear_empties_it(
    viewport: str, open_page: OpenPage, indexed: SongLibrary, tmp_path: Path
) -> None:
    page = open_page(viewport=viewport)
    page.goto("/")
    finds = page.locator("#recent-finds")
    expect(finds).to_be_hidden()

    first = indexed.songs[3]
    page.set_input_files("#audio-file", str(write_clip(tmp_path / "a.wav", first.samples, 11.0)))
    expect(finds.locator("li")).to_have_count(1)
    expect(finds.locator("li").first).to_contain_text(f"{first.title}")
    expect(finds.locator("li").first).to_contain_text("at 0:11")
    page.get_by_role("button", name="Listen", exact=True).click()
    expect(finds.locator("li")).to_have_count(2, timeout=20_000)
    expect(finds.locator("li a").first).to_have_text(indexed.songs[MIC_SONG].title)

    page.reload()
    expect(finds.locator("li a")).to_have_text([indexed.songs[MIC_SONG].title, first.title])
    assert_accessible_and_shot(page, "recent-finds", viewport)

    finds.get_by_role("button", name="Clear").click()
    expect(finds).to_be_hidden()
    page.reload()
    expect(page.locator("#recent-finds")).to_be_hidden()
