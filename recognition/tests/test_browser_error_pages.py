"""An unknown URL in a real browser, in both DEBUG modes, on a desktop and a phone: the site's
404 page with its header and navigation, no accessibility violation of serious or critical
impact, no Content-Security-Policy violation, a screenshot in test-artifacts/; its links lead
back into the site."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from testsupport.browser import OpenPage, assert_accessible_and_shot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("debug", [True, False], ids=["debug-on", "debug-off"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_an_unknown_url_shows_the_site_s_404_page(
    debug: bool,
    viewport: str,
    open_page: OpenPage,
    settings,  # noqa: ANN001
) -> None:
    settings.DEBUG = debug
    page = open_page(viewport=viewport)

    response = page.goto("/no/such/page")

    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator("header.site")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert_accessible_and_shot(page, f"not-found-{'debug-on' if debug else 'debug-off'}", viewport)
    page.get_by_role("link", name="Browse the songs").click()
    expect(page).to_have_url("/songs/")
