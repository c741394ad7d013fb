"""``/songs/`` and the browser's Back and Forward: each search's URL shows its whole page,
with its words in the search box."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from testsupport.catalog import small_catalog

pytestmark = pytest.mark.django_db(transaction=True)


def _search(page: Page, words: str, count: str) -> None:
    page.get_by_label("Search title, artist or album").fill(words)
    expect(page).to_have_url(re.compile(rf"\?q={words}&sort="))
    expect(page.locator(".count")).to_have_text(f"{count} matching “{words}”")


def _shows_search(page: Page, words: str, count: str) -> None:
    expect(page.locator("h1")).to_have_text("Songs")
    expect(page.locator("header.site")).to_be_visible()
    expect(page.get_by_label("Search title, artist or album")).to_have_value(words)
    expect(page.locator(".count")).to_have_text(f"{count} matching “{words}”")


def test_back_to_a_search_from_another_page_shows_the_whole_page(page: Page) -> None:
    small_catalog(3)
    page.goto("/songs/")
    _search(page, "lonely", "1 song")

    page.get_by_role("link", name="Recognise").click()
    expect(page.locator("h1")).to_have_text("What's playing?")
    page.go_back()

    _shows_search(page, "lonely", "1 song")


def test_back_and_forward_between_searches_show_each_with_its_words(page: Page) -> None:
    small_catalog(3)
    page.goto("/songs/")
    _search(page, "lonely", "1 song")
    _search(page, "testers", "3 songs")

    page.go_back()
    _shows_search(page, "lonely", "1 song")
    page.go_forward()
    _shows_search(page, "testers", "3 songs")
