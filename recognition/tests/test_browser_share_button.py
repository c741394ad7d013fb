"""The card's *Share this result* in a real browser, on a desktop and a phone: it copies the
permalink and says so ("Link copied", in a status line) where the browser has no share sheet,
hands the permalink to the share sheet where it has one (Chromium on Linux has none: a page
script gives it one, recording what it is handed), and opens the permalink without
JavaScript; on the page of a match and on the shared page; axe-core finds no serious or
critical violation, no page breaks the Content-Security-Policy; screenshots in
test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from recognition.models import RecognitionAttempt
from testsupport.browser import OpenPage, assert_accessible_and_shot
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

VIEWPORTS = ["desktop", "phone"]

#: A share sheet for a browser that has none: it keeps what it was handed.
FAKE_SHARE_SHEET = """
window.sharedWith = [];
navigator.share = async (data) => { window.sharedWith.push(data); };
"""


def _matched_card(
    page: Page, library: SongLibrary, folder: Path, *, button: bool = False
) -> Locator:
    """Upload a clip of a library song on the home page; its match card."""
    song = library.songs[3]
    page.goto("/")
    page.set_input_files("#audio-file", str(write_clip(folder / "c.ogg", song.samples, 6.0)))
    if button:  # without JavaScript, choosing a file sends nothing by itself
        page.get_by_role("button", name="Recognise file").click()
    card = page.locator('[data-outcome="match"]')
    expect(card.locator(".song-title")).to_have_text(song.title)
    return card


def _permalink(live_server: LiveServer) -> str:
    """The absolute permalink of the one match logged."""
    attempt = RecognitionAttempt.objects.get(outcome=RecognitionAttempt.Outcome.MATCH)
    return f"{live_server.url}/r/{attempt.share_token}/"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_without_a_share_sheet_the_permalink_is_copied_and_said(
    viewport: str,
    open_page: OpenPage,
    indexed: SongLibrary,
    tmp_path: Path,
    live_server: LiveServer,
) -> None:
    page = open_page(viewport=viewport)
    page.context.grant_permissions(["microphone", "clipboard-read", "clipboard-write"])
    card = _matched_card(page, indexed, tmp_path)
    assert page.evaluate("() => 'share' in navigator") is False

    card.get_by_role("link", name="Share this result").click()

    expect(card.get_by_role("status")).to_have_text("Link copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == _permalink(live_server)
    assert page.url.endswith("/")  # the page stayed where it was
    assert_accessible_and_shot(page, "share-copied", viewport)

    page.goto(_permalink(live_server))
    page.evaluate("() => navigator.clipboard.writeText('')")
    page.get_by_role("link", name="Share this result").click()
    expect(page.get_by_role("status")).to_have_text("Link copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == page.url
    assert_accessible_and_shot(page, "share-copied-shared-page", viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_with_a_share_sheet_the_permalink_is_handed_to_it(
    viewport: str,
    open_page: OpenPage,
    indexed: SongLibrary,
    tmp_path: Path,
    live_server: LiveServer,
) -> None:
    page = open_page(viewport=viewport)
    page.add_init_script(FAKE_SHARE_SHEET)
    card = _matched_card(page, indexed, tmp_path)

    card.get_by_role("link", name="Share this result").click()

    page.wait_for_function("() => window.sharedWith.length === 1")
    [shared] = page.evaluate("() => window.sharedWith")
    song = indexed.songs[3]
    assert shared == {"title": f"{song.title} — {song.artist}", "url": _permalink(live_server)}
    expect(card.get_by_role("status")).to_have_text("")
    assert page.url.endswith("/")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_without_javascript_the_link_opens_the_permalink(
    viewport: str,
    open_page: OpenPage,
    indexed: SongLibrary,
    tmp_path: Path,
    live_server: LiveServer,
) -> None:
    page = open_page(viewport=viewport, java_script_enabled=False)
    card = _matched_card(page, indexed, tmp_path, button=True)

    card.get_by_role("link", name="Share this result").click()

    expect(page).to_have_url(_permalink(live_server))
    expect(page.locator('[data-outcome="match"] .song-title')).to_have_text(indexed.songs[3].title)
