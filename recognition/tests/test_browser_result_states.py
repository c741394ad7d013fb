"""Every state of the recognition pages in a real browser, on a desktop and on a phone: what
each shows, no accessibility violation of serious or critical impact (axe-core), and a
screenshot of each in test-artifacts/ (``<state>-<viewport>.png``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from recognition.presenters import CONFIDENCE_LEVELS
from testsupport.badfiles import text_renamed_mp3
from testsupport.browser import (
    OpenPage,
    assert_accessible_and_shot,
    assert_cover_shows,
    shown_colour,
)
from testsupport.catalog import small_catalog
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

VIEWPORTS = ["desktop", "phone"]
#: The smallest a label may be drawn, in CSS pixels.
READABLE_PX = 11.0
#: The smallest tap target, in CSS pixels (WCAG 2.5.5's enhanced size).
TAP_PX = 44.0


def _upload(page: Page, path: Path) -> Locator:
    page.set_input_files("#audio-file", str(path))
    return page.locator("#result article")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_home_page(viewport: str, open_page: OpenPage, indexed: SongLibrary) -> None:
    page = open_page(viewport=viewport)
    page.goto("/")

    expect(page.get_by_role("button", name="Listen")).to_be_visible()
    expect(page.locator("#empty-catalog")).to_have_count(0)
    # A touch screen is offered to choose a file, a mouse also to drop one.
    touch = viewport == "phone"
    expect(page.get_by_text("Drop an audio file here")).to_be_visible(visible=not touch)
    expect(page.get_by_text("Choose an audio file")).to_be_visible(visible=touch)
    expect(page.get_by_text("Kazoom starts as soon as you choose it.")).to_be_visible()
    for link in page.locator("header.site a").all():
        box = link.bounding_box()
        assert box is not None and box["width"] >= TAP_PX and box["height"] >= TAP_PX
    assert_accessible_and_shot(page, "home", viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_home_page_of_an_empty_catalog_says_so(viewport: str, open_page: OpenPage) -> None:
    page = open_page(viewport=viewport)
    page.goto("/")

    empty = page.locator("#empty-catalog")
    expect(empty).to_be_visible()
    expect(empty.locator("h2")).to_have_text("No songs yet")
    assert_accessible_and_shot(page, "home-empty-catalog", viewport)


def _labels(chart: Locator) -> list[dict]:
    """Each text of an SVG chart: its box on the page and its drawn font size, in CSS px."""
    return chart.evaluate(
        """svg => {
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          return [...svg.querySelectorAll("text")].map(text => {
            const box = text.getBoundingClientRect();
            return {text: text.textContent, left: box.left, right: box.right, top: box.top,
                    bottom: box.bottom, px: parseFloat(getComputedStyle(text).fontSize) * scale};
          });
        }"""
    )


def _assert_readable(chart: Locator) -> None:
    frame = chart.bounding_box()
    assert frame is not None
    labels = _labels(chart)
    assert labels
    for i, label in enumerate(labels):
        assert label["px"] >= READABLE_PX, label
        assert (
            frame["x"] - 0.5 <= label["left"]
            and label["right"] <= frame["x"] + frame["width"] + 0.5
        ), label
        for other in labels[i + 1 :]:
            apart = (
                label["right"] <= other["left"] + 0.5
                or other["right"] <= label["left"] + 0.5
                or label["bottom"] <= other["top"] + 0.5
                or other["bottom"] <= label["top"] + 0.5
            )
            assert apart, (label, other)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_match_and_why(
    viewport: str, open_page: OpenPage, indexed: SongLibrary, tmp_path: Path
) -> None:
    page = open_page(viewport=viewport)
    page.goto("/")
    song = indexed.songs[4]

    card = _upload(page, write_clip(tmp_path / "Party clip.mp3", song.samples, 9.0))

    expect(card).to_have_attribute("data-outcome", "match")
    expect(card.locator(".song-title")).to_have_text(song.title)
    expect(card.locator(".file-name")).to_have_text("File: Party clip.mp3")
    assert song.cover_colour is not None
    assert_cover_shows(card.locator("img.cover"), song.cover_colour)
    card.locator("details.why summary").click()
    charts = card.locator("details.why svg")
    expect(charts).to_have_count(2)
    for chart in charts.all():
        _assert_readable(chart)
    assert_accessible_and_shot(page, "match", viewport)


def _css_colour(page: Page, value: str) -> tuple[int, int, int]:
    rgb = page.evaluate(
        """value => { const probe = document.createElement("i"); probe.style.color = value;
                      document.body.append(probe); const rgb = getComputedStyle(probe).color;
                      probe.remove(); return rgb.match(/\\d+/g).map(Number); }""",
        value,
    )
    return rgb[0], rgb[1], rgb[2]


def test_the_confidence_bar_is_drawn_in_its_level_s_colour(
    page: Page, indexed: SongLibrary, tmp_path: Path
) -> None:
    page.goto("/")
    card = _upload(page, write_clip(tmp_path / "c.wav", indexed.songs[0].samples))
    confidence = card.locator("dd.confidence")
    expect(confidence.locator(".confidence-words")).to_contain_text(" %")

    colours = []
    for level in CONFIDENCE_LEVELS:
        confidence.evaluate("(dd, name) => { dd.className = 'confidence ' + name; }", level.name)
        level_colour = confidence.evaluate("dd => getComputedStyle(dd).getPropertyValue('--level')")
        # The colour at a tenth of the meter's width, on its middle line.
        colours.append(shown_colour(confidence.locator("meter"), 0.1, 0.5))
        assert colours[-1] == _css_colour(page, level_colour)
    assert len(set(colours)) == len(CONFIDENCE_LEVELS)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_upload_of_an_unknown_song(
    viewport: str, open_page: OpenPage, indexed: SongLibrary, tmp_path: Path
) -> None:
    page = open_page(viewport=viewport)
    page.goto("/")

    card = _upload(page, write_clip(tmp_path / "unknown.ogg", indexed.stranger, 3.0, 4.0))

    expect(card).to_have_attribute("data-outcome", "no-match")
    expect(card).to_contain_text("Try a longer clip")
    assert_accessible_and_shot(page, "no-match", viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_error(viewport: str, open_page: OpenPage, indexed: SongLibrary, tmp_path: Path) -> None:
    page = open_page(viewport=viewport)
    page.goto("/")

    card = _upload(page, text_renamed_mp3(tmp_path))

    expect(card).to_have_attribute("data-outcome", "error")
    expect(card.locator(".file-name")).to_have_text("File: notes.mp3")
    assert_accessible_and_shot(page, "error", viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_listening_to_an_unknown_song_until_it_stops(
    viewport: str, open_page: OpenPage, indexed: SongLibrary
) -> None:
    page = open_page(viewport=viewport, browser="stranger")
    page.goto("/")
    page.get_by_role("button", name="Listen").click()

    pending = page.locator('#result [data-outcome="pending"]')
    expect(pending).to_be_visible(timeout=15_000)
    assert_accessible_and_shot(page, "pending", viewport)
    card = page.locator('#result [data-outcome="no-match"]')
    expect(card).to_be_visible(timeout=20_000)

    # Ten seconds were heard: a longer clip would not help.
    expect(card).not_to_contain_text("longer clip")
    expect(card).to_contain_text("most likely not in Kazoom's catalog")
    expect(page.locator("#listen-message")).to_have_text("Stopped listening.")
    assert_accessible_and_shot(page, "no-match-after-listening", viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_songs_page(viewport: str, open_page: OpenPage) -> None:
    small_catalog(12)
    page = open_page(viewport=viewport)
    page.goto("/songs/")

    # Title, artist, album and length fit the screen; a phone leaves out the date of indexing.
    width = page.viewport_size["width"] if page.viewport_size else 0
    for name in ("Title", "Artist", "Album", "Duration"):
        box = page.get_by_role("columnheader", name=name).bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, name
    indexed = page.get_by_role("columnheader", name="Indexed")
    expect(indexed).to_be_visible(visible=viewport == "desktop")
    expect(page.locator(".songs-table tbody tr")).to_have_count(13)
    assert_accessible_and_shot(page, "songs", viewport)


def _first_title(page: Page) -> Locator:
    return page.locator('.songs-table tbody th[scope="row"]').first


def test_the_songs_sort_by_a_column_and_keep_it_while_searching(page: Page) -> None:
    small_catalog(3)
    page.goto("/songs/")
    expect(_first_title(page)).to_have_text("Lonely Tune")  # by artist: Solo Act first

    page.get_by_role("link", name="Duration").click()
    expect(_first_title(page)).to_have_text("Track 00")
    expect(page.locator('th[aria-sort="ascending"]')).to_have_text("Duration ▲")
    page.get_by_role("link", name="Duration").click()
    expect(_first_title(page)).to_have_text("Lonely Tune")
    page.get_by_label("Search title, artist or album").fill("track")

    expect(page.locator(".count")).to_have_text("3 songs matching “track”")
    expect(_first_title(page)).to_have_text("Track 02")
    expect(page.locator('th[aria-sort="descending"]')).to_have_text("Duration ▼")
