"""Kazoom's pages work under their Content-Security-Policy: the home page, a result with its
charts, an error card, the microphone, /songs/ and the admin report no violation (the
``open_page`` fixture fails any test whose pages report one), and a violation is seen."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from testsupport.badfiles import text_renamed_mp3
from testsupport.browser import Browsers, PolicyViolations
from testsupport.excerpts import write_clip
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'"


def _policy_of(page: Page, path: str) -> str:
    response = page.goto(path)
    assert response is not None and response.ok
    return response.headers["content-security-policy"]


def test_a_result_an_error_and_the_songs_page_keep_to_the_policy(
    page: Page, indexed: SongLibrary, tmp_path: Path
) -> None:
    assert _policy_of(page, "/").startswith(POLICY)
    expect(page.locator("#listen")).to_be_enabled()

    song = indexed.songs[3]
    page.set_input_files("#audio-file", str(write_clip(tmp_path / "c.ogg", song.samples, 6.0)))
    card = page.locator('#result [data-outcome="match"]')
    expect(card.locator(".song-title")).to_have_text(song.title)
    card.locator("details.why summary").click()
    expect(card.locator("details.why svg")).to_have_count(2)

    page.set_input_files("#audio-file", str(text_renamed_mp3(tmp_path)))
    expect(page.locator('#result [data-outcome="error"]')).to_be_visible()

    assert _policy_of(page, "/songs/").startswith(POLICY)
    page.get_by_role("searchbox").fill(song.title)
    expect(page.locator("tbody tr")).to_have_count(1)


def test_the_microphone_keeps_to_the_policy(page: Page, indexed: SongLibrary) -> None:
    page.goto("/")
    page.click("#listen")

    expect(page.locator('#result [data-outcome="match"]')).to_be_visible(timeout=20_000)


def test_the_admin_keeps_to_the_policy(page: Page, django_user_model) -> None:  # noqa: ANN001
    django_user_model.objects.create_superuser("boss", "boss@example.org", "Kaz00m-admin-pass")
    assert _policy_of(page, "/admin/login/").startswith(POLICY)
    page.fill("#id_username", "boss")
    page.fill("#id_password", "Kaz00m-admin-pass")
    page.click('input[type="submit"]')
    expect(page.locator("#site-name")).to_be_visible()

    page.goto("/admin/catalog/song/add/")
    page.click("#id_artist + .select2 .select2-selection")
    expect(page.locator(".select2-search__field")).to_be_visible()
    page.goto("/admin/recognition/recognitionattempt/")
    expect(page.locator("#changelist")).to_be_visible()


def test_a_violation_is_reported(browsers: Browsers, live_server) -> None:  # noqa: ANN001
    context = browsers.chromium["listening"].new_context(base_url=live_server.url)
    watch = PolicyViolations(context)
    page = context.new_page()
    page.goto("/songs/")

    page.evaluate(
        "document.body.append(Object.assign(document.createElement('script'), "
        "{textContent: 'window.ran = true'}))"
    )
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_timeout(200)
    ran = page.evaluate("window.ran === true")
    context.close()

    assert not ran
    assert any("script-src-elem" in line for line in watch.reported), watch.reported
    assert any("style-src-attr" in line for line in watch.reported), watch.reported
