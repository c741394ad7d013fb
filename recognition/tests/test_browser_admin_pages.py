"""The admin pages Kazoom templates, in a real browser on a desktop and a phone: its name in the
header, a song's change page with its player, the delete confirmation that says the
fingerprints go too; axe-core finds no serious or critical violation; screenshots in
test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from catalog.models import Song
from testsupport.browser import OpenPage, assert_accessible_and_shot, signed_in_admin
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_song_s_change_page_plays_it_and_deleting_it_warns_of_its_fingerprints(
    viewport: str, open_page: OpenPage, indexed: SongLibrary
) -> None:
    page = signed_in_admin(open_page, viewport)
    song = Song.objects.get(title="Song 3")

    page.goto(f"/admin/catalog/song/{song.pk}/change/")

    page.wait_for_function("() => document.querySelector('audio').readyState >= 1", timeout=10_000)
    assert abs(page.evaluate("document.querySelector('audio').duration") - 30.0) < 0.5
    expect(page.locator(".song-listen img")).to_be_visible()
    assert_accessible_and_shot(page, "admin-song-change", viewport)

    page.get_by_role("link", name="Delete", exact=True).click()
    expect(page.locator(".fingerprints-go")).to_contain_text(
        f"Its {song.fingerprint_count:,} fingerprints go too"
    )
    assert_accessible_and_shot(page, "admin-song-delete", viewport)
    page.get_by_role("button", name="Yes, I’m sure").click()
    expect(page.locator(".messagelist")).to_contain_text("deleted successfully")
    assert not Song.objects.filter(pk=song.pk).exists()
